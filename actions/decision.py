"""Samen Beslissen in Rasa: thin actions around bot.decision.flow.

The journey runs as ``decision_form`` with one custom slot, ``decision_answer``.
``validate_decision_form`` decides per step which messages are answers and which
interrupt (a crisis always does), feeds answers to the flow and carries out its
effects: store the record (only with consent), bring in a coach.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import region_of
from actions.forms import AskFlowAnswer, answer_text, is_answer, say, slot_dict, user_answer
from actions.support import escalate
from bot.decision import flow
from bot.decision.catalogue import catalogue, terms
from bot.decision.followup import followup_time, local_today
from bot.dialogue import Message
from bot.i18n import format_day, region_or_default, texts
from bot.store import decisions, jobseekers
from bot.store.db import run_db

# Where "coach" is one of the answers, or free text is expected, a coach request
# is an answer for the flow, not an interruption.
COACH_IS_AN_ANSWER = {
    "decide",
    "not_yet",
    "review_later",
    "review_still_good",
    "next_what",
    "helper",
    "talk",
    "review_why",
}


def context(tracker: Tracker) -> flow.Context:
    # A journey under way keeps the region it began in: its options are that catalogue's,
    # whatever a stray "region" entity ("den eerste") did to the slot meanwhile.
    journey = state_of(tracker)
    began = journey.get("region") if journey and flow.in_progress(journey) else None
    region = region_or_default(began) if began else region_of(tracker)
    return flow.Context(
        region=region,
        today=local_today(region),
        catalogue=catalogue(region),
        terms=terms(),
        t=texts(region),
        consent=bool(tracker.get_slot("consent")),
    )


def state_of(tracker: Tracker) -> flow.State | None:
    return slot_dict(tracker, "decision")


class ActionStartDecision(Action):
    def name(self) -> str:
        return "action_start_decision"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        state, messages = flow.start(state_of(tracker), context(tracker))
        say(dispatcher, messages)
        return [SlotSet("decision", state), SlotSet("decision_answer", None)]


class ActionAskDecisionAnswer(AskFlowAnswer, Action):
    state_slot = "decision"

    def name(self) -> str:
        return "action_ask_decision_answer"

    def prompt(self, state: flow.State, tracker: Tracker, simple: bool) -> list[Message]:
        return flow.prompt(state, context(tracker), simple=simple)


class ValidateDecisionForm(FormValidationAction):
    def name(self) -> str:
        return "validate_decision_form"

    async def extract_decision_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Take the user's message as an answer, unless it interrupts the journey."""
        state = state_of(tracker) or {}
        coach = {"request_coach"} if state.get("step") in COACH_IS_AN_ANSWER else set()

        def ours(text: str) -> bool:
            # "volgende week dinsdag" is a date here, whatever the NLU makes of it (goodbye);
            # "geld, want ik heb kinderen" answers the step, it is no problem to refer.
            # What the classifier took for a crisis is ours only as a typed button or command.
            ctx = context(tracker)
            if user_answer(tracker).intent in ("crisis", "distress"):
                return flow.says_command(state, text, ctx)
            return flow.understands(state, text, ctx)

        if not is_answer(tracker, self.form_name(), "decision_answer", ours, frozenset(coach)):
            return {}
        return {"decision_answer": answer_text(tracker)}

    async def validate_decision_answer(
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
            return {"decision_answer": "done"}
        ctx = context(tracker)
        turn = flow.advance(state, user_answer(tracker), ctx)
        say(dispatcher, turn.say)
        slots: dict[str, Any] = {}
        for kind, value in turn.effects:
            if kind == "record":  # the talk question that may follow updates this record
                turn.state["decision_id"] = await self._record(value, tracker, ctx)
                continue
            slots.update(await self._effect(kind, value, dispatcher, tracker, ctx))
        slots.update({"decision": turn.state, "decision_answer": "done" if turn.finished else None})
        return slots

    @staticmethod
    async def _record(value: flow.State, tracker: Tracker, ctx: flow.Context) -> int | None:
        """Store the agreement (only with consent); its id, or None when nothing was stored."""
        sender = tracker.sender_id
        day = value.get("next_on") or value.get("later_on")
        due = followup_time(date.fromisoformat(day), ctx.region) if day else None
        stored: int | None = await run_db(decisions.record, sender, value, due)
        if stored is not None:
            await run_db(jobseekers.log_progress, sender, "decision", {"status": value["outcome"]})
        return stored

    async def _effect(
        self,
        kind: str,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        ctx: flow.Context,
    ) -> dict[str, Any]:
        sender = tracker.sender_id
        if kind == "talk":
            await run_db(
                decisions.record_talk, sender, value.get("decision_id"), value["decided_with"]
            )
            return {}
        if kind == "review":
            await run_db(decisions.record_review, sender, value.get("decision_id"), value["review"])
            # The path the coach sees holds the answers, never the typed reason itself.
            logged = {k: v for k, v in value["review"].items() if k != "reason_text"}
            await run_db(jobseekers.log_progress, sender, "decision_review", logged)
            return {}
        if kind == "escalate":
            events = await escalate(dispatcher, tracker, str(value), "utter_decision_coach")
            return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        raise ValueError(f"unknown effect {kind}")


class ActionDecisionDone(Action):
    """After the journey: clear the answer slot, so the next journey starts clean."""

    def name(self) -> str:
        return "action_decision_done"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        state = state_of(tracker)
        if state and state.get("outcome"):
            dispatcher.utter_message(response="utter_menu")
        return [SlotSet("decision_answer", None)]


class ActionDecisionFollowup(Action):
    """On the agreed day: ask how it went (or whether the user wants to choose now)."""

    def name(self) -> str:
        return "action_decision_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        raw = next(tracker.get_latest_entity_values("decision_id"), None)
        record = None
        if raw is not None and str(raw).isdigit():
            record = await run_db(decisions.get, tracker.sender_id, int(raw))
        if record is None or record.status not in ("agreed", "later"):
            # Erased or replaced meanwhile: nothing to ask; the form ends at once.
            return [SlotSet("decision_answer", "done")]
        state = flow.start_review(record.as_state(), context(tracker))
        return [SlotSet("decision", state), SlotSet("decision_answer", None)]


class ActionShowAgreement(Action):
    """ "Wat hebben we afgesproken?": the stored record, else this conversation's."""

    def name(self) -> str:
        return "action_show_agreement"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        ctx = context(tracker)
        t = ctx.t
        record = await run_db(decisions.latest, tracker.sender_id)
        state = record.as_state() if record else None
        if state is None:
            current = state_of(tracker)
            if current and current.get("outcome") in ("agreed", "later", "coach"):
                state = {**current, "status": decisions.STATUS_OF_OUTCOME[current["outcome"]]}
        if state is None:
            dispatcher.utter_message(text=t.gettext("We hebben nog niets afgesproken."))
            if not tracker.active_loop:
                dispatcher.utter_message(response="utter_menu")
            return []
        lines = [t.gettext("Dit hebben we afgesproken:"), *flow.summary_lines(state, ctx)]
        status = state.get("status")
        review_on = state.get("review_on") or state.get("later_on")
        if status == "later" and review_on:
            day = format_day(date.fromisoformat(review_on), ctx.region)
            lines.append(t.gettext("Je wilde later kiezen, op {day}.").format(day=day))
        elif status == "talk_to_coach":
            lines.append(t.gettext("Je wilde eerst met je coach praten."))
        elif status == "evaluated":
            lines.append(t.gettext("Hoe het ging, hebben we al besproken."))
        dispatcher.utter_message(text="\n".join(lines))
        if not tracker.active_loop:  # inside the journey, its question follows instead
            dispatcher.utter_message(response="utter_menu")
        return []
