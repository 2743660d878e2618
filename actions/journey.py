"""Progress and privacy overviews."""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import region_of
from actions.exercises import exercise_progress
from bot.i18n import format_day, texts
from bot.store import escalations, jobseekers
from bot.store.db import run_db


def steps_stored(t: NullTranslations, steps: int) -> str:
    return t.ngettext(
        "Ik heb {count} stap van je bewaard.", "Ik heb {count} stappen van je bewaard.", steps
    ).format(count=steps)


def no_consent(t: NullTranslations) -> str:
    return t.gettext("Ik bewaar je voortgang niet. Dat had je zo gekozen.")


class ActionShowProgress(Action):
    """ "Hoe ver ben ik?": the path walked, the exercises' badges and a progress card."""

    def name(self) -> str:
        return "action_show_progress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        region = region_of(tracker)
        t = texts(region)
        profile = await run_db(jobseekers.get_profile, tracker.sender_id)
        consent = profile is not None and profile.consent is True
        exercises_text, card = await exercise_progress(tracker)
        if consent and profile is not None:
            steps = sum((await run_db(jobseekers.progress_counts, tracker.sender_id)).values())
            day = format_day(profile.first_seen, region)
            first = t.gettext("Je kwam hier voor het eerst op {day}.").format(day=day)
            dispatcher.utter_message(text=" ".join([first, steps_stored(t, steps)]))
        else:
            dispatcher.utter_message(text=no_consent(t))
        if card is not None:
            dispatcher.utter_message(text=exercises_text, image=card, alt=exercises_text)
        elif consent:
            dispatcher.utter_message(text=exercises_text)
        if tracker.active_loop:  # inside an exercise, its question follows instead
            return []
        if not consent:
            dispatcher.utter_message(response="utter_ask_change_consent")
        else:
            dispatcher.utter_message(response="utter_menu")
        return []


class ActionPrivacySummary(Action):
    """A plain overview of what we store. The full export arrives with the privacy issue."""

    def name(self) -> str:
        return "action_privacy_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        region = region_of(tracker)
        t = texts(region)
        profile = await run_db(jobseekers.get_profile, tracker.sender_id)
        counts = await run_db(jobseekers.progress_counts, tracker.sender_id)
        consent = profile.consent if profile else None
        lines = [t.gettext("Dit bewaar ik van je.")]
        if profile and profile.region:
            place = t.gettext("Vlaanderen") if profile.region == "nl_BE" else t.gettext("Nederland")
            lines.append(t.gettext("Je woont in {place}.").format(place=place))
        if consent is True:
            lines.append(t.gettext("Je vindt het goed dat ik je voortgang bewaar."))
            lines.append(steps_stored(t, sum(counts.values())))
        elif consent is False:
            lines.append(no_consent(t))
        lines.append(t.gettext("Je naam bewaar ik niet."))
        dispatcher.utter_message(text=" ".join(lines))
        dispatcher.utter_message(response="utter_ask_change_consent")
        return []


class ActionRequestErasure(Action):
    """Stop storing at once, and pass the erasure request on to a person."""

    def name(self) -> str:
        return "action_request_erasure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        await run_db(jobseekers.set_consent, tracker.sender_id, False)
        await run_db(escalations.open_escalation, tracker.sender_id, "privacy_delete")
        dispatcher.utter_message(response="utter_erasure_requested")
        return [SlotSet("consent", False)]
