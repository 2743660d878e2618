"""Turning a feature flow's messages into Rasa messages, and the user's message into an answer.

Shared by the guided conversations that run as forms (Samen Beslissen, the exercises):
buttons carry ``/inform{"answer": ...}`` payloads, images carry their text alternative.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.dialogue import Answer, Message, Turn
from bot.escalation.regional_help import problem_help

# Intents that leave a guided conversation's answers alone: the rules handle them.
ALWAYS_INTERRUPT = {
    "crisis",
    "distress",
    "ask_rules",
    "inform_region",
    "menu",
    "other_language",
    "pause",
    "goodbye",
    "not_understood",
    "bot_challenge",
    "privacy_export",
    "privacy_delete",
    "inform_age",
    "start_exercise",
    "ask_progress",
    "ask_agreement",
    "EXTERNAL_followup",
}
MAX_ANSWER_CODE = 80
MAX_TEXT = 1000


def payload(answer: str) -> str:
    """A button's payload: short, so it fits Telegram's 64 bytes of callback data."""
    return "/inform" + json.dumps({"answer": answer}, separators=(",", ":"), ensure_ascii=False)


def say(dispatcher: CollectingDispatcher, messages: list[Message]) -> None:
    for message in messages:
        buttons = [{"title": b.title, "payload": payload(b.answer)} for b in message.buttons]
        extra: dict[str, Any] = {}
        if message.image:
            # ``alt`` travels as metadata to our channels (the web chat's <img alt>).
            extra = {"image": message.image, "alt": message.alt or message.text}
        dispatcher.utter_message(text=message.text, buttons=buttons, **extra)


def user_answer(tracker: Tracker) -> Answer:
    latest = tracker.latest_message or {}
    text = str(latest.get("text") or "")
    button = None
    for entity in latest.get("entities") or []:
        if entity.get("entity") == "answer" and isinstance(entity.get("value"), str):
            button = entity["value"][:MAX_ANSWER_CODE]
    if text.startswith("/"):  # a button payload, not words
        text = ""
    intent = (latest.get("intent") or {}).get("name")
    return Answer(text=text[:MAX_TEXT], button=button, intent=intent)


def slot_dict(tracker: Tracker, name: str) -> dict[str, Any] | None:
    """A flow's state slot, when it holds a started flow."""
    value = tracker.get_slot(name)
    return value if isinstance(value, dict) and value.get("step") else None


def is_answer(
    tracker: Tracker,
    form: str,
    slot: str,
    ours: Callable[[str], bool],
    also: frozenset[str] = frozenset(),
) -> bool:
    """Whether the latest message answers the form's question, or interrupts it.

    Only a message sent while the form was asking counts, not the one that started it.
    A serious problem interrupts even a typed answer, and so does a wish for a person or a
    question about rules that the intent guard read in the words. A crisis always interrupts,
    but for a typed button title that only the classifier took for one ("kies zelf": the
    safety net saw nothing). The flow's own words (``ours``: "ga terug", a typed button
    title) beat the NLU's guess; ``also`` lists interrupting intents
    that are answers at this step (e.g. "coach" where the coach is one of the choices).
    """
    if (tracker.active_loop or {}).get("name") != form:
        return False
    if tracker.get_slot("requested_slot") != slot:
        return False
    answer = user_answer(tracker)
    if answer.intent in ("crisis", "distress"):
        only_classifier = tracker.latest_message.get("crisis_level") == "classifier"
        return only_classifier and answer.button is None and ours(answer.text)
    if answer.intent == "share_problem" and answer.button is None:
        # A serious problem is heard first, even inside an answer ("weet ik nie, ik heb
        # vooral schulden"). A reason in an answer the step understands ("de eerste, want ik
        # heb kinderen") stays the answer; so does a guess with no problem word in it ("ik
        # ga de VDAB bellen"). Any other problem interrupts.
        # "eerst mijn schulden regelen" where the step asks what comes first is the answer.
        if problem_help().serious(answer.text) and not (
            problem_help().sorts_out(answer.text) and ours(answer.text)
        ):
            return False
        return ours(answer.text) or problem_help().topic(None, answer.text) is None
    if answer.button is None and answer.intent not in also and _guard_heard(tracker, WISHES):
        return False  # "kan ik met me coach prate", "ik heb een vraag over mijn uitkering"
    if answer.button is not None or ours(answer.text) or answer.intent in also:
        return True
    if _control_word(tracker) or _start_command(tracker):
        return False
    return answer.intent not in ALWAYS_INTERRUPT and answer.intent != "request_coach"


# Set by the intent guard for a control word ("help", "menu", "stop"), never a guess.
CONTROL_INTENTS = frozenset({"pause", "menu", "resume", "not_understood", "ask_capabilities"})


# Set by the intent guard from the words themselves: a wish that is never an answer.
WISHES = frozenset({"request_coach", "ask_rules"})


def _control_word(tracker: Tracker) -> bool:
    return _guard_heard(tracker, CONTROL_INTENTS)


def _guard_heard(tracker: Tracker, intents: frozenset[str]) -> bool:
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name")
    return bool(latest.get("intent_guard")) and intent in intents


def _start_command(tracker: Tracker) -> bool:
    """ "/start" on Telegram (the payload /greet) in the middle: greet, then the step again."""
    return str((tracker.latest_message or {}).get("text") or "") == "/greet"


def answer_text(tracker: Tracker) -> str:
    """The form slot's value: the message as sent ("/" for an empty one)."""
    return str(tracker.latest_message.get("text") or "/")[:MAX_TEXT]


# A flow's state (a TypedDict), the context it runs in, and the effects it hands back.
StateT = TypeVar("StateT", bound=Mapping[str, Any])
ContextT = TypeVar("ContextT")
EffectT = TypeVar("EffectT")
_ContextT_contra = TypeVar("_ContextT_contra", contravariant=True)


class GuidedFlow(Protocol[StateT, _ContextT_contra, EffectT]):
    """What a form needs of its flow module (bot.decision.flow, bot.exercises.flow)."""

    def prompt(
        self, state: StateT, ctx: _ContextT_contra, simple: bool = False
    ) -> list[Message]: ...

    def advance(
        self, state: StateT, answer: Answer, ctx: _ContextT_contra
    ) -> Turn[StateT, EffectT]: ...

    def understands(self, state: StateT, text: str, ctx: _ContextT_contra) -> bool: ...


class FlowForm(FormValidationAction, Generic[StateT, ContextT, EffectT]):
    """The validation of a guided conversation that runs as a form with one answer slot.

    ``extract_<answer slot>`` takes the user's message as the answer unless it interrupts
    (:func:`is_answer`); ``validate_<answer slot>`` feeds it to the flow, says what the flow
    says and carries out its effects. A form names its flow module (annotated, so mypy
    checks the module against :class:`GuidedFlow`) and slots, and says what differs: its
    context, the intents that answer, what its effects do.
    """

    guided: GuidedFlow[StateT, ContextT, EffectT]  # the flow module
    state_slot: ClassVar[str]
    answer_slot: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # rasa-sdk finds a slot's extract and validate methods by the slot's name.
        super().__init_subclass__(**kwargs)
        if "answer_slot" in vars(cls):
            setattr(cls, f"extract_{cls.answer_slot}", cls.extract_answer)
            setattr(cls, f"validate_{cls.answer_slot}", cls.validate_answer)

    @abstractmethod
    def context(self, tracker: Tracker) -> ContextT: ...

    def also_answers(self, state: StateT | None) -> frozenset[str]:
        """Interrupting intents that are answers at this step."""
        return frozenset()

    def understands(self, state: StateT | None, text: str, tracker: Tracker) -> bool:
        """Whether the flow takes this typed text as its answer (it beats the NLU's guess).

        Without a state the flow reads an empty one (its states are TypedDicts of optional
        keys).
        """
        return self.guided.understands(state or cast("StateT", {}), text, self.context(tracker))

    @abstractmethod
    async def carry_out(
        self,
        effect: EffectT,
        turn: Turn[StateT, EffectT],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        ctx: ContextT,
    ) -> dict[str, Any]:
        """Do what the flow asked for; the slots it sets."""

    def state_of(self, tracker: Tracker) -> StateT | None:
        # The slot holds the plain dict the flow made: its state type, read back.
        return cast("StateT | None", slot_dict(tracker, self.state_slot))

    async def extract_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Take the user's message as an answer, unless it interrupts the conversation."""
        state = self.state_of(tracker)
        also = self.also_answers(state)

        def ours(text: str) -> bool:
            return self.understands(state, text, tracker)

        if not is_answer(tracker, self.form_name(), self.answer_slot, ours, also):
            return {}
        return {self.answer_slot: answer_text(tracker)}

    async def validate_answer(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if slot_value is None:  # the slot was cleared, not answered
            return {}
        state = self.state_of(tracker)
        if state is None:  # nothing to answer to: end the form quietly
            return {self.answer_slot: "done"}
        ctx = self.context(tracker)
        turn = self.guided.advance(state, user_answer(tracker), ctx)
        say(dispatcher, turn.say)
        slots: dict[str, Any] = {}
        for effect in turn.effects:
            slots.update(await self.carry_out(effect, turn, dispatcher, tracker, ctx))
        return {
            **slots,
            self.state_slot: turn.state,
            self.answer_slot: "done" if turn.finished else None,
        }


class AskFlowAnswer:
    """Ask a guided conversation's current step; after "ik snap het niet" in simpler words.

    A mixin, not an Action: rasa-sdk registers every Action subclass by its name. The
    action is Rasa's ``action_ask_<answer slot>``, the one a form runs to ask for its slot.
    """

    form: ClassVar[type[FlowForm[Any, Any, Any]]]

    def name(self) -> str:
        return f"action_ask_{self.form.answer_slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        form = self.form()
        state = form.state_of(tracker)
        if state is None:
            return []
        simple = user_answer(tracker).intent == "not_understood"
        say(dispatcher, form.guided.prompt(state, form.context(tracker), simple=simple))
        return []
