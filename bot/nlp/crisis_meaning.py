"""A second opinion for the crisis safety net, from what a message means.

The patterns (data/content/crisis_patterns.yml) catch the ways of saying it we wrote down,
in Dutch and English. A sentence embedding also recognises a phrasing nobody wrote down,
and the same meaning in the other languages the encoder knows ("Artık yaşamak
istemiyorum", "je n'ai plus envie de vivre"): it is compared with the crisis examples of
the training data, for messages in another language. Recall first, but not at any price:
a false alarm asks a stranger whether they think of suicide. The thresholds and what they
cost are measured in docs/nlu.md ("Where else meaning decides").
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from bot.nlp.sentence_encoder import encoder
from bot.nlu_data import NLU_DIR, examples_by_intent

# Another language: the classifier cannot read it, and the net knows only English. Not
# used for Dutch: there "ja ik wil" lies as near "ik wil dood" as crisis phrasings do.
OTHER_LANGUAGE_THRESHOLD = 0.62
CRISIS_INTENT = "crisis"
# Clause ends in the scripts people write here (the Arabic comma and question mark too).
_CLAUSE = re.compile(r"[,.;:!?\n،؟。]+")
# Another language, and the classifier (which reads the encoder too) fears a crisis: the
# line stays only when the meaning agrees this far ("looking for work in a restaurant",
# in Arabic, is 0.26).
CLASSIFIER_AGREES = 0.45


def _crisis_examples() -> list[str]:
    found = examples_by_intent(sorted(NLU_DIR.glob("*.yml"))).get(CRISIS_INTENT, [])
    if not found:
        raise ValueError("no crisis examples in data/nlu: nothing to compare a message with")
    return found


@cache
def _exemplars() -> np.ndarray:
    return encoder().encode(_crisis_examples())


def crisis_similarity(text: str) -> float:
    """Cosine similarity to the nearest crisis example (the vectors are unit length), for
    the message and each of its clauses: "Artık yaşamak istemiyorum, her şey çok zor" is
    0.60 as a whole and 0.72 for its first clause."""
    parts = [text, *(p.strip() for p in _CLAUSE.split(text[:1000]) if len(p.strip()) > 3)]
    vectors = encoder().encode(list(dict.fromkeys(parts)))
    return float(np.max(vectors @ _exemplars().T))


def load() -> None:
    """Encode the examples at start-up, not on a first message."""
    _exemplars()
