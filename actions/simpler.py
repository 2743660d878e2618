"""'Ik snap het niet': say the last message again, in simpler words."""

from __future__ import annotations

from typing import Any, cast

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import domain_has_response, response_name

SIMPLE_SUFFIX = "_simple"


def last_bot_message(tracker: Tracker) -> dict[str, Any] | None:
    """The most recent bot message of this session, skipping our own 'say it again'."""
    # rasa_sdk is untyped: its events are the JSON dicts of Rasa's tracker.
    events = cast("list[dict[str, Any]]", tracker.events)
    for event in events[::-1]:
        if event.get("event") == "session_started":
            return None
        if event.get("event") != "bot":
            continue
        if response_name(event) in ("utter_explain_again", "utter_still_hard"):
            continue
        return event
    return None


class ActionExplainSimpler(Action):
    def name(self) -> str:
        return "action_explain_simpler"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        last = last_bot_message(tracker)
        if last is None:
            dispatcher.utter_message(response="utter_capabilities_simple")
            dispatcher.utter_message(response="utter_menu_simple")
            return []
        name = response_name(last)
        if name.endswith(SIMPLE_SUFFIX):
            # Already the simple words: repeat them and offer a person.
            dispatcher.utter_message(response=name)
            dispatcher.utter_message(response="utter_still_hard")
        elif domain_has_response(domain, name + SIMPLE_SUFFIX):
            dispatcher.utter_message(response=name + SIMPLE_SUFFIX)
        else:
            data = last.get("data") or {}
            dispatcher.utter_message(response="utter_explain_again")
            dispatcher.utter_message(text=last.get("text"), buttons=data.get("buttons") or [])
        return []
