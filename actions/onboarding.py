"""First contact: consent for storing progress, and the region."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, response_name
from bot.regions import parse_region
from bot.store import jobseekers
from bot.store.db import run_db


class ValidateOnboardingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_onboarding_form"

    def validate_region(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        region = parse_region(str(slot_value or ""))
        if region is None:
            dispatcher.utter_message(response="utter_region_unknown")
        return {"region": region}


class ActionOnboardingDone(Action):
    """Store the answers, confirm them, and offer the menu."""

    def name(self) -> str:
        return "action_onboarding_done"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        consent = bool(tracker.get_slot("consent"))
        changed = await run_db(
            jobseekers.complete_onboarding,
            tracker.sender_id,
            consent,
            tracker.get_slot("region"),
            channel_of(tracker),
        )
        if changed:
            dispatcher.utter_message(
                response="utter_consent_given" if consent else "utter_consent_refused"
            )
        dispatcher.utter_message(response="utter_menu")
        return [SlotSet("onboarded", True)]


class ActionResetConsent(Action):
    """Clear the consent slot so the onboarding form asks again."""

    def name(self) -> str:
        return "action_reset_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [SlotSet("consent", None)]


class AskFormQuestion(Action):
    """Ask for a form slot, unless its simpler version was just said.

    After "ik snap het niet" the simpler question is already on screen; asking the
    normal question right after it would confuse the user.
    """

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        question = f"utter_ask_{self.slot}"
        if not just_said(tracker, question + "_simple"):
            dispatcher.utter_message(response=question)
        return []


class AskConsent(AskFormQuestion):
    slot = "consent"


class AskRegion(AskFormQuestion):
    slot = "region"


def just_said(tracker: Tracker, response: str) -> bool:
    """Whether the bot sent this response since the user's last message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and response_name(event) == response:
            return True
    return False
