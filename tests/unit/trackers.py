"""Build rasa-sdk trackers and a domain for action tests, without a Rasa server."""

from __future__ import annotations

import asyncio
import json
from functools import cache
from pathlib import Path
from typing import Any
from uuid import uuid4

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


@cache
def domain() -> dict[str, Any]:
    merged: dict[str, Any] = {"responses": {}}
    for path in (ROOT / "domain").glob("*.yml"):
        merged["responses"].update((yaml.safe_load(path.read_text()) or {}).get("responses") or {})
    return merged


def from_fixture(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((ROOT / "tests" / "data" / name).read_text()))


def tracker(
    *,
    sender_id: str | None = None,
    slots: dict[str, Any] | None = None,
    intent: str = "greet",
    ranking: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    all_slots = {"region": None, "consent": None, "onboarded": False, "topic": None}
    all_slots.update(slots or {})
    if metadata is not None:
        all_slots["session_started_metadata"] = metadata
    latest = {
        "text": "...",
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
        "entities": [],
    }
    return Tracker.from_dict(
        {
            "sender_id": sender_id or f"unit-{uuid4().hex[:10]}",
            "slots": all_slots,
            "latest_message": latest,
            "events": events or [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


def bot_event(response: str, text: str = "tekst", buttons: list | None = None) -> dict[str, Any]:
    return {
        "event": "bot",
        "text": text,
        "data": {"buttons": buttons or []},
        "metadata": {"utter_action": response},
    }


def run(action: Action, tracker_: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run one action; the messages it sent and the events it returned."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, domain()))
    return dispatcher.messages, events


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("response") or m.get("text") for m in messages]


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
