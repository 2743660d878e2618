"""Crisis safety net: patterns that catch a crisis even when the classifier does not.

Kept apart from the NLU model on purpose (GUIDE §5): it is deterministic, tuned for
recall, and works the same in every form and flow. The patterns are data
(data/content/crisis_patterns.yml), checked against a schema when loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import jsonschema
import yaml

from bot.config import CONTENT_DIR
from bot.text.normalise import normalise_for_patterns

PATTERNS_FILE = CONTENT_DIR / "crisis_patterns.yml"

SCHEMA = {
    "type": "object",
    "required": ["version", "spelling", "ignore", "trigger", "distress"],
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
        "distress": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 3}},
    },
}

# Explicit thoughts, plans or danger get the crisis protocol at once; vague hopelessness a
# direct, gentle question together with the line (GUIDE §5: do not over-refer).
Level = Literal["crisis", "distress"]


@dataclass(frozen=True)
class SafetyNet:
    spelling: tuple[tuple[re.Pattern[str], str], ...]
    ignore: tuple[re.Pattern[str], ...]
    trigger: tuple[re.Pattern[str], ...]
    distress: tuple[re.Pattern[str], ...]

    def _spelled(self, text: str) -> str:
        cleaned = f" {normalise_for_patterns(text)} "
        for pattern, replacement in self.spelling:
            cleaned = pattern.sub(replacement, cleaned)
        return cleaned

    def _without_idioms(self, spelled: str) -> str:
        for pattern in self.ignore:
            spelled = pattern.sub(" ", spelled)
        return spelled

    def match(self, text: str) -> str | None:
        """The crisis pattern that fired, or None. Ordinary idioms are removed first."""
        return _first(self.trigger, self._without_idioms(self._spelled(text)))

    def level(self, text: str) -> Level | None:
        """Which rung of the ladder the text is on: explicit crisis, vague distress, or None."""
        return self._level(self._without_idioms(self._spelled(text)))

    def only_idiom(self, text: str) -> bool:
        """Whether the text holds an idiom ("ik schrok me dood") and nothing that fires."""
        spelled = self._spelled(text)
        cleaned = self._without_idioms(spelled)
        return cleaned != spelled and self._level(cleaned) is None

    def _level(self, cleaned: str) -> Level | None:
        if _first(self.trigger, cleaned):
            return "crisis"
        return "distress" if _first(self.distress, cleaned) else None


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> str | None:
    return next((p.pattern for p in patterns if p.search(text)), None)


def load(path: Path = PATTERNS_FILE) -> SafetyNet:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    return SafetyNet(
        spelling=tuple((re.compile(r["from"]), r["to"]) for r in data["spelling"]),
        ignore=tuple(re.compile(p) for p in data["ignore"]),
        trigger=tuple(re.compile(p) for p in data["trigger"]),
        distress=tuple(re.compile(p) for p in data["distress"]),
    )


@lru_cache(maxsize=1)
def safety_net() -> SafetyNet:
    return load()


def is_crisis(text: str) -> bool:
    return safety_net().match(text) is not None
