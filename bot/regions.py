"""Recognise the user's region (Nederland / Vlaanderen) in typed text or a start parameter."""

from __future__ import annotations

import re
import unicodedata
from difflib import get_close_matches

from bot.config import REGIONS

_BELGIUM = {
    "vlaanderen",
    "belgie",
    "belgium",
    "be",
    "vl",
    "vlaams",
    "vlaamse",
    "nl_be",
    "nl-be",
    "brussel",
    "antwerpen",
    "gent",
    "brugge",
    "leuven",
    "hasselt",
    "mechelen",
    "kortrijk",
    "genk",
    "oostende",
    "aalst",
    "vdab",
    "itsme",
}
_NETHERLANDS = {
    "nederland",
    "nl",
    "holland",
    "nl_nl",
    "nl-nl",
    "amsterdam",
    "rotterdam",
    "utrecht",
    "den haag",
    "eindhoven",
    "groningen",
    "tilburg",
    "almere",
    "breda",
    "nijmegen",
    "arnhem",
    "zwolle",
    "uwv",
    "digid",
}


# A typo is read as a place name only in words this long, this close ("rotterdm").
MIN_TYPO_LENGTH = 6
TYPO_CUTOFF = 0.85


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text.lower()).strip()


def parse_region(text: str | None) -> str | None:
    """Return ``nl_NL``, ``nl_BE`` or ``None`` when the text names no region clearly.

    A typo in a longer name counts ("rotterdm", "antwerpn"). When both countries are named,
    the first clause decides: "nederland, maar ik werk soms in belgie" is Nederland.
    """
    if not text:
        return None
    text = _normalise(text)
    if text in (region.lower() for region in REGIONS):
        return next(r for r in REGIONS if r.lower() == text)
    found = _regions_named(text)
    if len(found) == 1:
        return found.pop()
    if found:
        first = re.split(r"[,.;!?]| maar | want | en ik ", text, maxsplit=1)[0]
        named_first = _regions_named(first)
        return named_first.pop() if len(named_first) == 1 else None
    return None


_LONG_NAMES = sorted(n for n in _BELGIUM | _NETHERLANDS if len(n) >= MIN_TYPO_LENGTH)


def _regions_named(text: str) -> set[str]:
    words = set(re.findall(r"[a-z_\-]+", text))
    phrases = words | {text}
    if "den haag" in text:
        phrases.add("den haag")
    for word in words - _BELGIUM - _NETHERLANDS:
        if len(word) >= MIN_TYPO_LENGTH:
            close = get_close_matches(word, _LONG_NAMES, n=1, cutoff=TYPO_CUTOFF)
            # "nederlandse les" is about a language, "rotterdammer" about a person
            phrases.update(name for name in close if not word.startswith(name))
    found = set()
    if phrases & _BELGIUM:
        found.add("nl_BE")
    if phrases & _NETHERLANDS:
        found.add("nl_NL")
    return found


# "ik ben verhuisd naar Antwerpen", "ik woon nu in Gent", "we zitten sinds kort in Breda":
# where the user lives now. Not "ik kom uit Gent" (where they are from) and not a plan.
_LIVES_NOW = re.compile(
    r"(\b(ik|k|we|wij)\b( \w+){0,2}? (verhuisd|verhuist|woon|wonen|woonachtig|zit|zitten)"
    r"|\b(woon|wonen|zit|zitten) (ik|we|wij))\b"
    r"( (nu|net|pas|sinds kort|tegenwoordig|inmiddels|intussen|nu al|al|sinds vorige \w+)){0,2}"
    r" (naar|in)\b (?P<place>.+)$"
)


def stated_region(text: str | None) -> str | None:
    """The region a user says they live in now ("ik ben verhuisd naar Antwerpen"), or None."""
    if not text:
        return None
    match = _LIVES_NOW.search(_normalise(text[:300]))
    if not match or "geboren" in match.group("place"):
        return None
    return parse_region(match.group("place"))
