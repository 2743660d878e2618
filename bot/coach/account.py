"""Logging in and out, the coach's language, and the audit log (admins)."""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.coach import auth, login_guard
from bot.coach.render import locale_of, page
from bot.coach.texts import LOCALES
from bot.coach.words import AUDIT_ACTIONS, named
from bot.store import coaches, throttle
from bot.store.db import run_db

# The browser forgets the cookie when the server does (absolute session lifetime).
SESSION_AGE = int(coaches.SESSION_MAX_AGE.total_seconds())


def login_form(
    request: Request, status_code: int = 200, error: str | None = None, wait: float = 0
) -> Response:
    """The form, with a token bound to this browser's pre-session (see login_guard)."""
    pre = login_guard.pre_session(request)
    seconds = math.ceil(wait)
    response = page(
        request,
        "login.html",
        status_code=status_code,
        login_csrf=login_guard.login_csrf(pre),
        next=auth.local_path(request.query_params.get("next")),
        error=error,
        wait_seconds=seconds,
        wait_minutes=math.ceil(seconds / 60),
    )
    if seconds:
        response.headers["Retry-After"] = str(seconds)
    auth.set_cookie(
        request, response, login_guard.PRE_SESSION_COOKIE, pre, login_guard.PRE_SESSION_AGE
    )
    return response


async def login(request: Request) -> Response:
    if request.method == "GET":
        return login_form(request)
    form = await request.form()
    if not login_guard.login_csrf_ok(request, str(form.get("csrf", ""))):
        return PlainTextResponse("CSRF token missing or wrong", status_code=403)
    email, password = str(form.get("email", ""))[:254], str(form.get("password", ""))
    attempt = login_guard.attempt(request, email)
    # Counted before the password is checked; refused while blocked, without checking it.
    admission = await run_db(throttle.admit, attempt.buckets)
    if admission.wait > 0:
        return login_form(request, 429, "too_many", admission.wait)
    coach = await run_db(coaches.authenticate, email, password)
    if coach is None:
        await run_db(coaches.audit, None, "login_failed", None, {})
        return login_form(request, 401, "wrong")
    await run_db(throttle.forgive, admission, attempt.clears)
    token, _csrf = await run_db(coaches.create_session, coach.id)
    await run_db(coaches.audit, coach.id, "login", f"coach:{coach.id}", {})
    response = RedirectResponse(auth.local_path(str(form.get("next", ""))), status_code=303)
    auth.set_cookie(request, response, auth.COOKIE, token, SESSION_AGE)
    auth.clear_cookie(request, response, login_guard.PRE_SESSION_COOKIE)
    login_guard.remember_device(request, response, coach.email)
    return response


@auth.login_required(page=False)
async def logout(request: Request) -> Response:
    await run_db(coaches.delete_session, auth.read_cookie(request, auth.COOKIE))
    await run_db(coaches.audit, request.state.coach.id, "logout", None, {})
    response = RedirectResponse(auth.LOGIN, status_code=303)
    auth.clear_cookie(request, response, auth.COOKIE)
    return response


@auth.login_required(page=False)
async def set_locale(request: Request) -> Response:
    form = await request.form()
    locale = str(form.get("locale", ""))
    if locale not in LOCALES:
        return PlainTextResponse("Unknown language", status_code=400)
    await run_db(coaches.set_locale, request.state.coach.id, locale)
    return RedirectResponse(auth.local_path(str(form.get("next", ""))), status_code=303)


@auth.login_required(admin=True)
async def audit_log(request: Request) -> Response:
    entries = await run_db(coaches.list_audit, 200)
    locale = locale_of(request)
    return page(
        request,
        "audit.html",
        entries=entries,
        action_name=lambda action: named(AUDIT_ACTIONS, action, locale),
    )
