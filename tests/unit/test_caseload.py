"""Caseload figures for team leads: what is counted, per week and team, who may see them,
and a CSV with counts only (small ones suppressed), never text or a job-seeker's id."""

from __future__ import annotations

import asyncio
import csv
import io
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from rasa.shared.core.events import ActiveLoop, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from starlette.testclient import TestClient

from bot.cli import main
from bot.coach import caseload as page
from bot.store import caseload, coaches, decisions, escalations, exercises, jobseekers
from bot.store.exercises import Attempt
from bot.store.models import utcnow
from bot.store.pseudonym import pseudonym
from bot.store.tracker_store import WerkmaatjeTrackerStore
from bot.web.app import create_app
from tests.unit.coach_helpers import (
    PASSWORD,
    login,
    make_coach,
    make_escalation,
    make_team,
    unique,
)
from tests.unit.test_coach_web import ensure_catalogues
from tests.unit.test_decision_store import agreed

WEEK = 7 * 24 * 3600
COLUMNS = [
    "week",
    "team",
    *page.SERIES,
    "target_hours",
    "first_reply_median_hours",
]


@pytest.fixture
def client() -> Iterator[TestClient]:
    ensure_catalogues()
    with TestClient(create_app(rasa_url="http://127.0.0.1:9")) as client:
        yield client


def remember(sender: str, *events: Event) -> None:
    """Events as Rasa stores them in its ``events`` table (through our tracker store).

    In a thread of its own: after a Playwright test in the same run, this thread has a
    running event loop, and ``asyncio.run`` refuses to start another.
    """
    with ThreadPoolExecutor(1) as pool:
        pool.submit(_remember, sender, *events).result()


def _remember(sender: str, *events: Event) -> None:
    store = WerkmaatjeTrackerStore()
    tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker.from_events(
        sender, [SessionStarted(timestamp=min(e.timestamp for e in events) - 10)]
    )
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))


def member(invite_code: str | None, region: str = "nl_NL", consent: bool = True) -> str:
    """A job-seeker of the invite code's team (of the region's team without a code)."""
    sender = unique("sender")
    jobseekers.touch(sender, "rest", region)
    if invite_code:
        assert escalations.join_team(sender, invite_code)
    jobseekers.set_consent(sender, consent)
    return sender


def attempt(competence: str, passed: bool, finished: bool = True) -> Attempt:
    return Attempt(
        exercise_id=unique("ex"),
        exercise_version=1,
        region="nl_NL",
        competence=competence,
        level=1,
        questions=5,
        correct=5 if passed else 1,
        first_try=5 if passed else 1,
        skipped=0,
        answers=6,
        score=100 if passed else 20,
        passed=passed,
        finished=finished,
        seconds=60,
        started_at=utcnow(),
    )


def this_week(moments: list) -> int:
    week = utcnow().isocalendar()[:2]
    return sum(1 for moment in moments if moment.isocalendar()[:2] == week)


def since() -> object:
    return page.first_monday(utcnow())


def test_each_figure_is_counted_for_its_own_team_only() -> None:
    team_id, code = make_team()
    _, other_code = make_team()
    now = time.time()
    active, quiet, outsider = member(code), member(code, consent=False), member(other_code)
    remember(
        active, UserUttered("hallo", timestamp=now), UserUttered("nog eens", timestamp=now + 1)
    )
    remember(active, UserUttered("vorige week", timestamp=now - WEEK))
    remember(active, ActiveLoop("decision_form", timestamp=now + 2))
    remember(active, ActiveLoop("decision_form", timestamp=now + 3))  # resumed: one journey
    remember(quiet, UserUttered("hoi", timestamp=now), ActiveLoop("decision_form", timestamp=now))
    remember(outsider, UserUttered("hoi", timestamp=now))
    first = decisions.record(active, agreed(), None)
    decisions.record_review(active, first, {"worked": "yes", "still_good": True})
    decisions.record(active, agreed(outcome="later", later_on="2026-12-24"), None)
    assert decisions.record(quiet, agreed(), None) is None  # no consent: nothing kept
    decisions.record(outsider, agreed(), None)
    for competence, passed in (("1.1", True), ("1.1", True), ("2.1", True), ("3.1", False)):
        exercises.record(active, attempt(competence, passed))
    exercises.record(active, attempt("4.1", False, finished=False))
    exercises.record(outsider, attempt("1.1", True))

    found = caseload.figures(team_id, page.first_monday(utcnow()))

    assert len(found.conversations) == 3  # two job-seekers this week, one last week
    assert this_week(found.conversations) == 2
    assert len(found.journeys_started) == 2  # quiet started one too: no consent needed
    assert len(found.journeys_finished) == 2  # the agreement and the "later"
    assert len(found.steps_agreed) == 1
    assert len(found.steps_evaluated) == 1
    assert len(found.exercises_done) == 4  # the stopped one is not done
    assert len(found.badges_earned) == 2  # 1.1 (passed twice: one badge) and 2.1


def test_a_job_seeker_without_invite_counts_for_the_first_team_of_their_region() -> None:
    region = f"t{uuid.uuid4().hex[:6]}"
    first = coaches.create_team(unique("team"), region=region)
    second = coaches.create_team(unique("team"), region=region)
    remember(member(None, region=region), UserUttered("hoi", timestamp=time.time()))
    assert len(caseload.figures(first, page.first_monday(utcnow())).conversations) == 1
    assert caseload.figures(second, page.first_monday(utcnow())).conversations == []


def test_escalations_by_reason_and_the_first_reply_against_the_target() -> None:
    team_id, code = make_team()
    coach_id, _ = make_coach(team_id)
    answered, _ = make_escalation(code, reason="problem:schulden")
    make_escalation(code, reason="problem:wonen")
    unanswered, _ = make_escalation(code, reason="crisis", priority="urgent")
    coaches.audit(coach_id, "reply", f"escalation:{unanswered}", {"ok": False})
    coaches.audit(coach_id, "reply", f"escalation:{answered}", {"ok": True, "chars": 12})
    coaches.audit(coach_id, "reply", f"escalation:{answered}", {"ok": True, "chars": 40})

    found = caseload.figures(team_id, page.first_monday(utcnow()))

    assert {r: len(m) for r, m in found.escalations.items()} == {"problem": 2, "crisis": 1}
    assert len(found.first_replies) == 1  # one escalation answered, once counted
    assert found.first_replies[0].waited <= timedelta(minutes=1)
    report = page.report(team_id, "Team", utcnow())
    now = report.weeks[-1]
    assert now.counts["escalations"] == 3 and now.reasons == {"problem": 2, "crisis": 1}
    assert (now.counts["replies_on_time"], now.counts["replies_late"]) == (1, 0)
    assert now.median_hours == 0.0
    assert report.reasons == ["crisis", "problem"]


def test_twelve_weeks_labelled_oldest_first() -> None:
    team_id, _ = make_team()
    report = page.report(team_id, "Team", utcnow())
    assert len(report.weeks) == 12 and len(report.charts) == len(page.SERIES)
    assert report.weeks[-1].number == utcnow().isocalendar()[1]
    assert all(week.median_hours is None for week in report.weeks)
    assert page.first_monday(utcnow()).weekday() == 0
    assert page.first_monday(utcnow()).isocalendar()[:2] == tuple(
        int(part) for part in report.weeks[0].week.split("-W")
    )


def test_small_counts_are_suppressed_and_names_cannot_run_as_formulas() -> None:
    assert [page.suppressed(n) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
    assert page.spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert page.spreadsheet_safe("Team Utrecht") == "Team Utrecht"


def test_a_lead_is_made_on_the_command_line_and_needs_a_team(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    team_id, _ = make_team()
    monkeypatch.setenv("COACH_PASSWORD", PASSWORD)
    email = f"{unique('lead')}@example.org"
    args = ["coach", "add", email, "--name", "Lea de Leider", "--role", "lead"]
    assert main([*args, "--team", str(team_id)]) == 0
    found = coaches.authenticate(email, PASSWORD)
    assert found is not None and (found.role, found.team_id) == ("lead", team_id)
    assert main([*args[:2], f"{unique('lead')}@example.org", *args[3:]]) == 2  # no team
    with pytest.raises(ValueError, match="a lead needs a team"):
        make_coach(None, role="lead")


def test_a_coach_gets_403_and_a_lead_only_their_own_team(client: TestClient) -> None:
    team_id, _ = make_team()
    other_id, _ = make_team()
    _, coach = make_coach(team_id)
    assert login(client, coach).status_code == 303
    assert client.get("/coach/caseload").status_code == 403
    assert client.get("/coach/caseload.csv").status_code == 403
    client.cookies.clear()
    _, lead = make_coach(team_id, role="lead")
    assert login(client, lead).status_code == 303
    html = client.get("/coach/caseload").text
    assert "Kerncijfers van team-" in html and 'href="/coach/caseload"' in html
    assert client.get(f"/coach/caseload?team={team_id}").status_code == 200
    assert client.get(f"/coach/caseload?team={other_id}").status_code == 403
    assert client.get(f"/coach/caseload.csv?team={other_id}").status_code == 403
    assert client.get("/coach/audit").status_code == 403  # a lead is no admin


def test_an_admin_sees_any_team_and_no_one_logged_out_sees_anything(client: TestClient) -> None:
    team_id, _ = make_team()
    response = client.get("/coach/caseload", follow_redirects=False)
    assert response.status_code == 303 and "/coach/login" in response.headers["location"]
    assert client.get("/coach/caseload.csv", follow_redirects=False).status_code == 303
    _, admin = make_coach(None, role="admin", locale="en")
    assert login(client, admin).status_code == 303
    html = client.get(f"/coach/caseload?team={team_id}").text
    assert "Caseload figures" in html and 'id="team-form"' in html
    assert client.get("/coach/caseload?team=999999").status_code == 404


def test_the_csv_has_counts_only_and_its_download_is_audited(client: TestClient) -> None:
    team_id, code = make_team()
    secret = "bel 0612345678 over mijn schulden"
    senders = [make_escalation(code, reason="crisis", summary=secret)[1] for _ in range(5)]
    make_escalation(code, reason="problem:schulden", summary=secret)
    remember(senders[0], UserUttered(secret, timestamp=time.time()))
    lead_id, lead = make_coach(team_id, role="lead")
    assert login(client, lead).status_code == 303

    response = client.get("/coach/caseload.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.text)))
    header, weeks = rows[0], rows[1:]
    assert header == [*COLUMNS[:-2], "escalations_crisis", "escalations_problem", *COLUMNS[-2:]]
    assert len(weeks) == 12 and weeks[-1][0] == "{}-W{:02d}".format(*utcnow().isocalendar()[:2])
    latest = dict(zip(header, weeks[-1], strict=True))
    assert latest["escalations"] == "6" and latest["escalations_crisis"] == "5"
    assert latest["escalations_problem"] == "<5" and latest["conversations"] == "<5"
    assert latest["target_hours"] == "4" and latest["first_reply_median_hours"] == ""
    for cell in (c for row in weeks for c in row[2:]):
        assert cell in ("", "<5") or cell.replace(".", "").isdigit()
    assert "schulden" not in response.text and "0612345678" not in response.text
    for sender in senders:
        assert sender not in response.text and pseudonym(sender) not in response.text
    entry = coaches.list_audit(5)[0]
    assert (entry.coach_id, entry.action, entry.target) == (
        lead_id,
        "export_caseload",
        f"team:{team_id}",
    )


def test_the_page_shows_charts_and_a_table_in_words(client: TestClient) -> None:
    team_id, code = make_team()
    make_escalation(code, reason="problem:schulden", summary="mijn schulden")
    _, lead = make_coach(team_id, role="lead", locale="en")
    assert login(client, lead).status_code == 303
    html = client.get("/coach/caseload").text
    assert html.count('<svg class="chart"') == len(page.SERIES)
    assert f"week {utcnow().isocalendar()[1]}" in html
    assert "Escalations: Problem" in html and "mijn schulden" not in html
    assert "First reply within the target" in html
    assert 'href="/coach/caseload.csv?team=' in html
