"""What the deterministic NLU components after the classifier share.

The crisis safety net, the age statement, the intent guard and the language switch each
overrule the classifier in a way it cannot learn reliably. They train nothing and hold no
state; they check their content files once at start-up, and set an intent the same way:
alone in the ranking, so the FallbackClassifier does not call it ambiguous.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


class IntentOverlay(GraphComponent):
    """Base of the components that overrule the classifier's intent."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentOverlay:
        cls.check_content()
        return cls()

    @classmethod
    def check_content(cls) -> None:
        """Load and validate the component's content at start-up, not on a first message."""

    def process(self, messages: list[Message]) -> list[Message]:
        raise NotImplementedError


def set_intent(message: Message, name: str) -> None:
    """The intent, with confidence 1 and alone in the ranking."""
    found = {"name": name, "confidence": 1.0}
    message.set(INTENT, found, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [found], add_to_output=True)


def drop_intents(message: Message, dropped: set[str | None]) -> None:
    """Drop intents from the ranking; the classifier's next guess, at its own confidence."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in dropped]
    message.set(INTENT, ranking[0] if ranking else {"name": None, "confidence": 0.0}, True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
