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
import yaml

from bot.config import PROJECT_ROOT
from bot.nlp.sentence_encoder import encoder

# Another language: the classifier cannot read it, and the net knows only English. Not
# used for Dutch: there "ja ik wil" lies as near "ik wil dood" as crisis phrasings do.
OTHER_LANGUAGE_THRESHOLD = 0.62
CRISIS_INTENT = "crisis"
_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# Clause ends in the scripts people write here (the Arabic comma and question mark too).
_CLAUSE = re.compile(r"[,.;:!?\n،؟。]+")
# Another language, and the classifier (which reads the encoder too) fears a crisis: the
# line stays only when the meaning agrees this far ("looking for work in a restaurant",
# in Arabic, is 0.26).
CLASSIFIER_AGREES = 0.45


def _crisis_examples() -> list[str]:
    found: list[str] = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if block.get("intent") == CRISIS_INTENT:
                lines = [line.strip()[2:] for line in block["examples"].splitlines()]
                found += [_ANNOTATION.sub(r"\1", line) for line in lines if line]
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
