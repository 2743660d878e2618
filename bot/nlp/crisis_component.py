"""Rasa NLU component: the crisis safety net overrides the classifier's intent.

Placed after DIETClassifier and before FallbackClassifier in config.yml, so a
message that matches a crisis pattern is always `crisis` with confidence 1, in
every form and flow, whatever the model learned.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.escalation.crisis import safety_net

CRISIS = "crisis"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisSafetyNet(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisSafetyNet:
        safety_net()  # load and validate the patterns at start-up, not on a first crisis
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or not safety_net().match(text):
                continue
            crisis = {"name": CRISIS, "confidence": 1.0}
            # Crisis alone: with the classifier's own guesses kept behind it, the
            # FallbackClassifier would call a crisis "ambiguous" when the classifier
            # was sure of something else, and answer "sorry, I don't understand".
            message.set(INTENT, crisis, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [crisis], add_to_output=True)
            message.set("crisis_safety_net", True, add_to_output=True)
        return messages
