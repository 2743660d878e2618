"""Digital-skills exercises in Rasa: thin actions around bot.exercises.flow.

The exercise runs as ``exercise_form`` with one custom slot, ``exercise_answer``; the
flow's state lives in the ``exercise`` slot, so a user can stop and go on later.
Attempts are stored only with consent (bot.store.exercises). After a hard exercise the
flow may ask for a coach ("Praat met coach"): the action brings one in, as the coach
request does, and the exercise goes on meanwhile.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import region_of
from actions.forms import AskFlowAnswer, answer_text, is_answer, say, slot_dict, user_answer
from actions.support import escalate
from bot import media
from bot.dialogue import Message
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
    return slot_dict(tracker, "exercise")


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


class ActionAskExerciseAnswer(AskFlowAnswer, Action):
    state_slot = "exercise"

    def name(self) -> str:
        return "action_ask_exercise_answer"

    def prompt(self, state: flow.State, tracker: Tracker, simple: bool) -> list[Message]:
        return flow.prompt(state, context(tracker), simple=simple)


class ValidateExerciseForm(FormValidationAction):
    def name(self) -> str:
        return "validate_exercise_form"

    async def extract_exercise_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Take the user's message as an answer, unless it interrupts the exercise."""
        state = state_of(tracker) or {}
        ctx = context(tracker)
        choosing = state.get("step") in CHOOSING_STEPS
        also = frozenset({"start_exercise"} if choosing else ())

        def ours(text: str) -> bool:
            return flow.understands(state, text, ctx)

        if not is_answer(tracker, self.form_name(), "exercise_answer", ours, also):
            return {}
        return {"exercise_answer": answer_text(tracker)}

    async def validate_exercise_answer(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if slot_value is None:  # the slot was cleared, not answered
            return {}
        state = state_of(tracker)
        if state is None:  # nothing to answer to: end the form quietly
            return {"exercise_answer": "done"}
        turn = flow.advance(state, user_answer(tracker), context(tracker))
        say(dispatcher, turn.say)
        slots: dict[str, Any] = {}
        for kind, value in turn.effects:
            if kind == "record":
                await record_attempt(tracker, value)
            elif kind == "coach":
                slots.update(await bring_in_coach(dispatcher, tracker, str(value)))
            else:
                raise ValueError(f"unknown effect {kind}")
        return {
            **slots,
            "exercise": turn.state,
            "exercise_answer": "done" if turn.finished else None,
        }


async def record_attempt(tracker: Tracker, value: dict[str, Any]) -> None:
    """Store the attempt (consent only) and note it on the path walked."""
    stored = await run_db(exercises.record, tracker.sender_id, exercises.Attempt(**value))
    if stored:
        summary = {k: value[k] for k in ("exercise_id", "competence", "score", "passed")}
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
