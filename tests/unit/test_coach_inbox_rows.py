"""Inbox rows a coach can tell apart, in words: a name, the place, the wait against the
target, the last (masked) message and when the user was last seen."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from rasa.shared.core.events import SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from starlette.testclient import TestClient

from bot.coach.words import display_name
from bot.store import decisions, escalations, jobseekers
from bot.store.db import session_scope
from bot.store.models import CoachRequest, utcnow
from bot.store.pseudonym import pseudonym
from bot.store.tracker_store import WerkmaatjeTrackerStore
from bot.web.app import create_app
from tests.unit.coach_helpers import login, make_coach, make_escalation, make_team
from tests.unit.test_coach_web import ensure_catalogues

ADMIN = escalations.Viewer(0, "admin", None)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(rasa_url="http://127.0.0.1:9")) as client:
        yield client


def say(sender: str, *texts: str, at: float | None = None) -> None:
    """The user's messages as Rasa stores them (masked by our tracker store)."""
    moment = at or time.time()
    store = WerkmaatjeTrackerStore()
    tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker.from_events(
        sender, [SessionStarted(timestamp=moment - 10)]
    )
    for i, text in enumerate(texts):
        tracker.update(UserUttered(text, timestamp=moment + i))
    asyncio.run(store.save(tracker))


def as_coach(client: TestClient, team_id: int, locale: str = "nl") -> None:
    _, email = make_coach(team_id, locale=locale)
    assert login(client, email).status_code == 303


def rows_by_id(client: TestClient) -> dict[int, dict]:
    return {r["id"]: r for r in client.get("/coach/inbox.json?status=waiting").json()["rows"]}


def test_rows_have_a_name_words_and_the_masked_last_message(client: TestClient) -> None:
    team_id, code = make_team()
    first, sender = make_escalation(code, reason="problem:schulden")
    second, other = make_escalation(code)
    say(sender, "hallo", "bel me op 0612345678 want ik heb schulden")
    say(other, "/affirm")
    as_coach(client, team_id)
    rows = rows_by_id(client)
    row, button = rows[first], rows[second]
    assert re.fullmatch(r"Werkzoekende [2-9A-Z]{3}", row["name"])
    assert row["name"] != button["name"]
    assert row["name"] == display_name(pseudonym(sender), "nl")  # stable
    assert (row["region"], row["channel"]) == ("Nederland", "Testkanaal (REST)")
    assert row["reason"] == "Probleem: schulden"
    assert row["last_message"] == "bel me op [telefoon] want ik heb schulden"
    assert row["last_seen"] and button["last_message"] == "(koos een knop)"
    html = client.get("/coach/").text
    assert row["name"] in html and "[telefoon] want ik heb schulden" in html
    assert "0612345678" not in html and sender not in html and pseudonym(sender) not in html
    assert "Laatst gezien" in html and "nl_NL" not in html


def test_last_seen_follows_the_newest_message(client: TestClient) -> None:
    team_id, code = make_team()
    escalation, sender = make_escalation(code)
    say(sender, "eerste bericht", at=time.time() - 3 * 3600)
    as_coach(client, team_id)
    before = rows_by_id(client)[escalation]
    say(sender, "ik ben er weer")
    after = rows_by_id(client)[escalation]
    assert after["last_message"] == "ik ben er weer" and after["last_seen"] != before["last_seen"]
    item = escalations.get(escalation, ADMIN).item
    assert item.last_seen is not None and utcnow() - item.last_seen < timedelta(minutes=1)
    page = client.get(f"/coach/jobseekers/{item.jobseeker_id}").text
    assert "Laatst gezien" in page


def test_waiting_is_measured_against_the_target_in_coach_time(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    team_id, code = make_team()
    old, _ = make_escalation(code)
    with session_scope() as session:  # a week ago: far more than 4 working hours
        session.get(CoachRequest, old).created_at = utcnow() - timedelta(days=7)
    as_coach(client, team_id)
    row = rows_by_id(client)[old]
    assert row["over_target"] is True and row["target_text"].endswith("van 4 u werktijd")
    assert 'class="target over"' in client.get("/coach/").text
    monkeypatch.setenv("COACH_RESPONSE_TARGET_HOURS", "100")
    row = rows_by_id(client)[old]
    assert row["over_target"] is False and row["target_text"].endswith("van 100 u werktijd")


def test_english_coaches_read_english_words(client: TestClient) -> None:
    ensure_catalogues()
    team_id, code = make_team()
    escalation, _ = make_escalation(code, reason="problem:schulden")
    as_coach(client, team_id, locale="en")
    row = rows_by_id(client)[escalation]
    assert re.fullmatch(r"Job-seeker [2-9A-Z]{3}", row["name"])
    assert (row["region"], row["reason"]) == ("Netherlands", "Problem: debts")
    assert row["target_text"].endswith("of 4 h working time")


def test_the_summary_and_the_jobseeker_page_use_words_not_keys(client: TestClient) -> None:
    team_id, code = make_team()
    summary = (
        '{"last_messages": ["hoi"], "step": "utter_crisis_coach", "progress": {"onboarded": 1}}'
    )
    escalation, sender = make_escalation(code, summary=summary)
    jobseekers.set_consent(sender, True)
    jobseekers.log_progress(sender, "onboarded", {"region": "nl_NL"})
    state = {
        "outcome": "agreed",
        "region": "nl_NL",
        "catalogue": "2026.11-1",
        "goal": "work",
        "shown": ["proefplaatsing"],
        "preferences": ["money", "fixed_hours", "close_to_home"],
        "choice": "proefplaatsing",
        "next_what": "Bellen.",
        "next_on": "2026-12-01",
        "helper": "",
    }
    assert decisions.record(sender, state, None) is not None
    as_coach(client, team_id)
    page = client.get(f"/coach/escalations/{escalation}").text
    assert "Crisis: hulplijn genoemd en coach gewaarschuwd" in page
    assert "Kennismaking afgerond: 1 keer" in page
    assert "utter_crisis_coach" not in page and "onboarded" not in page
    jobseeker_id = escalations.get(escalation, ADMIN).item.jobseeker_id
    page = client.get(f"/coach/jobseekers/{jobseeker_id}").text
    assert "geld, vaste uren, dichtbij huis" in page and "fixed_hours" not in page
    assert "Kennismaking afgerond" in page and "regio: Nederland" in page
    week = utcnow().isocalendar()[1]
    assert f">week {week}</text>" in page
    assert display_name(jobseeker_id, "nl") in page
