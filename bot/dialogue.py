"""What a guided conversation says and hears, shared by Samen Beslissen and the exercises.

The feature flows (bot/decision/flow.py, bot/exercises/flow.py) speak in these small
types and stay free of Rasa; actions/forms.py turns them into Rasa messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

StateT = TypeVar("StateT")
EffectT = TypeVar("EffectT")


@dataclass(frozen=True)
class Button:
    title: str
    answer: str  # what comes back when pressed: an answer code, or words to parse


@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[Button, ...] = ()
    # An image URL, always with its text alternative (``alt``); ``text`` says it too.
    image: str | None = None
    alt: str | None = None


@dataclass(frozen=True)
class Answer:
    """What the user sent: the code of one of our buttons, or typed text (and its NLU intent)."""

    text: str = ""
    button: str | None = None
    intent: str | None = None


@dataclass(frozen=True)
class Escalate:
    """An effect of either flow: bring in a coach, for this reason."""

    reason: str


@dataclass
class Turn(Generic[StateT, EffectT]):
    """One answer taken: the new state, what to say, and what the assistant must do.

    The effects (store something, bring in a coach) are carried out by the actions, so a
    flow stays free of Rasa and never touches the database itself.
    """

    state: StateT
    say: list[Message] = field(default_factory=list)
    effects: list[EffectT] = field(default_factory=list)
    finished: bool = False
