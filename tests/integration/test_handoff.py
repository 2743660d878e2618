"""Handoff against the real Rasa and action servers, over HTTP (no browser).

A coach takes over (pause), the bot stays silent while the user's messages are
still stored, the coach's messages reach the conversation, and handing back
resumes the bot with a bridging message.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from bot.config import settings
from bot.store import escalations
from bot.store.db import session_scope
from bot.store.models import CoachRequest
from bot.store.pseudonym import pseudonym
from tests.integration.conftest import Chat


def push_api(path: str, body: dict[str, Any], token: str | None = None) -> requests.Response:
    return requests.post(
        f"http://localhost:{settings().rasa_port}/webhooks/push/{path}",
        headers={"Authorization": f"Bearer {token or settings().rasa_api_token}"},
        json=body,
        timeout=30,
    )


def bot_events(chat: Chat) -> list[dict[str, Any]]:
    return [e for e in chat.tracker()["events"] if e["event"] == "bot"]


def open_escalation_of(chat: Chat) -> CoachRequest:
    with session_scope() as session:
        return (
            session.query(CoachRequest)
            .filter(CoachRequest.jobseeker_id == pseudonym(chat.sender))
            .order_by(CoachRequest.id.desc())
            .first()
        )


def test_while_a_coach_has_the_conversation_the_bot_is_silent(chat: Chat) -> None:
    assert "coach" in chat.texts("ik wil met een mens praten").lower()
    row = open_escalation_of(chat)
    assert (row.reason, row.status) == ("request", "waiting")

    assert push_api("pause", {"conversation_id": chat.sender}).json()["paused"] is True
    for message in ("hallo?", "ik wil werk zoeken", "/request_coach", "ik snap het niet"):
        assert chat.say(message) == [], f"the bot answered {message!r} during a handoff"
    user_texts = [e["text"] for e in chat.tracker()["events"] if e["event"] == "user"]
    assert user_texts[-4:] == ["hallo?", "ik wil werk zoeken", "/request_coach", "ik snap het niet"]

    answer = push_api(
        "send",
        {
            "conversation_id": chat.sender,
            "messages": [{"text": "Hoi, ik ben Sanne. Waar kan ik je mee helpen?"}],
            "sent_by": "coach",
            "coach_name": "Sanne",
        },
    )
    assert answer.status_code == 200, answer.text
    coach_event = bot_events(chat)[-1]
    assert coach_event["text"] == "Hoi, ik ben Sanne. Waar kan ik je mee helpen?"
    assert coach_event["metadata"]["sent_by"] == "coach"
    assert coach_event["metadata"]["coach_name"] == "Sanne"
    assert chat.say("dank je") == []

    resumed = push_api(
        "resume", {"conversation_id": chat.sender, "response": "utter_coach_handback"}
    )
    assert resumed.json()["paused"] is False
    bridge = bot_events(chat)[-1]
    assert bridge["metadata"]["utter_action"] == "utter_coach_handback"
    assert "weer met mij" in bridge["text"]
    assert [b["title"] for b in bridge["data"]["buttons"]] == [
        "Stap kiezen",
        "Oefenen",
        "Ik ben klaar",
    ]
    assert chat.texts("hoi"), "after the hand back the bot answers again"


def test_pause_and_resume_are_idempotent(chat: Chat) -> None:
    chat.say("hoi")
    for _ in range(2):
        assert push_api("pause", {"conversation_id": chat.sender}).json()["paused"] is True
    pauses = [e for e in chat.tracker()["events"] if e["event"] == "pause"]
    assert len(pauses) == 1
    for _ in range(2):
        assert push_api("resume", {"conversation_id": chat.sender}).json()["paused"] is False
    assert chat.texts("hoi")


def test_a_crisis_during_a_handoff_is_stored_and_raises_the_priority(chat: Chat) -> None:
    chat.say("ik wil met een coach praten")
    assert open_escalation_of(chat).priority == "normal"
    push_api("pause", {"conversation_id": chat.sender})
    assert chat.say("ik wil niet meer leven") == []
    user = [e for e in chat.tracker()["events"] if e["event"] == "user"][-1]
    assert user["parse_data"]["intent"]["name"] == "crisis"
    # No action runs while paused: the web app's crisis watch makes it urgent.
    deadline = time.monotonic() + 20
    while open_escalation_of(chat).priority != "urgent" and time.monotonic() < deadline:
        time.sleep(0.3)
    row = open_escalation_of(chat)
    assert (row.priority, row.reason) == ("urgent", "crisis")

    push_api("resume", {"conversation_id": chat.sender})
    texts = chat.texts("ik wil niet meer leven")
    assert "113" in texts and "112" in texts
    assert open_escalation_of(chat).id == row.id  # still one open escalation


def test_a_shared_problem_brings_in_a_coach_at_once(chat: Chat) -> None:
    reply = chat.texts("ik heb grote schulden en de deurwaarder staat voor de deur")
    assert "coach" in reply.lower()
    row = open_escalation_of(chat)
    assert row.reason.startswith("problem")
    assert row.status == "waiting"


def test_only_one_open_escalation_per_user(chat: Chat) -> None:
    chat.say("ik wil een coach")
    chat.say("mag ik een echte mens")
    with session_scope() as session:
        rows = (
            session.query(CoachRequest)
            .filter(
                CoachRequest.jobseeker_id == pseudonym(chat.sender),
                CoachRequest.status.in_(escalations.OPEN),
            )
            .count()
        )
    assert rows == 1


@pytest.mark.parametrize("path", ["pause", "resume", "send"])
def test_handoff_endpoints_need_the_api_token(servers: str, path: str) -> None:
    answer = push_api(path, {"conversation_id": "x"}, token="wrong")
    assert answer.status_code == 401
    no_header = requests.post(
        f"{servers}/webhooks/push/{path}", json={"conversation_id": "x"}, timeout=30
    )
    assert no_header.status_code == 401


def test_handoff_endpoints_refuse_bad_requests(chat: Chat) -> None:
    chat.say("hoi")
    assert push_api("pause", {"conversation_id": "nobody-here"}).status_code == 404
    assert push_api("pause", {}).status_code == 400
    bad = {"conversation_id": chat.sender, "response": "utter_does_not_exist"}
    assert push_api("resume", bad).status_code == 400
    injected = {"conversation_id": chat.sender, "response": "action_restart"}
    assert push_api("resume", injected).status_code == 400
    assert push_api("pause", {"conversation_id": chat.sender}).status_code == 200
