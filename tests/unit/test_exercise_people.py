"""The people conversations about scams, mailboxes and applying, played against the flow.

tests/conversations/people/job_scams.yml is played against the real servers in the
integration tier (a trained model). Here each conversation is played against the flow
itself (bot/exercises/flow.py), so that what the YAML expects is what the flow does: the
typed answers are understood as the file says, the steps and buttons are there, and the
needs about the exercise hold. What only the Rasa stack decides is taken as given: a
message that starts an exercise is read as the wish to practise, and a message the flow
does not take as an answer ("hoe ver ben ik") is handled elsewhere, the question waiting.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.dialogue import Answer, Message
from bot.exercises import flow
from tests.conversations.people import Conversation, load
from tests.unit.test_exercise_flow import make_ctx, problems

FILE = "job_scams"
PRESETS = {"fresh", "greeted", "onboarded", "onboarded_no_consent"}
# The menu's button: opens the exercise form, which starts the flow without words.
MENU = "Oefen met de computer"
CONVERSATIONS = [c for c in load() if c.file == FILE]


@dataclass
class Player:
    """One person doing exercises, as the form would pass their messages to the flow."""

    region: str
    state: flow.State | None = None
    shown: list[Message] = field(default_factory=list)
    effects: list[flow.Effect] = field(default_factory=list)
    finished: bool = False

    def __post_init__(self) -> None:
        self.ctx = make_ctx(self.region)

    def act(self, action: str | dict[str, Any]) -> list[Message]:
        if isinstance(action, str):
            assert action in PRESETS, action
            return []
        if self.state is None or self.finished:
            return self._start(action)
        if "tap" in action:
            return self._send(Answer(button=self._button(action["tap"])))
        text = str(action["user"])
        if not flow.understands(self.state, text, self.ctx):
            self.shown = flow.prompt(self.state, self.ctx)  # handled elsewhere; asked again
            return self.shown
        return self._send(Answer(text=text))

    def _start(self, action: dict[str, Any]) -> list[Message]:
        text = "" if action.get("tap") == MENU else str(action.get("user") or "")
        assert text or action.get("tap") == MENU, f"no exercise to answer {action}"
        self.state, opening = flow.start(self.state, self.ctx, text)
        self.finished = False
        self.shown = opening + flow.prompt(self.state, self.ctx)
        return self.shown

    def _button(self, title: str) -> str:
        offered = [b for m in self.shown for b in m.buttons]
        for button in offered:
            if button.title == title:
                return button.answer
        raise AssertionError(f"no button {title!r}; offered: {[b.title for b in offered]}")

    def _send(self, answer: Answer) -> list[Message]:
        assert self.state is not None
        turn = flow.advance(self.state, answer, self.ctx)
        self.state = json.loads(json.dumps(turn.state))
        self.effects += turn.effects
        self.finished = turn.finished
        self.shown = list(turn.say) + ([] if turn.finished else flow.prompt(self.state, self.ctx))
        return self.shown


def position(state: flow.State) -> tuple[Any, ...]:
    keys = ("step", "exercise", "q", "part")
    return (*(state.get(k) for k in keys), len(state.get("picked") or []))


def count(state: flow.State, key: str) -> int:
    return int(state.get(key) or 0)


def holds(need: str, before: flow.State, player: Player, said: list[Message]) -> bool:
    """The needs of docs/conversations.md that the flow alone decides."""
    after = player.state or {}
    name, _, value = need.partition("=")
    text = " ".join(m.text for m in said)
    rules = {
        "answer_right": lambda: count(after, "right") > count(before, "right"),
        "answer_wrong": lambda: (
            count(after, "answers") > count(before, "answers")
            and count(after, "right") == count(before, "right")
        ),
        "answer_skipped": lambda: count(after, "skipped") > count(before, "skipped"),
        "exercise_judged": lambda: (
            count(after, "answers") > count(before, "answers")
            or count(after, "skipped") > count(before, "skipped")
        ),
        "asks_same_step": lambda: (
            position(before) == position(after)
            and bool(said and (said[-1].buttons or "?" in said[-1].text))
        ),
        "in_exercise": lambda: not player.finished,
        "exercise_step": lambda: after.get("step") == value,
        "offers_buttons": lambda: bool(said and said[-1].buttons),
        "coach_offered": lambda: "coach" in text.lower(),
        "coach_requested": lambda: any(isinstance(e, flow.Escalate) for e in player.effects),
        "not_understood_reply": lambda: "snap ik niet" in text,
    }
    assert name in rules, f"need {need!r} is not decided by the flow alone"
    return bool(rules[name]())


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda c: c.id)
def test_the_flow_does_what_the_conversation_expects(conversation: Conversation) -> None:
    player = Player(conversation.region or "nl_NL")
    for action in conversation.spec.get("start") or []:
        player.act(action)
    for number, turn in enumerate(conversation.spec["turns"], 1):
        before = copy.deepcopy(player.state or {})
        said = player.act({k: v for k, v in turn.items() if k in ("user", "tap")})
        where = f"{conversation.id} turn {number} ({turn.get('user') or turn.get('tap')!r})"
        for need in turn.get("must", []):
            assert holds(need, before, player, said), f"{where}: {need}\n{said}"
        for need in turn.get("must_not", []):
            assert not holds(need, before, player, said), f"{where}: not {need}\n{said}"
        assert not [p for m in said for p in problems(m)], where


def test_the_file_covers_what_it_promises() -> None:
    """Both regions, the scams, the mailboxes, applying, and help after a poor score."""
    assert len(CONVERSATIONS) >= 15
    assert {c.region for c in CONVERSATIONS} == {"nl_NL", "nl_BE"}
    typed = " ".join(str(t.get("user")) for c in CONVERSATIONS for t in c.spec["turns"])
    for word in ("geldezel", "kopie id", "recruiter", "berichtenbox", "ebox", "cv opladen"):
        assert word in typed or any(word in json.dumps(c.spec) for c in CONVERSATIONS), word
    helped = [c for c in CONVERSATIONS if "exercise_step=help" in json.dumps(c.spec)]
    assert {c.region for c in helped} == {"nl_NL", "nl_BE"}
