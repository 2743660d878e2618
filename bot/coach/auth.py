"""Who is logged in, and the checks every dashboard route runs before its work.

- Cookies (:func:`set_cookie`): HttpOnly, SameSite=Strict. On https (or with
  ``COACH_SECURE_COOKIES=1``) they are ``__Host-`` cookies: Secure, Path=/, no
  Domain, so neither plain http nor a sibling subdomain can plant or overwrite
  them. On plain http (a laptop, the tests) the browser would drop or never send
  a Secure cookie, so they keep their plain name, Path=/coach and no Secure.
- Session cookie ``werkmaatje_coach``; the server keeps only its hash
  (:mod:`bot.store.coaches`).
- No session: pages redirect (303) to the login page, JSON, SSE and POST answer 401.
- Every POST carries the session's CSRF token (form field ``csrf`` or header
  ``X-CSRF-Token``); the login form's token is bound to a pre-session
  (:mod:`bot.coach.login_guard`), which also throttles failed logins.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from bot.config import settings
from bot.store import coaches
from bot.store.coaches import CoachData
from bot.store.db import run_db
from bot.store.escalations import Viewer

COOKIE = "werkmaatje_coach"
HOST_PREFIX = "__Host-"
PATH = "/coach"
LOGIN = "/coach/login"

Endpoint = Callable[[Request], Awaitable[Response]]


def viewer(coach: CoachData) -> Viewer:
    return Viewer(coach_id=coach.id, role=coach.role, team_id=coach.team_id)


def local_path(value: str | None, default: str = "/coach/") -> str:
    """Only a path inside the dashboard, never another site (open redirect)."""
    if not value or not value.startswith(PATH) or "\\" in value or value.startswith("//"):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def secure_cookies(request: Request) -> bool:
    """https (behind a proxy: its X-Forwarded-Proto), or forced by ``COACH_SECURE_COOKIES=1``."""
    return request.url.scheme == "https" or settings().coach_secure_cookies


def cookie_name(request: Request, name: str) -> str:
    """The name this request's cookie has: only the ``__Host-`` one counts on https."""
    return HOST_PREFIX + name if secure_cookies(request) else name


def read_cookie(request: Request, name: str) -> str | None:
    return request.cookies.get(cookie_name(request, name))


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    secure = secure_cookies(request)
    response.set_cookie(
        cookie_name(request, name),
        value,
        max_age=max_age,
        path="/" if secure else PATH,
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    secure = secure_cookies(request)
    response.delete_cookie(
        cookie_name(request, name),
        path="/" if secure else PATH,
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(str(given), str(expected))


async def posted_csrf(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    form = await request.form()
    value = form.get("csrf")
    return value if isinstance(value, str) else None


def unauthenticated(request: Request, page: bool) -> Response:
    if page and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{LOGIN}?next={quote(local_path(target))}", status_code=303)
    return JSONResponse({"error": "login required"}, status_code=401)


def login_required(
    page: bool = True, admin: bool = False, roles: tuple[str, ...] = ()
) -> Callable[[Endpoint], Endpoint]:
    """Wrap a route: loads the coach into ``request.state``, checks CSRF on POST and the role.

    ``page`` routes redirect to the login page; the others (JSON, SSE) answer 401.
    ``admin`` or ``roles`` (the roles allowed) answer 403 to anyone else.
    """

    def wrap(endpoint: Endpoint) -> Endpoint:
        @wraps(endpoint)
        async def guarded(request: Request) -> Response:
            found = await run_db(coaches.load_session, read_cookie(request, COOKIE))
            if found is None:
                return unauthenticated(request, page)
            coach, csrf = found
            if request.method == "POST" and not same_token(await posted_csrf(request), csrf):
                return PlainTextResponse("CSRF token missing or wrong", status_code=403)
            if admin and coach.role != "admin":
                return PlainTextResponse("Admins only", status_code=403)
            if roles and coach.role not in roles:
                return PlainTextResponse("Not for this role", status_code=403)
            request.state.coach, request.state.csrf = coach, csrf
            request.state.viewer = viewer(coach)
            return await endpoint(request)

        return guarded

    return wrap
