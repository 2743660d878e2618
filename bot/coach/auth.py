"""Who is logged in, and the checks every dashboard route runs before its work.

- Session cookie ``werkmaatje_coach``: HttpOnly, SameSite=Strict, Path=/coach,
  Secure on https. The server keeps only its hash (:mod:`bot.store.coaches`).
- No session: pages redirect (303) to the login page, JSON, SSE and POST answer 401.
- Every POST carries the session's CSRF token (form field ``csrf`` or header
  ``X-CSRF-Token``); the login form uses a double-submit cookie instead.
- Failed logins are limited per email (in memory: one web process serves the dashboard).
"""

from __future__ import annotations

import hmac
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from bot.store import coaches
from bot.store.coaches import CoachData
from bot.store.db import run_db
from bot.store.escalations import Viewer

COOKIE = "werkmaatje_coach"
LOGIN_CSRF_COOKIE = "werkmaatje_login_csrf"
PATH = "/coach"
LOGIN = "/coach/login"
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60.0

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


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, path=PATH, httponly=True, samesite="strict", secure=request.url.scheme == "https"
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


def login_required(page: bool = True, admin: bool = False) -> Callable[[Endpoint], Endpoint]:
    """Wrap a route: loads the coach into ``request.state``, checks CSRF on POST and the role.

    ``page`` routes redirect to the login page; the others (JSON, SSE) answer 401.
    """

    def wrap(endpoint: Endpoint) -> Endpoint:
        @wraps(endpoint)
        async def guarded(request: Request) -> Response:
            found = await run_db(coaches.load_session, request.cookies.get(COOKIE))
            if found is None:
                return unauthenticated(request, page)
            coach, csrf = found
            if request.method == "POST" and not same_token(await posted_csrf(request), csrf):
                return PlainTextResponse("CSRF token missing or wrong", status_code=403)
            if admin and coach.role != "admin":
                return PlainTextResponse("Admins only", status_code=403)
            request.state.coach, request.state.csrf = coach, csrf
            request.state.viewer = viewer(coach)
            return await endpoint(request)

        return guarded

    return wrap


class LoginLimiter:
    """At most ``MAX_FAILURES`` failed logins per email in ``FAILURE_WINDOW`` seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, email: str) -> deque[float]:
        times = self.failures[email.strip().lower()]
        while times and times[0] <= self.clock() - FAILURE_WINDOW:
            times.popleft()
        return times

    def blocked(self, email: str) -> bool:
        return len(self._recent(email)) >= MAX_FAILURES

    def failed(self, email: str) -> None:
        self._recent(email).append(self.clock())

    def succeeded(self, email: str) -> None:
        self.failures.pop(email.strip().lower(), None)


def limiter(request: Request) -> LoginLimiter:
    """One limiter per app (tests build fresh apps)."""
    state = request.app.state
    if not hasattr(state, "coach_login_limiter"):
        state.coach_login_limiter = LoginLimiter()
    return state.coach_login_limiter  # type: ignore[no-any-return]
