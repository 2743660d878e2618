"""The progress overview ("hoe ver ben ik?") and going on where the user was ("verder").

Privacy rights: actions/privacy.py.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.common import region_of
from actions.decision import ActionStartDecision
from actions.exercises import ActionStartExercise, exercise_progress
from actions.forms import slot_dict
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


# The guided conversations that "verder" goes back to: form -> (state slot, its start).
FLOWS: dict[str, tuple[str, type[Action]]] = {
    "decision_form": ("decision", ActionStartDecision),
    "exercise_form": ("exercise", ActionStartExercise),
}


def last_left_flow(tracker: Tracker) -> str | None:
    """The guided conversation the user was in last, if it is not finished."""
    for event in reversed(tracker.events):
        name = event.get("name") if event.get("event") == "active_loop" else None
        if name in FLOWS:
            state_slot = FLOWS[name][0]
            return name if slot_dict(tracker, state_slot) is not None else None
    return None


class ActionResume(Action):
    """ "verder", "ga door": back into the journey or exercise that was left (after a coach
    request, a problem, a pause), at the step where it was; else the menu."""

    def name(self) -> str:
        return "action_resume"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        form = last_left_flow(tracker)
        if form is None:
            dispatcher.utter_message(response="utter_menu")
            return []
        start = FLOWS[form][1]()
        events = await start.run(dispatcher, tracker, domain)
        return [*events, FollowupAction(form)]
