"""Digital-skills exercises in Rasa: thin actions around bot.exercises.flow.

The exercise runs as ``exercise_form`` with one custom slot, ``exercise_answer``; the
flow's state lives in the ``exercise`` slot, so a user can stop and go on later.
Attempts are stored only with consent (bot.store.exercises). After a hard exercise the
flow may ask for a coach ("Praat met coach"): the action brings one in, as the coach
request does, and the exercise goes on meanwhile.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, cast

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import region_of
from actions.forms import AskFlowAnswer, FlowForm, GuidedFlow, say, slot_dict, user_answer
from actions.support import escalate
from bot import media
from bot.dialogue import Escalate
from bot.exercises import flow
from bot.exercises.catalogue import catalogue
from bot.exercises.progress import Results, results_of, starting_level, summarise
from bot.i18n import texts
from bot.store import exercises, jobseekers
from bot.store.db import run_db

# Outside a question, naming an exercise ("wachtwoord oefenen") answers "which one?".
CHOOSING_STEPS = ("intake", "suggest", "pick", "help")


def context(tracker: Tracker) -> flow.Context:
    region = region_of(tracker)
    return flow.Context(
        region=region,
        now=datetime.now(timezone.utc),
        catalogue=catalogue(region),
        t=texts(region),
        image_url=media.exercise_image_url,
    )


def state_of(tracker: Tracker) -> flow.State | None:
    return cast("flow.State | None", slot_dict(tracker, "exercise"))


class ActionStartExercise(Action):
    """ "Ik wil oefenen": go on where the user was, the exercise they named, or find one."""

    def name(self) -> str:
        return "action_start_exercise"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        ctx = context(tracker)
        answer = user_answer(tracker)
        named = answer.text if answer.intent == "start_exercise" else ""
        state = state_of(tracker)
        if state is None or state.get("level") is None:
            # A returning user with consent: the stored results tell their level.
            stored = await stored_results(tracker)
            if stored:
                level = starting_level(ctx.catalogue, stored)
                state = {**(state or {}), "results": stored, "level": level}
        state, messages = flow.start(state, ctx, named)
        say(dispatcher, messages)
        return [SlotSet("exercise", state), SlotSet("exercise_answer", None)]


async def stored_results(tracker: Tracker) -> Results:
    if tracker.get_slot("consent") is not True:
        return {}
    return results_of(await run_db(exercises.of_sender, tracker.sender_id))


class ValidateExerciseForm(FlowForm[flow.State, flow.Context, flow.Effect]):
    """Feeds answers to the exercise; stores attempts (only with consent), brings in a coach."""

    guided: GuidedFlow[flow.State, flow.Context, flow.Effect] = flow
    state_slot, answer_slot = "exercise", "exercise_answer"

    def name(self) -> str:
        return "validate_exercise_form"

    def context(self, tracker: Tracker) -> flow.Context:
        return context(tracker)

    def also_answers(self, state: flow.State | None) -> frozenset[str]:
        choosing = (state.get("step") if state else None) in CHOOSING_STEPS
        return frozenset({"start_exercise"} if choosing else ())

    async def carry_out(
        self,
        effect: flow.Effect,
        turn: flow.Turn,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        ctx: flow.Context,
    ) -> dict[str, Any]:
        match effect:
            case flow.RecordAttempt(attempt):
                await record_attempt(tracker, attempt)
            case Escalate(reason):
                return await bring_in_coach(dispatcher, tracker, reason)
        return {}


class ActionAskExerciseAnswer(AskFlowAnswer, Action):
    form = ValidateExerciseForm


async def record_attempt(tracker: Tracker, attempt: exercises.Attempt) -> None:
    """Store the attempt (consent only) and note it on the path walked."""
    stored = await run_db(exercises.record, tracker.sender_id, attempt)
    if stored:
        summary = {
            "exercise_id": attempt.exercise_id,
            "competence": attempt.competence,
            "score": attempt.score,
            "passed": attempt.passed,
        }
        await run_db(jobseekers.log_progress, tracker.sender_id, "exercise", summary)


async def bring_in_coach(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str
) -> dict[str, Any]:
    """The user pressed "Praat met coach" after a hard exercise: a coach request, told
    honestly when a person reads it, as when they ask for a coach anywhere else."""
    events = await escalate(dispatcher, tracker, reason, None)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


class ActionExerciseDone(Action):
    """After the form (stopped, or done with exercising): the menu, and a clean answer slot."""

    def name(self) -> str:
        return "action_exercise_done"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_menu")
        return [SlotSet("exercise_answer", None)]


async def exercise_progress(tracker: Tracker) -> tuple[str, str | None]:
    """ "Hoe ver ben ik?" for the exercises: a plain summary, and the card's URL.

    With consent from the stored attempts; without, from this conversation's results.
    """
    region = region_of(tracker)
    t = texts(region)
    results = await stored_results(tracker)
    if not results:
        results = dict((state_of(tracker) or {}).get("results") or {})
    summary = summarise(catalogue(region), results)
    if not summary.done:
        return t.gettext("Je hebt nog geen oefening gedaan."), None
    badges = summary.badges
    lines = [
        t.ngettext(
            "Je deed {count} oefening.", "Je deed {count} verschillende oefeningen.", summary.done
        ).format(count=summary.done),
        t.ngettext(
            "{count} daarvan ging goed.", "{count} daarvan gingen goed.", summary.passed
        ).format(count=summary.passed),
    ]
    if badges:
        lines.append(
            t.ngettext("Je hebt {count} badge:", "Je hebt {count} badges:", len(badges)).format(
                count=len(badges)
            )
            + " "
            + ", ".join(b.label for b in badges)
            + "."
        )
    left = len(summary.competences) - len(badges)
    if left:
        lines.append(
            t.ngettext("Nog {count} badge te halen.", "Nog {count} badges te halen.", left).format(
                count=left
            )
        )
    return " ".join(lines), media.card_url(summary, region)
