"""The progress overview ("hoe ver ben ik?"). Privacy rights: actions/privacy.py."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import region_of
from actions.exercises import exercise_progress
from bot.i18n import format_day, texts
from bot.privacy.export import no_consent, steps_stored
from bot.store import jobseekers
from bot.store.db import run_db


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
