"""Logging in and out, the coach's language, and the audit log (admins)."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.coach import auth
from bot.coach.render import page
from bot.coach.texts import LOCALES
from bot.store import coaches
from bot.store.db import run_db

LOGIN_CSRF_AGE = 60 * 60
SESSION_AGE = int(coaches.SESSION_LIFETIME.total_seconds())


def login_form(request: Request, status_code: int = 200, error: str | None = None) -> Response:
    """The form carries a fresh token that must match the cookie (double submit)."""
    token = secrets.token_urlsafe(32)
    response = page(
        request,
        "login.html",
        status_code=status_code,
        login_csrf=token,
        next=auth.local_path(request.query_params.get("next")),
        error=error,
    )
    auth.set_cookie(request, response, auth.LOGIN_CSRF_COOKIE, token, LOGIN_CSRF_AGE)
    return response


async def login(request: Request) -> Response:
    if request.method == "GET":
        return login_form(request)
    form = await request.form()
    if not auth.same_token(str(form.get("csrf", "")), request.cookies.get(auth.LOGIN_CSRF_COOKIE)):
        return PlainTextResponse("CSRF token missing or wrong", status_code=403)
    email, password = str(form.get("email", ""))[:254], str(form.get("password", ""))
    limiter = auth.limiter(request)
    if limiter.blocked(email):
        return login_form(request, 429, "too_many")
    coach = await run_db(coaches.authenticate, email, password)
    if coach is None:
        limiter.failed(email)
        await run_db(coaches.audit, None, "login_failed", None, {})
        return login_form(request, 401, "wrong")
    limiter.succeeded(email)
    token, _csrf = await run_db(coaches.create_session, coach.id)
    await run_db(coaches.audit, coach.id, "login", f"coach:{coach.id}", {})
    response = RedirectResponse(auth.local_path(str(form.get("next", ""))), status_code=303)
    auth.set_cookie(request, response, auth.COOKIE, token, SESSION_AGE)
    auth.clear_cookie(request, response, auth.LOGIN_CSRF_COOKIE)
    return response


@auth.login_required(page=False)
async def logout(request: Request) -> Response:
    await run_db(coaches.delete_session, request.cookies.get(auth.COOKIE))
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
    return page(request, "audit.html", entries=entries)
