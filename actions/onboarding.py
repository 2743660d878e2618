"""First contact: consent for storing progress, and the region."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

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
        consent = tracker.get_slot("consent")
        region = tracker.get_slot("region")
        sender = tracker.sender_id
        profile = await run_db(jobseekers.get_profile, sender)
        if profile is None or profile.consent != consent:
            await run_db(jobseekers.set_consent, sender, bool(consent))
            dispatcher.utter_message(
                response="utter_consent_given" if consent else "utter_consent_refused"
            )
        if region:
            await run_db(jobseekers.set_region, sender, region)
        await run_db(jobseekers.log_progress, sender, "onboarded", {"region": region})
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
