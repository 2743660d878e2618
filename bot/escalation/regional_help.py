"""Help per region, by topic: problems that block work, and questions we cannot answer.

- data/content/problem_help.yml: a problem (debts, housing, violence...) is acknowledged
  with the help that exists where the user lives, wherever it is said, before a coach is
  brought in.
- data/content/referrals.yml: a factual question about rules (benefits, allowances,
  contracts) gets an honest referral to the office that knows, never a guess.

The topic comes from the classifier's entity when there is one, else from the topic
keywords in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.config import CONTENT_DIR, REGIONS
from bot.content import KEYWORDS_SCHEMA, read_yaml, text_schema
from bot.decision.understand import match_terms, normalise

PROBLEM_HELP_FILE = CONTENT_DIR / "problem_help.yml"
# Problems heard before an answer, even when they come as its reason (a benefit sanction too).
# Health and care often are the reason for a choice ("want ik heb kinderen", "rugpijn").
SERIOUS = frozenset({"schulden", "wonen", "uitkering", "geweld", "verslaving"})
REFERRALS_FILE = CONTENT_DIR / "referrals.yml"

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "topics"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "topics": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["keywords", "text"],
                "additionalProperties": False,
                "properties": {
                    "keywords": KEYWORDS_SCHEMA,
                    "text": {
                        "type": "object",
                        "required": list(REGIONS),
                        "additionalProperties": False,
                        "properties": {region: text_schema(200) for region in REGIONS},
                    },
                },
            },
        },
    },
}


_KEEPS_BENEFIT = re.compile(
    r"\b(hou|houd|behoud|behou|blijf|krijg)( \w+){0,2} (mijn|m'n|mn|me|de) (uitkering|bijstand"
    r"|ww|leefloon|dop)( \w+)?( (houden|behouden|krijgen))?\b"
    r"|\b(mijn|m'n|mn|de) (uitkering|bijstand|ww|leefloon|dop) (houden|behouden|blijven krijgen)\b"
)
_SORT_OUT = re.compile(
    r"\b(eerst|wil|wou|willen|moet)\b( \w+){0,4} (regelen|oplossen|aanpakken|afbetalen|afbetaald"
    r"|op orde (brengen|krijgen|hebben)|op een rij zetten|saneren)\b"
)


@dataclass(frozen=True)
class RegionalHelp:
    keywords: tuple[tuple[str, tuple[str, ...]], ...]
    texts: dict[str, dict[str, str]]

    def topic(self, entity: str | None, text: str) -> str | None:
        """The topic: the classifier's entity if we know it, else the first keyword typed."""
        if entity in self.texts:
            return entity
        found = match_terms(text, self.keywords)
        return found[0] if found else None

    def text(self, topic: str, region: str) -> str:
        return self.texts[topic][region]

    def sorts_out(self, text: str) -> bool:
        """ "eerst mijn schulden regelen": a wish to deal with a problem, not a cry for help."""
        return bool(_SORT_OUT.search(normalise(text[:500])))

    def serious(self, text: str) -> bool:
        """Whether the text names a problem that comes before any answer (debts, housing...).

        Keeping a benefit is a reason, no problem: "de eerste, want dan hou ik mijn uitkering".
        """
        found = match_terms(_KEEPS_BENEFIT.sub(" ", normalise(text[:500])), self.keywords)
        return any(topic in SERIOUS for topic in found)


def load(path: Path) -> RegionalHelp:
    topics = read_yaml(path, SCHEMA)["topics"]
    return RegionalHelp(
        keywords=tuple((name, tuple(t["keywords"])) for name, t in topics.items()),
        texts={name: dict(t["text"]) for name, t in topics.items()},
    )


@lru_cache(maxsize=1)
def problem_help() -> RegionalHelp:
    return load(PROBLEM_HELP_FILE)


@lru_cache(maxsize=1)
def referrals() -> RegionalHelp:
    return load(REFERRALS_FILE)
