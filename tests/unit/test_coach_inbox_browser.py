"""The inbox in a real browser: rows with names and words, axe-clean, and "last seen"
with the last message updated by polling while the user chats."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from bot.coach.inbox import POLL_SECONDS
from bot.store.pseudonym import pseudonym
from bot.web.app import create_app
from tests.unit.coach_helpers import PASSWORD, make_coach, make_escalation, make_team
from tests.unit.test_coach_inbox_rows import say as store_messages

pytest.register_assert_rewrite("tests.integration.browser")
pytest_plugins = ("tests.integration.browser",)
from tests.integration.browser import DESKTOP, serious, shot  # noqa: E402


def say(sender: str, text: str, at: float | None = None) -> None:
    """Store a user's message; in a thread, as Playwright's loop runs in this one."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(store_messages, sender, text, at=at).result()


@contextmanager
def web_app() -> Iterator[str]:
    """The web app on a free loopback port, in a thread; yields its base URL."""
    config = uvicorn.Config(
        create_app(rasa_url="http://127.0.0.1:9"),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        ws="none",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    with web_app() as url:
        yield url


def test_inbox_rows_in_the_browser_and_last_seen_follows_the_chat(
    web: str, page: Page, tmp_path: Path
) -> None:
    team_id, code = make_team()
    escalation, sender = make_escalation(code, reason="problem:schulden")
    say(sender, "mijn nummer is 0612345678", at=time.time() - 600)
    _, email = make_coach(team_id)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{web}/coach/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    row = page.locator(f'[data-escalation-id="{escalation}"]')
    expect(row.locator(".name")).to_have_text("Werkzoekende " + row_code(row))
    expect(row.locator(".reason")).to_have_text("Probleem: schulden")
    expect(row.locator(".region")).to_have_text("Nederland")
    expect(row.locator(".last-message")).to_have_text("mijn nummer is [telefoon]")
    shot(page, "dashboard-inbox-rows", tmp_path)
    assert sender not in page.content() and pseudonym(sender) not in page.content()
    assert serious(page) == []

    before = row.locator(".last-seen").text_content()
    say(sender, "ben je er nog?")
    timeout = (POLL_SECONDS + 15) * 1000
    expect(row.locator(".last-message")).to_have_text("ben je er nog?", timeout=timeout)
    assert row.locator(".last-seen").text_content() != before


def row_code(row: object) -> str:
    """The three characters after "Werkzoekende " (checked to exist by the caller)."""
    text = row.locator(".name").text_content() or ""  # type: ignore[attr-defined]
    assert text.startswith("Werkzoekende ") and len(text) == len("Werkzoekende ") + 3
    return text.removeprefix("Werkzoekende ")
