"""Playwright fixtures: Debian's Chromium (no browser download), a fresh context per test.

Use with ``pytest_plugins = ("tests.integration.browser",)`` in a test module.
Every page is watched: an uncaught script error or a Content-Security-Policy
violation fails the test that caused it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
TIMEOUT_S = 30
# The bot may take a few seconds on a busy 2-core machine.
expect.set_options(timeout=TIMEOUT_S * 1000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A phone-sized context with its own storage: each test is a new visitor."""
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_S * 1000)
    yield context
    context.close()


def watch(page: Page) -> list[str]:
    """Collect uncaught script errors and CSP violations of a page."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    page.on("console", console)
    return problems


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    problems = watch(page)
    yield page
    assert not problems, problems


def poll(page: Page, expression: str, timeout: float = TIMEOUT_S) -> Any:
    """Evaluate ``expression`` in the page until it is truthy; return its value.

    Playwright's ``wait_for_function`` evaluates its predicate with ``eval``
    inside the page, which the widget's Content-Security-Policy forbids.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"Not true after {timeout} s: {expression}")
        page.wait_for_timeout(100)


# ---- the chat widget ----

SESSION = "localStorage.getItem('werkmaatje.session')"


def open_chat(page: Page, web: str, query: str = "") -> str:
    """Open the widget and wait until the server confirmed a session; return its id."""
    page.goto(f"{web}/chat{query}")
    return str(poll(page, SESSION))


def say(page: Page, text: str) -> None:
    page.fill("#message", text)
    page.press("#message", "Enter")


def bot_bubble(page: Page, text: str) -> Any:
    return page.locator(".msg-bot .bubble", has_text=text)


def serious(page: Page) -> list[str]:
    """Accessibility violations of impact serious or critical (axe-core in the page)."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def shot(page: Page, name: str, tmp_path: Path) -> None:
    """Screenshots for docs/screenshots/ when WERKMAATJE_SCREENSHOTS=1, else thrown away."""
    folder = ROOT / "docs" / "screenshots" if os.environ.get("WERKMAATJE_SCREENSHOTS") else tmp_path
    page.screenshot(path=folder / f"{name}.png", full_page=True)
