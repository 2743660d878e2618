"""The labelling page in a real browser: masked messages, one click to label, axe-clean."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bot.store.pseudonym import pseudonym
from tests.unit.coach_helpers import PASSWORD, make_coach, make_team
from tests.unit.test_coach_inbox_browser import web_app
from tests.unit.test_review import jobseeker, said, store

pytest.register_assert_rewrite("tests.integration.browser")
pytest_plugins = ("tests.integration.browser",)
from tests.integration.browser import DESKTOP, serious, shot  # noqa: E402


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    with web_app() as url:
        yield url


def test_a_coach_labels_a_masked_message_in_the_browser(
    web: str, page: Page, tmp_path: Path
) -> None:
    team_id, code = make_team()
    sender = jobseeker(code)
    (event,) = store(sender, said("mijn nummer is 0612345678, cv hulp?", "nlu_fallback", 0.55))
    _, email = make_coach(team_id)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{web}/coach/login?next=/coach/review")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    row = page.locator(f'[data-event-id="{event}"]')
    expect(row.locator(".text")).to_have_text("mijn nummer is [telefoon], cv hulp?")
    assert sender not in page.content() and pseudonym(sender) not in page.content()
    assert serious(page) == []

    row.locator("select[name=intent]").select_option("request_coach")
    row.get_by_role("button", name="Label opslaan").click()
    shot(page, "dashboard-learning-loop", tmp_path)
    expect(page.locator(".flash")).to_have_text("Label opgeslagen.")
    expect(page.locator(f'[data-event-id="{event}"]')).to_have_count(0)
    assert serious(page) == []
