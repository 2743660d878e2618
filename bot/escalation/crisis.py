"""Crisis safety net: patterns that catch a crisis even when the classifier does not.

Kept apart from the NLU model on purpose (GUIDE §5): it is deterministic, tuned for
recall, and works the same in every form and flow. The patterns are data
(data/content/crisis_patterns.yml), checked against a schema when loaded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

from bot.config import CONTENT_DIR

PATTERNS_FILE = CONTENT_DIR / "crisis_patterns.yml"

SCHEMA = {
    "type": "object",
    "required": ["version", "spelling", "ignore", "trigger"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "spelling": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["from", "to"],
                "additionalProperties": False,
                "properties": {"from": {"type": "string"}, "to": {"type": "string"}},
            },
        },
        "ignore": {"type": "array", "items": {"type": "string", "minLength": 3}},
        "trigger": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 3}},
    },
}

_REPEATS = re.compile(r"(\w)\1{2,}")
_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s'-]")


@dataclass(frozen=True)
class SafetyNet:
    spelling: tuple[tuple[re.Pattern[str], str], ...]
    ignore: tuple[re.Pattern[str], ...]
    trigger: tuple[re.Pattern[str], ...]

    def match(self, text: str) -> str | None:
        """The pattern that fired, or None. Ordinary idioms are removed first."""
        cleaned = f" {normalise(text)} "
        for pattern, replacement in self.spelling:
            cleaned = pattern.sub(replacement, cleaned)
        for pattern in self.ignore:
            cleaned = pattern.sub(" ", cleaned)
        for pattern in self.trigger:
            if pattern.search(cleaned):
                return pattern.pattern
        return None


def normalise(text: str) -> str:
    """Lower case, no accents, no letter runs ("dooood"), single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _PUNCTUATION.sub(" ", plain.replace("’", "'"))
    return _SPACES.sub(" ", _REPEATS.sub(r"\1\1", plain)).strip()


def load(path: Path = PATTERNS_FILE) -> SafetyNet:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    return SafetyNet(
        spelling=tuple((re.compile(r["from"]), r["to"]) for r in data["spelling"]),
        ignore=tuple(re.compile(p) for p in data["ignore"]),
        trigger=tuple(re.compile(p) for p in data["trigger"]),
    )


@lru_cache(maxsize=1)
def safety_net() -> SafetyNet:
    return load()


def is_crisis(text: str) -> bool:
    return safety_net().match(text) is not None
