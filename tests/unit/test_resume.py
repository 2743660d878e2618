"""'verder' goes back into the journey or exercise the user left, at its step."""

import asyncio
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.journey import ActionResume, last_left_flow
from tests.unit.test_actions import DOMAIN
from tests.unit.trackers import tracker

LEFT_EXERCISE = [
    {"event": "active_loop", "name": "decision_form"},
    {"event": "active_loop", "name": None},
    {"event": "active_loop", "name": "exercise_form"},
    {"event": "active_loop", "name": None},
]


def test_the_flow_left_last_is_the_one_to_go_on_with() -> None:
    slots: dict[str, Any] = {"exercise": {"step": "question"}, "decision": {"step": "options"}}
    assert last_left_flow(tracker(intent="resume", events=LEFT_EXERCISE, slots=slots)) == (
        "exercise_form"
    )


def test_a_finished_flow_is_not_gone_back_into() -> None:
    slots: dict[str, Any] = {"exercise": None, "decision": {"step": "options"}}
    assert last_left_flow(tracker(intent="resume", events=LEFT_EXERCISE, slots=slots)) is None


def test_nothing_to_go_on_with_shows_the_menu() -> None:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionResume().run(dispatcher, tracker(intent="resume"), DOMAIN))
    assert events == []
    assert [m.get("response") for m in dispatcher.messages] == ["utter_menu"]
