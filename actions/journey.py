"""Progress and privacy overviews. The decision journey and exercises come with their issues."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import region_of
from bot.i18n import format_day, texts
from bot.store import jobseekers
from bot.store.db import run_db


class ActionShowProgress(Action):
    def name(self) -> str:
        return "action_show_progress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        region = region_of(tracker)
        t = texts(region)
        profile = await run_db(jobseekers.get_profile, tracker.sender_id)
        if profile is None or profile.consent is not True:
            dispatcher.utter_message(
                text=t.gettext("Ik bewaar je voortgang niet. Dat had je zo gekozen.")
            )
            dispatcher.utter_message(response="utter_ask_change_consent")
            return []
        steps = sum((await run_db(jobseekers.progress_counts, tracker.sender_id)).values())
        day = format_day(profile.first_seen, region)
        dispatcher.utter_message(
            text=" ".join(
                [
                    t.gettext("Je kwam hier voor het eerst op {day}.").format(day=day),
                    t.ngettext(
                        "Ik heb {count} stap van je bewaard.",
                        "Ik heb {count} stappen van je bewaard.",
                        steps,
                    ).format(count=steps),
                ]
            )
        )
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
            steps = sum(counts.values())
            lines.append(t.gettext("Je vindt het goed dat ik je voortgang bewaar."))
            lines.append(
                t.ngettext(
                    "Ik heb {count} stap van je bewaard.",
                    "Ik heb {count} stappen van je bewaard.",
                    steps,
                ).format(count=steps)
            )
        elif consent is False:
            lines.append(t.gettext("Je voortgang bewaar ik niet. Dat had je zo gekozen."))
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
        await run_db(jobseekers.request_coach, tracker.sender_id, "privacy_delete")
        dispatcher.utter_message(response="utter_erasure_requested")
        return [SlotSet("consent", False)]
