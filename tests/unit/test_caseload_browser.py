"""The caseload figures in a real browser: a lead sees the weekly charts, the table and
the CSV link of their team, within the strict CSP, axe-clean."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bot.coach.caseload import SERIES
from bot.store.models import utcnow
from tests.unit.coach_helpers import PASSWORD, make_coach, make_escalation, make_team
from tests.unit.test_coach_inbox_browser import web_app

pytest.register_assert_rewrite("tests.integration.browser")
pytest_plugins = ("tests.integration.browser",)
from tests.integration.browser import DESKTOP, serious, shot  # noqa: E402


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    with web_app() as url:
        yield url


def test_a_lead_sees_the_charts_of_their_team(web: str, page: Page, tmp_path: Path) -> None:
    team_id, code = make_team()
    make_escalation(code, reason="problem:schulden", summary="mijn schulden")
    _, email = make_coach(team_id, role="lead")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{web}/coach/login?next=/coach/caseload")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Kerncijfers van team-")
    charts = page.locator("#caseload-charts svg.chart")
    expect(charts).to_have_count(len(SERIES))
    week = utcnow().isocalendar()[1]
    escalations = charts.nth(list(SERIES).index("escalations"))
    expect(escalations.locator(".week-label").last).to_have_text(f"week {week}")
    expect(escalations.locator(".count").last).to_have_text("1")
    expect(page.locator("#caseload-table tbody tr")).to_have_count(12)
    expect(page.locator("#caseload-csv")).to_have_attribute(
        "href", f"/coach/caseload.csv?team={team_id}"
    )
    assert "mijn schulden" not in page.content()
    shot(page, "dashboard-caseload", tmp_path)
    assert serious(page) == []
