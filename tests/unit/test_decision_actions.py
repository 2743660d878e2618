"""The decision form's Rasa side: which region a journey under way reads its options from."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.decision import context
from bot.decision import flow
from tests.unit.test_decision_flow import Chat


def tracker(slots: dict[str, Any]) -> Tracker:
    return Tracker("u1", slots, {}, [], False, None, {}, "action_listen")


def test_a_journey_keeps_its_region_when_an_entity_spoils_the_slot() -> None:
    chat = Chat("nl_BE")
    chat.type("ne job vinden")
    assert flow.in_progress(chat.state)
    ctx = context(tracker({"region": "den", "decision": chat.state}))  # "den eerste"
    assert ctx.region == "nl_BE" and ctx.catalogue.region == "nl_BE"


def test_a_new_journey_follows_the_slot() -> None:
    assert context(tracker({"region": "nl_BE", "decision": None})).region == "nl_BE"
    finished = {**Chat("nl_NL").state, "outcome": "agreed", "step": "done"}
    assert context(tracker({"region": "nl_BE", "decision": finished})).region == "nl_BE"
