"""The digital consent age: a stated age, signs of youth, and who may give consent.

Consent for storing progress may only come from the user at 16 in the Netherlands
and at 13 in Flanders (AVG art. 8, GUIDE §6). We never ask everybody's age: we ask
it when the user seems young, from a stated age or from cues people maintain in
data/content/youth_signals.yml. Pure functions, no Rasa: the onboarding form and
the NLU component both use them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.config import CONTENT_DIR
from bot.content import read_yaml
from bot.text.normalise import normalise_for_patterns

CONSENT_AGE = {"nl_NL": 16, "nl_BE": 13}
ADULT = 18
SIGNALS_FILE = CONTENT_DIR / "youth_signals.yml"

# The age question's buttons, the same in both regions; each group lies wholly on one
# side of both consent ages, so a group decides the question in either region.
UNDER_13, FROM_13_TO_15, FROM_16 = "under_13", "13_to_15", "16_plus"
AGE_GROUPS = {UNDER_13: 12, FROM_13_TO_15: 15, FROM_16: 16}  # group -> an age in it

_PATTERNS = {"type": "array", "items": {"type": "string", "minLength": 3}}
SCHEMA = {
    "type": "object",
    "required": ["version", "ignore", "cues"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "ignore": _PATTERNS,
        "cues": {**_PATTERNS, "minItems": 1},
    },
}

_UNITS = ["een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
_TEENS = ["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien"]
_TENS = ["twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig"]


def _number_words() -> dict[str, int]:
    words = {w: i + 1 for i, w in enumerate(_UNITS)}
    words.update({w: i + 10 for i, w in enumerate([*_TEENS, "achttien", "negentien"])})
    for t, tens in enumerate(_TENS, start=2):
        words[tens] = t * 10
        for u, unit in enumerate(_UNITS, start=1):
            words[f"{unit}en{tens}"] = t * 10 + u  # "vijfentwintig", "tweeentwintig"
    return words


NUMBER_WORDS = _number_words()
_NUM = r"(\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_YEARS = r"(?: (?:jaar|jr|jaartjes)(?: (?:oud|jong))?)?"
# "ik ben (pas|bijna) 15 (jaar oud)", "ben 14" at the start, "een meisje van 15".
_STATEMENTS = [
    re.compile(
        r"(?:^|\bik |\bk |^\w+ |\bk)ben (?:ik )?(?:pas |net |nog maar |nog |maar |(bijna) )?"
        + _NUM
        + _YEARS
    ),
    re.compile(r"\bmijn leeftijd is " + _NUM + _YEARS),
    re.compile(r"\b(?:jongen|meisje|meid|gast|jongere|tiener) van " + _NUM + _YEARS),
    re.compile(r"^(?:ik )?" + _NUM + r" (?:jaar|jr)(?: oud)?$"),
]
# What may follow a stated age; anything else makes it a duration or an amount
# ("ik ben 15 minuten te laat", "ik ben 20 jaar werkloos").
_AFTER_AGE = {"en", "maar", "dus", "want", "of", "geworden", "hoor", "ik", "nu", "haha", "lol"}
_BARE_NUMBER = re.compile(r"^" + _NUM + _YEARS + r"$")
_ANY_NUMBER = re.compile(r"\b" + _NUM + r"\b")


def _value(token: str) -> int:
    return int(token) if token.isdigit() else NUMBER_WORDS[token]


def _plausible(age: int) -> int | None:
    return age if 5 <= age <= 120 else None


def stated_age(text: str) -> int | None:
    """The age the user says they are, or None ("ik ben 15 minuten te laat" is none)."""
    cleaned = normalise_for_patterns(text)
    for pattern in _STATEMENTS:
        for match in pattern.finditer(cleaned):
            rest = cleaned[match.end() :].split()
            if rest and rest[0] not in _AFTER_AGE:
                continue
            groups = [g for g in match.groups() if g]
            almost = len(groups) == 2  # "bijna 16" is 15
            return _plausible(_value(groups[-1]) - (1 if almost else 0))
    return None


@dataclass(frozen=True)
class YouthSignals:
    ignore: tuple[re.Pattern[str], ...]
    cues: tuple[re.Pattern[str], ...]

    def match(self, text: str) -> str | None:
        """The cue that fired, or None; phrases adults use too are removed first."""
        cleaned = f" {normalise_for_patterns(text)} "
        for pattern in self.ignore:
            cleaned = pattern.sub(" ", cleaned)
        for pattern in self.cues:
            if pattern.search(cleaned):
                return pattern.pattern
        return None


def load(path: Path = SIGNALS_FILE) -> YouthSignals:
    data = read_yaml(path, SCHEMA)
    return YouthSignals(
        ignore=tuple(re.compile(p) for p in data["ignore"]),
        cues=tuple(re.compile(p) for p in data["cues"]),
    )


@lru_cache(maxsize=1)
def youth_signals() -> YouthSignals:
    return load()


def seems_young(texts: Iterable[str]) -> bool:
    """Whether what the user wrote suggests they are under 18: worth asking the age."""
    for text in texts:
        age = stated_age(text)
        if (age is not None and age < ADULT) or youth_signals().match(text):
            return True
    return False


def consent_age(region: str | None) -> int:
    """The consent age of the region; unknown region: the stricter one."""
    return CONSENT_AGE.get(region or "", max(CONSENT_AGE.values()))


def under_consent_age(age: int | str | None, region: str | None) -> bool:
    """Whether this age (a number or an age group) may not give consent in the region."""
    if isinstance(age, str):
        age = AGE_GROUPS.get(age)
    return age is not None and age < consent_age(region)


def age_group(age: int) -> str:
    return UNDER_13 if age < 13 else FROM_13_TO_15 if age < 16 else FROM_16


def age_group_of(text: str) -> str | None:
    """The age group in an answer to the age question: a button, or typed words."""
    if text in AGE_GROUPS:
        return text
    cleaned = normalise_for_patterns(text)
    age = stated_age(text)
    if age is None and (bare := _BARE_NUMBER.match(cleaned)):
        age = _plausible(_value(bare.group(1)))
    if age is None and (first := _ANY_NUMBER.search(cleaned)):
        number = _value(first.group(1))
        if re.search(r"\b(jonger|onder)\b", cleaned):
            age = number - 1
        elif re.search(r"\b(ouder|boven|plus)\b", cleaned) or "+" in text:
            age = number
        elif len(cleaned.split()) <= 6:  # "ik ben 13, 14 of 15"
            age = _plausible(number)
    if age is None and re.search(r"\b(volwassen|meerderjarig)\b", cleaned):
        return FROM_16
    return age_group(age) if age is not None and age >= 0 else None
