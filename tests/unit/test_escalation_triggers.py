"""The assistant brings in a coach itself when it keeps failing or the user keeps feeling bad."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import support
from actions.fallback import ActionDefaultAskAffirmation, ActionDefaultFallback
from actions.support import ActionMoodBad
from bot.escalation import triggers
from bot.store.db import session_scope
from bot.store.models import CoachRequest
from bot.store.pseudonym import pseudonym
from tests.unit.test_actions import DOMAIN, TUESDAY_NOON, responses
from tests.unit.trackers import tracker

F = triggers.FALLBACK


@pytest.mark.parametrize(
    ("intents", "expected"),
    [
        ([], False),
        ([F], False),
        ([F, "greet"], False),
        (["greet", F, F], True),  # 2 in a row
        ([F, "greet", F], False),
        ([F, "greet", F, "affirm", F], True),  # 3 in a session
    ],
)
def test_not_understood_too_often(intents: list[str], expected: bool) -> None:
    assert triggers.not_understood_too_often(intents) is expected


def test_mood_bad_repeated() -> None:
    assert not triggers.mood_bad_repeated(["mood_bad", "affirm"])
    assert triggers.mood_bad_repeated(["mood_bad", "deny", "mood_bad"])


def user(intent: str) -> dict[str, Any]:
    return {"event": "user", "text": "...", "parse_data": {"intent": {"name": intent}}}


def run(action: Any, events: list[dict[str, Any]], intent: str) -> tuple[Any, Any, str]:
    t = tracker(intent=intent, events=events)
    dispatcher = CollectingDispatcher()
    result = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, result, t.sender_id


def requests_for(sender_id: str) -> list[tuple[str, str]]:
    with session_scope() as session:
        rows = session.execute(
            select(CoachRequest).where(CoachRequest.jobseeker_id == pseudonym(sender_id))
        ).scalars()
        return [(r.reason, r.priority) for r in rows]


@pytest.fixture(autouse=True)
def coaches_are_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "now", lambda: TUESDAY_NOON)


def test_first_bad_mood_offers_a_coach() -> None:
    messages, _, sender = run(ActionMoodBad(), [user("mood_bad")], "mood_bad")
    assert responses(messages) == ["utter_mood_bad"]
    assert requests_for(sender) == []


def test_second_bad_mood_brings_in_a_coach() -> None:
    events = [user("mood_bad"), user("deny"), user("mood_bad")]
    messages, _, sender = run(ActionMoodBad(), events, "mood_bad")
    assert responses(messages) == ["utter_mood_bad_again", "utter_coach_requested"]
    assert requests_for(sender) == [("mood", "normal")]


def test_a_new_session_starts_counting_again() -> None:
    events = [user("mood_bad"), {"event": "session_started"}, user("mood_bad")]
    messages, _, _ = run(ActionMoodBad(), events, "mood_bad")
    assert responses(messages) == ["utter_mood_bad"]


def test_third_misunderstanding_in_a_session_escalates() -> None:
    events = [user(F), user("greet"), user(F), user("affirm"), user(F)]
    messages, _, sender = run(ActionDefaultAskAffirmation(), events, F)
    assert responses(messages) == ["utter_fallback_coach", "utter_coach_requested", "utter_menu"]
    assert requests_for(sender) == [("not_understood", "normal")]


def test_first_misunderstanding_just_asks() -> None:
    ranking_tracker_events = [user(F)]
    messages, _, sender = run(ActionDefaultAskAffirmation(), ranking_tracker_events, F)
    assert responses(messages) != ["utter_fallback_coach", "utter_coach_requested", "utter_menu"]
    assert requests_for(sender) == []


def test_giving_up_after_two_in_a_row_escalates_and_reverts() -> None:
    messages, events, sender = run(ActionDefaultFallback(), [user(F), user(F)], F)
    assert responses(messages) == ["utter_fallback_coach", "utter_coach_requested", "utter_menu"]
    assert events[-1] == {"event": "rewind", "timestamp": None}
    assert requests_for(sender) == [("not_understood", "normal")]


def test_a_core_fallback_alone_only_says_sorry() -> None:
    messages, events, sender = run(ActionDefaultFallback(), [user("greet")], "greet")
    assert responses(messages) == ["utter_default"]
    assert events == [{"event": "rewind", "timestamp": None}]
    assert requests_for(sender) == []


def test_a_bad_mood_with_a_named_problem_gets_its_help_first() -> None:
    t = tracker(intent="mood_bad", events=[user("mood_bad")])
    t.latest_message["text"] = "ik slaap al weken slecht en pieker de hele dag"
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionMoodBad().run(dispatcher, t, DOMAIN))
    assert "huisarts" in dispatcher.messages[0]["text"]
    assert responses(dispatcher.messages)[-1] == "utter_mood_bad"
