"""First contact: consent for storing progress, and the region; the age where it matters.

When the user seems young, the form asks the age first and the region before consent:
under the region's consent age (bot/privacy/age.py) consent is not asked at all.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import channel_of, response_name
from bot.config import REGIONS
from bot.privacy import age
from bot.privacy.consent_answer import consent_answer
from bot.regions import parse_region
from bot.store import jobseekers
from bot.store.db import run_db


def session_texts(tracker: Tracker) -> list[str]:
    """What the user typed in this session (button payloads are no words)."""
    texts: list[str] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            texts = []
        elif event.get("event") == "user" and not str(event.get("text") or "").startswith("/"):
            texts.append(str(event.get("text") or ""))
    return texts


def too_young(tracker: Tracker) -> bool:
    """Under the consent age of the user's region, as far as we know."""
    return age.under_consent_age(tracker.get_slot("age_group"), tracker.get_slot("region"))


class ValidateOnboardingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_onboarding_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Consent and region; for a young user the age and region first, and consent
        only from the consent age of that region."""
        if not tracker.get_slot("age_group") and not age.seems_young(session_texts(tracker)):
            return ["consent", "region"]
        return ["age_group", "region"] + ([] if too_young(tracker) else ["consent"])

    async def extract_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A typed answer the NLU gave another intent ("ja dat is goed, ik woon in Gent"
        is also a move): read the words themselves, strictly (bot/privacy/consent_answer)."""
        if (
            tracker.get_slot("requested_slot") != "consent"
            or tracker.get_slot("consent") is not None
        ):
            return {}
        text = str(tracker.latest_message.get("text") or "")
        answer = None if text.startswith("/") else consent_answer(text)
        return {} if answer is None else {"consent": answer}

    def validate_age_group(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        group = age.age_group_of(str(slot_value or ""))
        if group is None:
            dispatcher.utter_message(response="utter_age_unknown")
        return {"age_group": group}

    def validate_region(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        # Typed words over an entity: "nederland, maar ik werk soms in belgie" is Nederland.
        typed = str(tracker.latest_message.get("text") or "")
        region = (None if typed.startswith("/") else parse_region(typed)) or parse_region(
            str(slot_value or "")
        )
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
        young = too_young(tracker)
        consent = bool(tracker.get_slot("consent")) and not young
        before = await run_db(jobseekers.get_profile, tracker.sender_id)
        changed = await run_db(
            jobseekers.complete_onboarding,
            tracker.sender_id,
            consent,
            tracker.get_slot("region"),
            channel_of(tracker),
        )
        if young:
            dispatcher.utter_message(response="utter_consent_too_young")
        elif changed:
            dispatcher.utter_message(
                response="utter_consent_given" if consent else "utter_consent_refused"
            )
        if changed and not consent and before is not None and before.consent is True:
            dispatcher.utter_message(response="utter_consent_erased")
        dispatcher.utter_message(response="utter_menu")
        events: list[EventType] = [SlotSet("onboarded", True)]
        if young and tracker.get_slot("consent") is not False:
            events.insert(0, SlotSet("consent", False))
        return events


class ActionInformAge(Action):
    """ "ik ben 15" (bot/nlp/age_component.py): under the consent age, a "yes" to
    storing is withdrawn at once; otherwise thanks, and on with what we were doing."""

    def name(self) -> str:
        return "action_inform_age"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        years = age.stated_age(str(tracker.latest_message.get("text") or ""))
        if years is None:  # the component only fires on a stated age; be safe anyway
            dispatcher.utter_message(response="utter_age_thanks")
            return []
        events: list[EventType] = [SlotSet("age_group", age.age_group(years))]
        profile = await run_db(jobseekers.get_profile, tracker.sender_id)
        if age.under_consent_age(years, tracker.get_slot("region")) and (
            profile is not None and profile.consent is True
        ):
            await run_db(jobseekers.set_consent, tracker.sender_id, False)
            dispatcher.utter_message(response="utter_age_consent_withdrawn")
            dispatcher.utter_message(response="utter_consent_erased")
            events.append(SlotSet("consent", False))
        else:
            dispatcher.utter_message(response="utter_age_thanks")
        if not tracker.active_loop:  # inside a form, its question follows instead
            dispatcher.utter_message(response="utter_menu")
        return events


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


class AskAgeGroup(AskFormQuestion):
    """Says "utter_ask_age_group"."""

    slot = "age_group"


def just_said(tracker: Tracker, response: str) -> bool:
    """Whether the bot sent this response since the user's last message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and response_name(event) == response:
            return True
    return False


class ActionRegionChanged(Action):
    """ "Ik ben verhuisd naar Antwerpen": the region changes now, and is kept for next time.

    The guard component turned the move into the ``region`` entity and ``inform_region``;
    this action makes it stick (the profile is reloaded at every session start) and says
    so, so the user knows the help and the crisis lines follow.
    """

    def name(self) -> str:
        return "action_region_changed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        region = next(
            (
                e.get("value")
                for e in (tracker.latest_message or {}).get("entities") or []
                if e.get("entity") == "region" and e.get("value") in REGIONS
            ),
            None,
        )
        if region is None:
            return []
        await run_db(jobseekers.set_region, tracker.sender_id, region)
        now = "utter_region_now_be" if region == "nl_BE" else "utter_region_now_nl"
        dispatcher.utter_message(response=now)
        return [SlotSet("region", region)]
