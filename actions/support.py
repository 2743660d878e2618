"""Coach requests and the crisis protocol."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.store import jobseekers
from bot.store.db import run_db


def request_reason(tracker: Tracker) -> str:
    """Why the user needs a person, from what they said last."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    topic = tracker.get_slot("topic")
    if topic and intent in ("affirm", "share_problem"):
        return f"problem:{topic}"[:32]
    if intent == "affirm":
        return "mood"
    return "request"


class ActionRequestCoach(Action):
    def name(self) -> str:
        return "action_request_coach"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        await run_db(jobseekers.request_coach, tracker.sender_id, request_reason(tracker))
        dispatcher.utter_message(response="utter_coach_requested")
        return []


class ActionCrisis(Action):
    """Fixed crisis message for the user's region, an urgent request, and leave any flow."""

    def name(self) -> str:
        return "action_crisis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_crisis")
        await run_db(jobseekers.request_coach, tracker.sender_id, "crisis", None, "urgent")
        dispatcher.utter_message(response="utter_crisis_coach")
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
