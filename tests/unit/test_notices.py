"""Telegram is not end-to-end encrypted: said once, at the first sensitive topic, only on
Telegram, after the crisis help in a crisis (GUIDE §6)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from actions.support import ActionCrisis, ActionMoodBad, ActionRequestCoach, ActionShareProblem
from bot import config
from bot.privacy import notices
from tests.unit.trackers import domain, responses, run, slots, tracker

DOMAIN = domain()
TELEGRAM = {"channel": "telegram"}


@pytest.fixture
def public_web(monkeypatch: pytest.MonkeyPatch) -> str:
    """A public https address, as in production (Telegram refuses link buttons to localhost)."""
    real = config.settings()
    monkeypatch.setattr(
        notices, "settings", lambda: replace(real, public_web_url="https://werkmaatje.example")
    )
    return "https://werkmaatje.example"


def test_sensitive_reasons() -> None:
    assert notices.is_sensitive("problem:schulden") and notices.is_sensitive("problem")
    assert notices.is_sensitive("mood") and notices.is_sensitive("crisis")
    assert not notices.is_sensitive("request") and not notices.is_sensitive("fallback")
    assert notices.notice_due("telegram", "problem:wonen", None)
    assert not notices.notice_due("telegram", "problem:wonen", True)
    assert not notices.notice_due("webchat", "problem:wonen", None)
    assert not notices.notice_due("rest", "crisis", None)
    assert not notices.notice_due("telegram", "request", None)


def test_web_chat_url_per_region(public_web: str) -> None:
    assert notices.web_chat_url("nl_NL") == f"{public_web}/chat"
    assert notices.web_chat_url("nl_BE") == f"{public_web}/chat?regio=be"
    assert notices.web_chat_url(None) == f"{public_web}/chat"


def test_link_button_only_where_telegram_accepts_the_address() -> None:
    assert notices.web_chat_buttons("https://werk.example/chat", "Open") == [
        {"title": "Open", "url": "https://werk.example/chat"}
    ]
    assert notices.web_chat_buttons("http://localhost:8080/chat", "Open") == []
    assert notices.web_chat_buttons("https://127.0.0.1/chat", "Open") == []
    assert notices.web_chat_buttons("http://werk.example/chat", "Open") == []


def test_shared_problem_on_telegram_gets_the_notice_once(public_web: str) -> None:
    t = tracker(intent="share_problem", slots={"topic": "schulden"}, metadata=TELEGRAM)
    messages, events = run(ActionShareProblem(), t)
    assert responses(messages)[0] == "utter_share_problem"
    notice = messages[-1]
    assert notice["response"] == "utter_telegram_notice"
    assert notice["web_chat_url"] == f"{public_web}/chat"
    assert notice["buttons"] == [{"title": "Open de webchat", "url": f"{public_web}/chat"}]
    assert slots(events)["telegram_notice"] is True
    assert slots(events)["web_chat_url"] == f"{public_web}/chat"

    again = tracker(
        sender_id=t.sender_id,
        intent="share_problem",
        slots={"topic": "wonen", "telegram_notice": True},
        metadata=TELEGRAM,
    )
    messages, events = run(ActionShareProblem(), again)
    assert "utter_telegram_notice" not in responses(messages)
    assert "telegram_notice" not in slots(events)


def test_flemish_users_get_the_flemish_web_chat(public_web: str) -> None:
    t = tracker(intent="share_problem", slots={"region": "nl_BE"}, metadata=TELEGRAM)
    messages, _ = run(ActionShareProblem(), t)
    assert messages[-1]["web_chat_url"] == f"{public_web}/chat?regio=be"


@pytest.mark.parametrize("channel", ["webchat", "rest", None])
def test_no_notice_off_telegram(channel: str | None) -> None:
    metadata = {"channel": channel} if channel else None
    t = tracker(intent="share_problem", metadata=metadata)
    messages, events = run(ActionShareProblem(), t)
    assert "utter_telegram_notice" not in responses(messages)
    assert "telegram_notice" not in slots(events)


def test_a_plain_coach_request_gets_no_notice() -> None:
    messages, _ = run(ActionRequestCoach(), tracker(intent="request_coach", metadata=TELEGRAM))
    assert "utter_telegram_notice" not in responses(messages)


def test_a_bad_mood_handed_to_a_coach_gets_the_notice() -> None:
    # "Wil je erover praten met een coach?" - "ja": the mood goes to a coach.
    yes = tracker(intent="affirm", metadata=TELEGRAM)
    messages, _ = run(ActionRequestCoach(), yes)
    assert responses(messages)[-1] == "utter_telegram_notice"
    # Feeling bad a second time: a coach is brought in.
    events = [
        {"event": "user", "parse_data": {"intent": {"name": "mood_bad"}}},
        {"event": "user", "parse_data": {"intent": {"name": "mood_bad"}}},
    ]
    again = tracker(intent="mood_bad", events=events, metadata=TELEGRAM)
    messages, _ = run(ActionMoodBad(), again)
    assert responses(messages)[0] == "utter_mood_bad_again"
    assert responses(messages)[-1] == "utter_telegram_notice"
    # The first time only a coach is offered: nothing is handed over yet.
    first = tracker(intent="mood_bad", events=events[:1], metadata=TELEGRAM)
    messages, _ = run(ActionMoodBad(), first)
    assert responses(messages) == ["utter_mood_bad"]


def test_in_a_crisis_the_help_comes_first_and_the_notice_has_no_button(public_web: str) -> None:
    t = tracker(intent="crisis", metadata=TELEGRAM)
    messages, events = run(ActionCrisis(), t)
    assert responses(messages) == ["utter_crisis", "utter_crisis_coach", "utter_telegram_notice"]
    assert not messages[-1].get("buttons")
    assert slots(events)["telegram_notice"] is True
    assert events[0]["event"] == "active_loop" and events[0]["name"] is None


def test_the_notice_is_plain_dutch() -> None:
    text = DOMAIN["responses"]["utter_telegram_notice"][0]["text"]
    assert text.startswith("Telegram versleutelt dit gesprek niet helemaal.")
    assert "{web_chat_url}" in text
    assert "{web_chat_url}" in DOMAIN["responses"]["utter_telegram_notice_simple"][0]["text"]
