"""The guided conversations' forms (actions/forms.py FlowForm): one skeleton, per-flow effects.

No database and no coach: the store calls and the coach request are recorded instead, so
what each effect does, and which slots a turn sets, can be checked turn by turn.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions import decision, exercises
from bot.decision import flow as decision_flow
from bot.exercises import flow as exercise_flow

CALLS: list[tuple[Any, ...]] = []


@pytest.fixture(autouse=True)
def no_store_no_coach(monkeypatch: pytest.MonkeyPatch) -> None:
    async def run_db(fn: Any, *args: Any) -> Any:
        CALLS.append((fn.__name__, *args))
        return {"record": 41, "of_sender": []}.get(fn.__name__, True)

    async def escalate(dispatcher: Any, tracker: Any, reason: str, response: Any) -> list[Any]:
        CALLS.append(("escalate", reason, response))
        return [{"event": "slot", "name": "coach_requested", "value": True}]

    CALLS.clear()
    for module in (decision, exercises):
        monkeypatch.setattr(module, "run_db", run_db)
        monkeypatch.setattr(module, "escalate", escalate)
    monkeypatch.setattr(decision, "local_today", lambda region: date(2026, 12, 7))


def tracker(
    form: str, slots: dict[str, Any], text: str = "", intent: str = "inform", button: str = ""
) -> Tracker:
    entities = [{"entity": "answer", "value": button}] if button else []
    latest = {"text": text or "/inform", "intent": {"name": intent}, "entities": entities}
    all_slots = {"consent": True, "region": "nl_NL", **slots}
    return Tracker("u1", all_slots, latest, [], False, None, {"name": form}, "action_listen")


def answer(form: Any, form_name: str, slots: dict[str, Any], **said: str) -> dict[str, Any]:
    """Extract, then validate, as rasa-sdk does with a form's slot; the slots it sets."""
    slot = form.answer_slot
    dispatcher = CollectingDispatcher()
    t = tracker(form_name, {**slots, "requested_slot": slot}, **said)
    extracted = asyncio.run(getattr(form, f"extract_{slot}")(dispatcher, t, {}))
    if not extracted:
        return {}
    t = tracker(form_name, {**slots, **extracted, "requested_slot": slot}, **said)
    return dict(asyncio.run(getattr(form, f"validate_{slot}")(extracted[slot], dispatcher, t, {})))


def test_rasa_sdk_finds_each_form_and_its_question() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    for name in (
        "validate_decision_form",
        "action_ask_decision_answer",
        "validate_exercise_form",
        "action_ask_exercise_answer",
    ):
        assert name in executor.actions
    assert "validate_" not in executor.actions  # the generic base is no action of its own


def test_a_cleared_slot_or_no_state_ends_quietly() -> None:
    form = decision.ValidateDecisionForm()
    t = tracker("decision_form", {"decision": None})
    assert asyncio.run(form.validate_answer(None, CollectingDispatcher(), t, {})) == {}
    done = asyncio.run(form.validate_answer("ja", CollectingDispatcher(), t, {}))
    assert done == {"decision_answer": "done"}


def test_the_decision_form_records_the_agreement_and_keeps_its_id() -> None:
    ctx = decision.context(tracker("decision_form", {}))
    state = {**decision_flow.new_state(ctx), **AGREED_SUMMARY, "step": "summary"}
    slots = answer(
        decision.ValidateDecisionForm(), "decision_form", {"decision": state}, button="yes"
    )
    assert list(slots) == ["decision", "decision_answer"]
    assert slots["decision"]["step"] == "talk" and slots["decision"]["decision_id"] == 41
    assert slots["decision_answer"] is None
    assert [call[0] for call in CALLS] == ["record", "log_progress"]
    assert json.loads(json.dumps(slots)) == slots


def test_the_decision_form_brings_in_a_coach() -> None:
    ctx = decision.context(tracker("decision_form", {}))
    state = {**decision_flow.new_state(ctx), **AGREED_SUMMARY, "step": "not_yet"}
    slots = answer(
        decision.ValidateDecisionForm(), "decision_form", {"decision": state}, button="coach"
    )
    assert slots["coach_requested"] is True and slots["decision_answer"] == "done"
    assert list(slots) == ["coach_requested", "decision", "decision_answer"]
    assert CALLS[-1] == ("escalate", "decision", "utter_decision_coach")


def test_a_crisis_interrupts_the_decision_form() -> None:
    ctx = decision.context(tracker("decision_form", {}))
    state = decision_flow.new_state(ctx)
    said = {"text": "ik wil niet meer leven", "intent": "crisis"}
    assert (
        answer(decision.ValidateDecisionForm(), "decision_form", {"decision": state}, **said) == {}
    )


def test_the_exercise_form_asks_and_stores_an_attempt_left_halfway() -> None:
    ctx = exercises.context(tracker("exercise_form", {}))
    state, _ = exercise_flow.start(None, ctx, "wachtwoord")
    state, _ = exercise_flow.start(state, ctx)  # back later: go on where you were?
    assert state["step"] == "resume"
    dispatcher = CollectingDispatcher()
    asked = tracker("exercise_form", {"exercise": state}, intent="not_understood")
    asyncio.run(exercises.ActionAskExerciseAnswer().run(dispatcher, asked, {}))
    assert dispatcher.messages
    form = exercises.ValidateExerciseForm()
    slots = answer(form, "exercise_form", {"exercise": state}, button="no")
    assert slots["exercise"]["step"] == "pick" and slots["exercise_answer"] is None
    assert [call[0] for call in CALLS] == ["record", "log_progress"]
    assert CALLS[0][2].exercise_id == state["exercise"] and CALLS[0][2].finished is False


AGREED_SUMMARY = {
    "goal": "work",
    "choice": "proefplaatsing",
    "next_what": "De werkgever bellen",
    "next_on": "2026-12-10",
    "helper": "je zus",
}
