"""The coach login: throttling, the login CSRF token, cookies and session lifetime.

The app runs in-process (Starlette's TestClient) on the run's own database; each
test logs in from addresses of its own, so the throttle of one test never blocks
another.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from starlette.requests import Request
from starlette.testclient import TestClient

from bot.coach import live, login_guard
from bot.store import coaches, throttle
from bot.store.db import session_scope
from bot.store.models import CoachSession, LoginThrottle, utcnow
from bot.web.app import create_app
from tests.unit.coach_helpers import (
    PASSWORD,
    app_client,
    client_address,
    csrf_of,
    login,
    make_coach,
    make_team,
    unique,
)

WRONG = "not the password at all"


@pytest.fixture
def coach_email() -> str:
    return make_coach(make_team()[0])[1]


@pytest.fixture(autouse=True)
def forget_the_global_bucket() -> Iterator[None]:
    """Tests that fill the global bucket must not block the rest of the run."""
    yield
    throttle.clear([throttle.GLOBAL_KEY])


def unblock_all() -> None:
    """As if every block had run out."""
    with session_scope() as session:
        session.execute(update(LoginThrottle).values(blocked_until=None))


# --- throttling --------------------------------------------------------------------------


def test_one_client_trying_many_accounts_is_slowed_down() -> None:
    with app_client() as attacker:
        answers = [
            login(attacker, f"{unique('nobody')}@example.org", WRONG).status_code
            for _ in range(login_guard.CLIENT.free + 1)
        ]
    assert answers[: login_guard.CLIENT.free] == [401] * login_guard.CLIENT.free
    assert answers[-1] == 429


def test_a_locked_account_does_not_keep_its_coach_out(coach_email: str) -> None:
    with app_client() as coach:  # the coach's own browser, logged in before
        assert login(coach, coach_email).status_code == 303
        coach.cookies.delete("werkmaatje_coach")
        with app_client() as attacker:
            for _ in range(login_guard.ACCOUNT.free):
                assert login(attacker, coach_email, WRONG).status_code == 401
            assert login(attacker, coach_email).status_code == 429  # even the right password
        # The device cookie: the coach's browser is not judged by the account's bucket.
        assert login(coach, coach_email).status_code == 303
    with app_client() as new_browser:  # elsewhere, never logged in: a short wait
        answer = login(new_browser, coach_email)
        assert answer.status_code == 429
        assert 0 < int(answer.headers["retry-after"]) <= login_guard.ACCOUNT.first.seconds
        assert "seconden" in answer.text
        unblock_all()
        assert login(new_browser, coach_email).status_code == 303


def test_a_device_cookie_counts_for_its_own_account_only(coach_email: str) -> None:
    other = make_coach(make_team()[0])[1]
    with app_client() as browser, app_client() as attacker:
        assert login(browser, other).status_code == 303
        for _ in range(login_guard.ACCOUNT.free):
            login(attacker, coach_email, WRONG)
        assert login(browser, coach_email).status_code == 429
        assert login(browser, other).status_code == 303


def test_the_back_off_doubles_up_to_a_short_cap() -> None:
    limit = login_guard.ACCOUNT
    blocks = [limit.block(n) for n in range(1, 15)]
    assert blocks[: limit.free - 1] == [None] * (limit.free - 1)
    assert blocks[limit.free - 1] == limit.first
    assert blocks[limit.free] == 2 * limit.first
    assert max(b for b in blocks if b) == limit.cap <= timedelta(minutes=5)
    # ASVS 2.2.1: no more than 100 failures an hour on one account.
    assert limit.free + 3600 / limit.cap.total_seconds() + 10 < 100


def test_many_clients_at_once_meet_the_global_limit(
    monkeypatch: pytest.MonkeyPatch, coach_email: str
) -> None:
    monkeypatch.setattr(
        login_guard, "EVERYONE", throttle.Limit(3, timedelta(seconds=30), timedelta(minutes=1))
    )
    throttle.clear([throttle.GLOBAL_KEY])
    for _ in range(3):
        with app_client() as bot:
            assert login(bot, f"{unique('x')}@example.org", WRONG).status_code == 401
    with app_client() as another:
        assert login(another, f"{unique('x')}@example.org", WRONG).status_code == 429
    with app_client() as coach:
        assert login(coach, coach_email).status_code == 429  # a new browser waits a little
        throttle.clear([throttle.GLOBAL_KEY])
        assert login(coach, coach_email).status_code == 303
        coach.cookies.delete("werkmaatje_coach")
        for _ in range(3):
            with app_client() as bot:
                login(bot, f"{unique('x')}@example.org", WRONG)
        assert login(coach, coach_email).status_code == 303  # one that logged in before: not


def test_the_throttle_keeps_no_address_or_email(coach_email: str) -> None:
    address = "198.51.100.77"
    with app_client(address) as client:
        login(client, coach_email, WRONG)
    with session_scope() as session:
        keys = session.execute(select(LoginThrottle.key)).scalars().all()
    assert keys and not any(address in key or "example.org" in key for key in keys)


def test_ipv6_clients_count_per_64_network() -> None:
    with app_client("2001:db8:1:2::5") as first:
        for _ in range(login_guard.CLIENT.free):
            login(first, f"{unique('x')}@example.org", WRONG)
    with app_client("2001:db8:1:2:ffff::9") as neighbour:
        assert login(neighbour, f"{unique('x')}@example.org", WRONG).status_code == 429


# --- login CSRF --------------------------------------------------------------------------


def test_a_planted_cookie_and_field_pair_is_refused(coach_email: str) -> None:
    with app_client() as browser:
        planted = f"{secrets.token_urlsafe(32)}.{int(time.time())}"
        for name in ("werkmaatje_login", "werkmaatje_login_csrf"):
            browser.cookies.set(name, planted)
        data = {"email": coach_email, "password": PASSWORD, "csrf": planted}
        assert browser.post("/coach/login", data=data).status_code == 403


def test_a_login_token_works_only_with_its_own_pre_session(coach_email: str) -> None:
    with app_client() as attacker, app_client() as victim:
        token = csrf_of(attacker.get("/coach/login").text)
        victim.get("/coach/login")
        data = {"email": coach_email, "password": PASSWORD, "csrf": token}
        assert victim.post("/coach/login", data=data, follow_redirects=False).status_code == 403
        answer = attacker.post("/coach/login", data=data, follow_redirects=False)
        assert answer.status_code == 303


def test_two_tabs_share_one_pre_session(coach_email: str) -> None:
    with app_client() as browser:
        first = csrf_of(browser.get("/coach/login").text)
        assert csrf_of(browser.get("/coach/login").text) == first
        data = {"email": coach_email, "password": PASSWORD, "csrf": first}
        assert browser.post("/coach/login", data=data, follow_redirects=False).status_code == 303


# --- cookies -----------------------------------------------------------------------------


def test_https_gets_host_prefixed_cookies(coach_email: str) -> None:
    with app_client(https=True) as browser:
        form = browser.get("/coach/login")
        assert "__Host-werkmaatje_login=" in form.headers["set-cookie"]
        answer = login(browser, coach_email)
        assert answer.status_code == 303
        cookies = answer.headers.get_list("set-cookie")
        session = next(c for c in cookies if c.startswith("__Host-werkmaatje_coach="))
        attributes = {part.strip().split("=")[0].lower() for part in session.split(";")}
        assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
        assert "Path=/;" in session or session.rstrip().endswith("Path=/")
        assert any(c.startswith("__Host-werkmaatje_device=") for c in cookies)
        assert browser.get("/coach/", follow_redirects=False).status_code == 200


def test_https_ignores_a_cookie_without_the_prefix(coach_email: str) -> None:
    with app_client() as plain:
        assert login(plain, coach_email).status_code == 303
        token = plain.cookies["werkmaatje_coach"]
    with app_client(https=True) as browser:
        browser.cookies.set("werkmaatje_coach", token)
        assert browser.get("/coach/", follow_redirects=False).status_code == 303


def test_a_setting_forces_host_prefixed_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_SECURE_COOKIES", "1")
    with app_client() as browser:
        assert browser.get("/coach/login").headers["set-cookie"].startswith("__Host-")


# --- session lifetime --------------------------------------------------------------------


def test_a_session_in_use_still_ends_after_its_absolute_lifetime(coach_email: str) -> None:
    with app_client() as browser:
        assert login(browser, coach_email).status_code == 303
        assert browser.get("/coach/", follow_redirects=False).status_code == 200
        now = utcnow()
        with session_scope() as session:  # logged in 13 hours ago, used a moment ago
            session.execute(
                update(CoachSession)
                .where(CoachSession.created_at > now - timedelta(minutes=5))
                .values(
                    created_at=now - timedelta(hours=13),
                    last_seen_at=now - timedelta(minutes=2),
                    expires_at=now + timedelta(hours=7),
                )
            )
        assert browser.get("/coach/", follow_redirects=False).status_code == 303


def test_the_session_cookie_lives_no_longer_than_the_session(coach_email: str) -> None:
    with app_client() as browser:
        answer = login(browser, coach_email)
        cookie = next(
            c for c in answer.headers.get_list("set-cookie") if c.startswith("werkmaatje_coach=")
        )
        assert f"Max-Age={12 * 3600}" in cookie


@pytest.fixture(autouse=True, scope="module")
def _clean_throttle() -> Iterator[None]:
    yield
    with session_scope() as session:
        session.execute(delete(LoginThrottle))


def test_an_open_live_stream_ends_with_its_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "SESSION_CHECK", 0.0)
    coach_id, _ = make_coach(make_team()[0])
    token, _ = coaches.create_session(coach_id)

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(10)  # the browser stays connected
        return {"type": "http.disconnect"}

    cookie = [(b"cookie", f"werkmaatje_coach={token}".encode())]
    request = Request({"type": "http", "scheme": "http", "path": "/", "headers": cookie}, receive)

    async def check() -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (time.monotonic(),), {}

    async def stream() -> int:
        chunks = live.changes(
            request, "inbox", check, interval=0.01, alive=live.session_alive(request)
        )
        sent = [await chunks.__anext__() for _ in range(3)]
        await asyncio.to_thread(coaches.delete_session, token)
        async for chunk in chunks:
            sent.append(chunk)
        return len(sent)

    assert asyncio.run(asyncio.wait_for(stream(), timeout=10)) < 10


def test_behind_the_proxy_the_client_is_the_address_nginx_saw() -> None:
    """uvicorn's proxy_headers (as python -m bot.web runs it) trust X-Forwarded-For from
    loopback only and take the right-most untrusted entry: what nginx appended, not what
    the client wrote in front of it."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    app = create_app(rasa_url="http://127.0.0.1:9")
    behind_proxy = ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1")
    seen = client_address()
    with TestClient(behind_proxy, client=("127.0.0.1", 5000)) as nginx:
        for forged in range(login_guard.CLIENT.free + 1):
            headers = {"X-Forwarded-For": f"203.0.113.{forged + 1}, {seen}"}
            token = csrf_of(nginx.get("/coach/login", headers=headers).text)
            data = {"email": f"{unique('x')}@example.org", "password": WRONG, "csrf": token}
            answer = nginx.post("/coach/login", data=data, headers=headers)
        assert answer.status_code == 429  # one client, whatever it put in front
