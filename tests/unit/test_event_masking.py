"""Rasa events are masked before the tracker store writes them; their structure stays.

The first tests work on event dicts (``Event.as_dict()``); the last ones save real
trackers through ``WerkmaatjeTrackerStore`` into the test database, read the rows
back and load the tracker again as the next turn would.
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot.store.db import session_scope
from bot.store.tracker_store import WerkmaatjeTrackerStore
from bot.text.events import mask_event

ROOT = Path(__file__).resolve().parents[2]
PHONE, EMAIL, IBAN = "06-12345678", "jan.jansen@example.nl", "NL91 ABNA 0417 1643 00"
BSN, BE_NATIONAL, ADDRESS = "111222333", "85.07.30-033.28", "Kerkstraat 12a"
RAW = (PHONE, EMAIL, IBAN, BSN, BE_NATIONAL, ADDRESS)


def user(said: str) -> UserUttered:
    return UserUttered(
        said,
        intent={"name": "request_coach", "confidence": 0.93},
        entities=[{"entity": "contact", "start": 15, "end": 26, "value": PHONE, "extractor": "x"}],
        parse_data={
            "intent": {"name": "request_coach", "confidence": 0.93},
            "entities": [{"entity": "contact", "start": 15, "end": 26, "value": PHONE}],
            "text": said,
            "message_id": "m-1",
            "metadata": {"channel": "rest", "note": f"mail {EMAIL}"},
            "intent_ranking": [{"name": "request_coach", "confidence": 0.93}],
        },
        input_channel="rest",
        message_id="m-1",
        metadata={"channel": "rest", "from": f"bel {PHONE}"},
        timestamp=1_700_000_000.5,
    )


def bot() -> BotUttered:
    return BotUttered(
        f"Je typte {PHONE}. Klopt dat?",
        data={
            "buttons": [
                {"title": "Ja", "payload": "/affirm"},
                {"title": "Nee", "payload": '/choose{"option": "0612345678"}'},
            ],
            "custom": {"text": f"mail {EMAIL}", "image": "http://localhost:8080/media/a-1.png"},
        },
        metadata={"utter_action": "utter_ask_confirm"},
        timestamp=1_700_000_001.0,
    )


DECISION = {
    "step": "next_step",
    "goal": "werk",
    "next_what": f"Bellen naar {PHONE}",
    "helper": f"mijn buurvrouw, {EMAIL}",
    "preferences": {"uren": "36 uur per week", "notes": [f"iban {IBAN}", "3 jaar"]},
    "shown": ["opleiding", "vrijwilligerswerk"],
    "decision_id": 12,
    "review": "2024-03-12",
    "started": "2024-03-12T14:30:00.123456+00:00",
}


def test_user_event_free_text_is_masked_and_structure_kept() -> None:
    said = f"mijn nummer is {PHONE}, mail {EMAIL}"
    original = user(said).as_dict()
    masked = mask_event(original)

    assert masked["text"] == "mijn nummer is [telefoon], mail [e-mail]"
    assert masked["parse_data"]["text"] == masked["text"]
    assert masked["parse_data"]["entities"][0]["value"] == "[telefoon]"
    assert masked["parse_data"]["metadata"]["note"] == "mail [e-mail]"
    assert masked["metadata"] == {"channel": "rest", "from": "bel [telefoon]"}
    for key in ("event", "timestamp", "input_channel", "message_id"):
        assert masked[key] == original[key]
    assert masked["parse_data"]["intent"] == original["parse_data"]["intent"]
    assert masked["parse_data"]["intent_ranking"] == original["parse_data"]["intent_ranking"]
    entity, before = masked["parse_data"]["entities"][0], original["parse_data"]["entities"][0]
    assert {k: entity[k] for k in ("entity", "start", "end")} == {
        k: before[k] for k in ("entity", "start", "end")
    }
    assert PHONE in json.dumps(original), "the input is not changed"


def test_bot_event_text_and_data_are_masked_but_payloads_kept() -> None:
    masked = mask_event(bot().as_dict())
    assert masked["text"] == "Je typte [telefoon]. Klopt dat?"
    assert masked["data"]["custom"] == {
        "text": "mail [e-mail]",
        "image": "http://localhost:8080/media/a-1.png",
    }
    assert [b["payload"] for b in masked["data"]["buttons"]] == [
        "/affirm",
        '/choose{"option": "0612345678"}',
    ]
    assert masked["metadata"] == {"utter_action": "utter_ask_confirm"}


def test_a_nested_slot_value_is_masked_in_place() -> None:
    original = SlotSet("decision", copy.deepcopy(DECISION), timestamp=5.0).as_dict()
    masked = mask_event(original)
    value = masked["value"]

    assert masked["name"] == "decision" and masked["event"] == "slot"
    assert value["next_what"] == "Bellen naar [telefoon]"
    assert value["helper"] == "mijn buurvrouw, [e-mail]"
    assert value["preferences"] == {"uren": "36 uur per week", "notes": ["iban [iban]", "3 jaar"]}
    for key in ("step", "goal", "shown", "decision_id", "review", "started"):
        assert value[key] == DECISION[key]
    assert list(value) == list(DECISION), "same keys in the same order"
    assert mask_event(SlotSet("consent", True).as_dict())["value"] is True
    assert mask_event(SlotSet("topic", f"bel {PHONE}").as_dict())["value"] == "bel [telefoon]"


@pytest.mark.parametrize(
    "event",
    [
        ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0, timestamp=3.0),
        ActionExecuted(action_text=f"mijn nummer is {PHONE}", timestamp=3.0),
        ActiveLoop("decision_form", timestamp=4.0),
        SessionStarted(metadata={"region": "nl_BE"}, timestamp=2.0),
    ],
)
def test_other_events_survive_unchanged_unless_they_hold_free_text(event: Event) -> None:
    original = event.as_dict()
    masked = mask_event(original)
    assert set(masked) == set(original)
    changed = {k for k in original if masked[k] != original[k]}
    assert changed == ({"action_text"} if original.get("action_text") else set())
    assert Event.from_parameters(masked).as_dict() == masked, "Rasa can still read it"


def test_masking_an_event_twice_changes_nothing() -> None:
    said = f"{ADDRESS}, {BSN}, {BE_NATIONAL}, {IBAN}"
    for event in (user(said), bot(), SlotSet("decision", DECISION)):
        once = mask_event(event.as_dict())
        assert mask_event(once) == once
        assert not any(raw in json.dumps(once) for raw in RAW)


# --- through the real tracker store ---------------------------------------------------


@pytest.fixture(scope="module")
def store() -> WerkmaatjeTrackerStore:
    return WerkmaatjeTrackerStore(domain=Domain.load(str(ROOT / "domain")))


def stored_rows(sender_id: str) -> list[dict[str, Any]]:
    with session_scope() as session:
        rows = session.execute(
            text("select data from events where sender_id = :s order by id"), {"s": sender_id}
        ).all()
    return [json.loads(row[0]) for row in rows]


def first_turn(sender_id: str, store: WerkmaatjeTrackerStore) -> DialogueStateTracker:
    events: list[Event] = [
        ActionExecuted("action_session_start", timestamp=10.0),
        SessionStarted(timestamp=10.1),
        ActionExecuted("action_listen", timestamp=10.2),
        user(f"mijn nummer is {PHONE}, ik woon {ADDRESS}"),
        bot(),
        SlotSet("decision", copy.deepcopy(DECISION), timestamp=1_700_000_002.0),
        SlotSet(
            "exercise",
            {"step": "question", "exercise": "mail-1", "results": {"mail-1": [2, 3]}, "q": 1},
            timestamp=1_700_000_002.1,
        ),
        ActionExecuted("action_listen", timestamp=1_700_000_003.0),
    ]
    return DialogueStateTracker.from_events(sender_id, events, store.domain.slots)


@pytest.mark.postgres
def test_the_store_keeps_only_masked_text_and_the_next_turn_still_works(
    store: WerkmaatjeTrackerStore,
) -> None:
    sender_id = f"mask-{uuid4().hex[:10]}"
    tracker = first_turn(sender_id, store)
    asyncio.run(store.save(tracker))

    rows = stored_rows(sender_id)
    assert len(rows) == len(tracker.events)
    assert not any(raw in json.dumps(row) for row in rows for raw in RAW)
    said = next(row for row in rows if row["event"] == "user")
    assert said["text"] == "mijn nummer is [telefoon], ik woon [adres]"
    assert said["parse_data"]["intent"]["name"] == "request_coach"
    # the raw text stays in memory for the rest of the turn
    assert tracker.latest_message is not None and PHONE in (tracker.latest_message.text or "")

    # the next turn: loaded back, one more message, saved again; nothing is stored twice
    loaded = asyncio.run(store.retrieve(sender_id))
    assert loaded is not None
    since_start = rows[1:]  # Rasa loads the events from the session start on
    assert [e.as_dict()["event"] for e in loaded.events] == [r["event"] for r in since_start]
    decision = loaded.get_slot("decision")
    assert decision["next_what"] == "Bellen naar [telefoon]"
    assert {k: decision[k] for k in ("step", "goal", "decision_id", "started")} == {
        k: DECISION[k] for k in ("step", "goal", "decision_id", "started")
    }
    assert loaded.get_slot("exercise")["results"] == {"mail-1": [2, 3]}
    loaded.update(UserUttered(f"mijn iban is {IBAN}", timestamp=1_700_000_010.0))
    asyncio.run(store.save(loaded))
    rows = stored_rows(sender_id)
    assert len(rows) == len(tracker.events) + 1
    assert rows[-1]["text"] == "mijn iban is [iban]"
    asyncio.run(store.save(loaded))  # saving again adds nothing
    assert len(stored_rows(sender_id)) == len(tracker.events) + 1


def test_the_telegram_inbox_copy_is_masked_but_keeps_what_a_replay_needs() -> None:
    from bot.store.telegram import masked_update

    chat = {"id": 7_123_456_789, "type": "private"}
    update = {
        "update_id": 1,
        "message": {"message_id": 5, "chat": chat, "text": f"bel {PHONE}", "caption": EMAIL},
        "callback_query": {
            "id": "9",
            "data": "/affirm",
            "message": {"message_id": 4, "chat": chat, "text": f"Is {PHONE} goed?"},
        },
    }
    masked = masked_update(update)
    assert masked["message"] == {
        **update["message"],
        "text": "bel [telefoon]",
        "caption": "[e-mail]",
    }
    assert masked["callback_query"]["message"]["text"] == "Is [telefoon] goed?"
    assert masked["callback_query"]["data"] == "/affirm"
    assert masked["update_id"] == 1 and masked["message"]["chat"] == chat
    assert update["message"]["text"] == f"bel {PHONE}", "the live update keeps the raw text"
