"""Typed text brought to one plain form before words or patterns are matched.

Two forms, because two kinds of matcher read them and each was tuned on its own form:
:func:`normalise` for the keyword matching of the guided conversations and the privacy
answers, :func:`normalise_for_patterns` for the regex lists in data/content (crisis
patterns, youth signals), which rely on apostrophes, hyphens and squeezed letter runs.
"""

from __future__ import annotations

import re
import unicodedata

_REPEATS = re.compile(r"(\w)\1{2,}")
_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s'-]")


def normalise(text: str) -> str:
    """Lowercase letters and digits only, accents stripped: "Oké, ik wíl!" -> "oke ik wil".

    Apostrophes vanish without a space, so "m'n" and "collega's" read as "mn" and "collegas",
    the way people also type them.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’‘`´]", "", text)
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def normalise_for_patterns(text: str) -> str:
    """Lower case, no accents, no letter runs ("dooood"), single spaces; keeps ' and -."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _PUNCTUATION.sub(" ", plain.replace("’", "'"))
    return _SPACES.sub(" ", _REPEATS.sub(r"\1\1", plain)).strip()
