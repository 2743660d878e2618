"""Messages in another language: which one, and the short answer in it.

Precision over recall: a Dutch or Flemish message taken for another language would
answer a Dutch speaker in a language they may not read, so a message switches only
when it is long enough, the detector is sure, and it has no Dutch word in it. The
figures behind the thresholds are in docs/nlu.md ("Other languages") and come from
bench/languages.py. The answers are content (data/content/languages.yml).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.config import CONTENT_DIR
from bot.content import read_yaml, text_schema

CONTENT_FILE = CONTENT_DIR / "languages.yml"

# The languages we answer in (ISO 639-1), each with a text in the content file.
ANSWERED: dict[str, Language] = {
    "en": Language.ENGLISH,
    "ar": Language.ARABIC,
    "tr": Language.TURKISH,
    "uk": Language.UKRAINIAN,
    "ru": Language.RUSSIAN,
    "pl": Language.POLISH,
    "fr": Language.FRENCH,
    "de": Language.GERMAN,
    "es": Language.SPANISH,
}
SUPPORTED = tuple(ANSWERED)
# Also loaded, never answered: Dutch and Afrikaans (its look-alike), and languages
# people here write that we have no text for, so that they are not taken for one we
# answer in (Persian for Arabic, Portuguese and Italian for Spanish, Bulgarian for
# Russian). Tigrinya has no model; its script is neither Latin, Arabic nor Cyrillic.
DUTCHLIKE = (Language.DUTCH, Language.AFRIKAANS)
UNANSWERED = (
    Language.PERSIAN,
    Language.PORTUGUESE,
    Language.ITALIAN,
    Language.ROMANIAN,
    Language.SOMALI,
    Language.BULGARIAN,
)

# Thresholds, measured with bench/languages.py (docs/nlu.md). The detector's
# confidence values add up to 1 over the languages it knows.
MIN_CONFIDENCE = 0.5
# Dutch and Afrikaans together may keep at most this much: "is dit automatisch" is
# German at 0.59, but Dutch keeps 0.35; English questions keep 0.22 at most.
MAX_DUTCH = 0.25
# Latin script is shared with Dutch: a message needs some length before the detector
# can tell; "ok thanks" or "merci beaucoup" are Dutch chat.
MIN_LATIN_LETTERS = 15
MIN_LATIN_WORDS = 3
# Arabic or Cyrillic script is never Dutch: one word is enough to answer.
MIN_OTHER_LETTERS = 4
# Words that only Dutch (and Flemish) has among the languages above: one of them in a
# message means the person writes some Dutch, and then the assistant stays in Dutch.
# Not here on purpose: words other languages share ("de", "en", "je", "te", "is",
# "als", "nie", "ni", "ben", "dan", "met", "we", "me").
DUTCH_WORDS = frozenset(
    """
    ik het een niet wil wilt werk werken zoek zoeken mijn mn jij jou jouw graag hoe wat waar
    wanneer waarom voor naar ook maar nog heb hebt heeft zijn kun kunt kunnen moet moeten mag
    geen nee neen bedankt dankjewel dankje hoi doei goed goeie niks niets iets iemand mij
    jullie uit bij wel omdat toch gij zijt allee amai goesting alsjeblieft alstublieft aub ff
    gwn zeg snap begrijp spreek praten oefenen kies
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_URL = re.compile(r"\S+://\S+|www\.\S+|\S+@\S+")
_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "languages"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "languages": {
            "type": "object",
            "required": list(SUPPORTED),
            "additionalProperties": False,
            "patternProperties": {
                "^[a-z]{2}$": {
                    "type": "object",
                    "required": ["name", "text", "coach_asked", "buttons"],
                    "additionalProperties": False,
                    "properties": {
                        "name": text_schema(30),
                        "text": text_schema(400),
                        "coach_asked": text_schema(200),
                        "buttons": {
                            "type": "object",
                            "required": ["coach", "dutch"],
                            "additionalProperties": False,
                            "properties": {"coach": text_schema(40), "dutch": text_schema(40)},
                        },
                    },
                }
            },
        },
    },
}


@dataclass(frozen=True)
class Answer:
    code: str
    text: str
    coach_asked: str
    buttons: list[dict[str, str]]


def dutch_words_in(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if word in DUTCH_WORDS}


def _latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def build_detector(low_accuracy: bool = False) -> LanguageDetector:
    """Only the languages that matter here: fewer look-alikes, less memory.

    High accuracy (the default) costs about 450 MB and 10 s to load; low accuracy
    (trigrams only) about 30 MB, but it calls real Dutch sentences English with
    confidence 1 (docs/nlu.md), so it is for measuring only.
    """
    builder = LanguageDetectorBuilder.from_languages(
        *ANSWERED.values(), *DUTCHLIKE, *UNANSWERED
    ).with_preloaded_language_models()
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return build_detector()


_CODES = {language: code for code, language in ANSWERED.items()}


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the language we answer in, or None for Dutch or unsure."""
    text = _URL.sub(" ", text or "").strip()
    if not text or text.startswith("/"):
        return None
    words = _WORD.findall(text)
    letters = [char for word in words for char in word]
    if not letters or dutch_words_in(text):
        return None
    latin = sum(_latin(char) for char in letters)
    if latin / len(letters) > 0.2:
        if latin < MIN_LATIN_LETTERS or len(words) < MIN_LATIN_WORDS:
            return None
    elif len(letters) < MIN_OTHER_LETTERS:
        return None
    values = {v.language: v.value for v in detector().compute_language_confidence_values(text)}
    if not values:
        return None
    best = max(values, key=values.__getitem__)
    dutch = sum(values.get(language, 0.0) for language in DUTCHLIKE)
    if values[best] < MIN_CONFIDENCE or dutch > MAX_DUTCH:
        return None
    return _CODES.get(best)


def load(path: Path = CONTENT_FILE) -> dict[str, Answer]:
    data = read_yaml(path, _SCHEMA)
    return {
        code: Answer(
            code=code,
            text=entry["text"].strip(),
            coach_asked=entry["coach_asked"].strip(),
            buttons=[
                {"title": entry["buttons"]["coach"], "payload": "/request_coach"},
                {"title": entry["buttons"]["dutch"], "payload": "/greet"},
            ],
        )
        for code, entry in data["languages"].items()
    }


@lru_cache(maxsize=1)
def answers() -> dict[str, Answer]:
    return load()


def answer(code: str) -> Answer:
    return answers()[code]
