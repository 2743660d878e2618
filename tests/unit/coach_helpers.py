"""Shared set-up for the coach dashboard tests: teams, accounts, escalations, a fake Rasa."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from starlette.testclient import TestClient

from bot.store import coaches, escalations, jobseekers
from bot.web.app import create_app

PASSWORD = "correct horse battery"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_team() -> tuple[int, str]:
    """A team with its own invite code, so tests never share a team by region."""
    code = unique("invite")
    return coaches.create_team(unique("team"), invite_code=code), code


def make_coach(team_id: int | None, role: str = "coach", locale: str = "nl") -> tuple[int, str]:
    email = f"{unique('coach')}@example.org"
    return coaches.create_coach(email, "Sanne de Vries", PASSWORD, role, team_id, locale), email


def make_escalation(
    invite_code: str | None,
    reason: str = "request",
    summary: str | None = None,
    priority: str = "normal",
) -> tuple[int, str]:
    """An escalation of a new job-seeker in the invite code's team. Returns (id, sender id)."""
    sender = unique("sender")
    jobseekers.touch(sender, "rest", "nl_NL")
    if invite_code:
        assert escalations.join_team(sender, invite_code)
    return escalations.open_escalation(sender, reason, summary, priority), sender


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no csrf field on the page"
    return found.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    token = csrf_of(client.get("/coach/login").text)
    return client.post(
        "/coach/login",
        data={"email": email, "password": password, "csrf": token, "next": "/coach/"},
        follow_redirects=False,
    )


def session_csrf(client: TestClient) -> str:
    return csrf_of(client.get("/coach/").text)


class FakeRasa:
    """Answers the handoff endpoints and records the calls, in order."""

    def __init__(self, events: list[dict[str, Any]] | None = None, fail: bool = False) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.events = events or []
        self.fail = fail

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.fail:
            return httpx.Response(503)
        if request.method == "GET":
            self.calls.append((request.url.path, {}))
            return httpx.Response(200, json={"events": self.events})
        body = httpx.Response(200, content=request.content).json()
        self.calls.append((request.url.path, body))
        return httpx.Response(200, json={"ok": True})

    def install(self, client: TestClient) -> None:
        client.app.state.rasa = httpx.AsyncClient(  # type: ignore[attr-defined]
            transport=httpx.MockTransport(self.handler), base_url="http://rasa.test"
        )


def post(client: TestClient, url: str, csrf: str, **data: Any) -> httpx.Response:
    return client.post(url, data={"csrf": csrf, **data}, follow_redirects=False)


Factory = Callable[[], TestClient]


def client_address() -> str:
    """A documentation address of its own, so throttling in one test leaves the others alone."""
    return f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


@contextmanager
def app_client(address: str | None = None, https: bool = False) -> Iterator[TestClient]:
    """The web app in-process, as seen from ``address`` over http or https."""
    app = create_app(rasa_url="http://127.0.0.1:9")
    base = "https://testserver" if https else "http://testserver"
    with TestClient(app, base_url=base, client=(address or client_address(), 40000)) as client:
        yield client
