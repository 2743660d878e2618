"""A coach takes over: the user is told who answers now, on Telegram and in the widget,
the same way the hand-back is told; the widget's header follows both."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from starlette.testclient import TestClient

from bot.channels import push, telegram_render
from bot.transcript import chat_messages
from bot.web.app import create_app
from tests.unit.coach_helpers import (
    FakeRasa,
    login,
    make_coach,
    make_escalation,
    make_team,
    post,
    session_csrf,
)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.from_dict(
    {
        "slots": {"region": {"type": "text", "mappings": [{"type": "custom"}]}},
        "responses": {
            "utter_coach_handback": [
                {
                    "text": "Je coach is klaar met het gesprek.",
                    "buttons": [{"title": "Oefenen", "payload": "/start_exercise"}],
                }
            ]
        },
    }
)


class Processor:
    def __init__(self, store: InMemoryTrackerStore) -> None:
        self.store = store

    async def get_tracker(self, conversation_id: str) -> DialogueStateTracker:
        tracker = await self.store.retrieve(conversation_id)
        assert tracker is not None
        return tracker

    async def save_tracker(self, tracker: DialogueStateTracker) -> None:
        await self.store.save(tracker)


class Agent:
    """What bot.channels.push needs of Rasa's agent, with Rasa's own stores."""

    def __init__(self) -> None:
        self.domain = DOMAIN
        self.lock_store = InMemoryLockStore()
        self.tracker_store = InMemoryTrackerStore(DOMAIN)
        self.processor = Processor(self.tracker_store)
        self.nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)


def conversation(
    monkeypatch: pytest.MonkeyPatch, channel: str = "webchat"
) -> tuple[Agent, CollectingOutputChannel]:
    """A conversation on ``channel`` whose output collects what the user would see."""
    agent, output = Agent(), CollectingOutputChannel()
    monkeypatch.setitem(push._outputs, channel, lambda: output)
    tracker = DialogueStateTracker.from_events(
        "c1", [SlotSet("region", "nl_NL"), UserUttered("hoi", input_channel=channel)], DOMAIN.slots
    )
    asyncio.run(agent.tracker_store.save(tracker))
    return agent, output


def bot_events(agent: Agent) -> list[dict[str, Any]]:
    tracker = asyncio.run(agent.tracker_store.retrieve("c1"))
    assert tracker is not None
    events = tracker.current_state(EventVerbosity.ALL)["events"]
    return [e for e in events if e["event"] == "bot"]


def test_claiming_sends_the_coach_name_with_the_pause() -> None:
    team_id, code = make_team()
    escalation, sender = make_escalation(code)
    with TestClient(create_app(rasa_url="http://127.0.0.1:9")) as client:
        rasa = FakeRasa()
        rasa.install(client)
        _, email = make_coach(team_id)
        login(client, email)
        answer = post(client, f"/coach/escalations/{escalation}/claim", session_csrf(client))
    assert "flash=claimed" in answer.headers["location"]
    assert rasa.calls[0] == (
        "/webhooks/push/pause",
        {"conversation_id": sender, "coach_name": "Sanne"},
    )


def test_the_user_is_told_who_takes_over_and_when_the_bot_is_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agent, output = conversation(monkeypatch)
    result = asyncio.run(push.set_paused(agent, "c1", True, coach_name="Sanne"))
    assert result == {"paused": True, "delivered": True}
    # Like the web chat's socket: the text, then the notice's data for the header.
    text, data = output.messages[-2:]
    assert text["text"].startswith("Coach Sanne neemt het gesprek over. Je praat nu met een mens.")
    assert data["custom"] == {"handoff": "coach", "coach_name": "Sanne"}
    stored = bot_events(agent)[-1]
    assert stored["metadata"]["handoff"] == "coach" and stored["text"] == text["text"]

    asyncio.run(push.set_paused(agent, "c1", False, "utter_coach_handback"))
    text, data = output.messages[-2:]
    assert text["text"] == "Je coach is klaar met het gesprek." and text["buttons"]
    assert data["custom"] == {"handoff": "bot"}

    # The widget reloads its history from these events: the header follows the last notice.
    history = [{**e, "event": "bot"} for e in bot_events(agent)]
    notices = [(m.get("handoff"), m.get("coach_name")) for m in chat_messages(history)]
    assert notices == [("coach", "Sanne"), ("bot", None)]


def test_a_pause_without_a_name_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    agent, output = conversation(monkeypatch)
    assert asyncio.run(push.set_paused(agent, "c1", True))["delivered"] is None
    assert output.messages == []


def test_on_telegram_the_notice_is_plain_text() -> None:
    notice = push.join_notice("Sanne", "nl_BE")
    parts = telegram_render.plan(notice, empty_text="-")
    assert [p.text for p in parts] == [notice["text"]] and "handoff" not in parts[0].text


def test_the_widget_header_names_the_coach() -> None:
    page = (ROOT / "bot/web/templates/chat.html").read_text()
    script = (ROOT / "bot/web/static/chat.js").read_text()
    assert 'id="who-answers"' in page and 'data-coach="Je praat nu met coach {name}.' in page
    assert "showWhoAnswers(change.coach)" in script and "followHandoff(raw)" in script
