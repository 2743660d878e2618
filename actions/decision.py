"""Samen Beslissen in Rasa: thin actions around bot.decision.flow.

The journey runs as ``decision_form`` with one custom slot, ``decision_answer``.
``validate_decision_form`` decides per step which messages are answers and which
interrupt (a crisis always does), feeds answers to the flow and carries out its
effects: store the record (only with consent), bring in a coach.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import region_of
from actions.forms import AskFlowAnswer, FlowForm, GuidedFlow, say, slot_dict, user_answer
from actions.support import escalate
from bot.decision import flow
from bot.decision.catalogue import catalogue, terms
from bot.decision.followup import followup_time, local_today
from bot.dialogue import Escalate
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
    return cast("flow.State | None", slot_dict(tracker, "decision"))


class ActionStartDecision(Action):
    def name(self) -> str:
        return "action_start_decision"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        state, messages = flow.start(state_of(tracker), context(tracker))
        say(dispatcher, messages)
        return [SlotSet("decision", state), SlotSet("decision_answer", None)]


class ValidateDecisionForm(FlowForm[flow.State, flow.Context, flow.Effect]):
    """Feeds answers to the journey; stores the record (only with consent), brings in a coach."""

    guided: GuidedFlow[flow.State, flow.Context, flow.Effect] = flow
    state_slot, answer_slot = "decision", "decision_answer"

    def name(self) -> str:
        return "validate_decision_form"

    def context(self, tracker: Tracker) -> flow.Context:
        return context(tracker)

    def also_answers(self, state: flow.State | None) -> frozenset[str]:
        step = state.get("step") if state else None
        return frozenset({"request_coach"} if step in COACH_IS_AN_ANSWER else ())

    def understands(self, state: flow.State | None, text: str, tracker: Tracker) -> bool:
        # "volgende week dinsdag" is a date here, whatever the NLU makes of it (goodbye);
        # "geld, want ik heb kinderen" answers the step, it is no problem to refer.
        # What the classifier took for a crisis is ours only as a typed button or command.
        if user_answer(tracker).intent in ("crisis", "distress"):
            return flow.says_command(state or {}, text, context(tracker))
        return super().understands(state, text, tracker)

    async def carry_out(
        self,
        effect: flow.Effect,
        turn: flow.Turn,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        ctx: flow.Context,
    ) -> dict[str, Any]:
        sender = tracker.sender_id
        match effect:
            case flow.Record(state):  # the talk question that may follow updates this record
                turn.state["decision_id"] = await self._record(state, tracker, ctx)
            case flow.RecordTalk(state):
                await run_db(
                    decisions.record_talk, sender, state.get("decision_id"), state["decided_with"]
                )
            case flow.RecordReview(state):
                review = state["review"]
                await run_db(decisions.record_review, sender, state.get("decision_id"), review)
                # The path the coach sees holds the answers, never the typed reason itself.
                logged = {k: v for k, v in review.items() if k != "reason_text"}
                await run_db(jobseekers.log_progress, sender, "decision_review", logged)
            case Escalate(reason):
                events = await escalate(dispatcher, tracker, reason, "utter_decision_coach")
                return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        return {}

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


class ActionAskDecisionAnswer(AskFlowAnswer, Action):
    form = ValidateDecisionForm


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
        # The stored agreement, else this journey's: summary_lines reads either.
        state: Mapping[str, Any] | None = record.as_state() if record else None
        if state is None:
            current = state_of(tracker)
            outcome = current.get("outcome") if current else None
            if current and outcome in ("agreed", "later", "coach"):
                state = {**current, "status": decisions.STATUS_OF_OUTCOME[outcome]}
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
