"""Mask the names of third parties in the free text a job-seeker types (GUIDE §6).

In the decision journey people write "ik bel Marco van de bakkerij" or "mijn zus
Fatima". That text is kept as long as they consent, and a coach reads it: the other
person never agreed to that. What matters for the decision is the role ("je zus",
"iemand van de bakkerij"), so the name becomes ``[naam]``, like ``[telefoon]``.

No model recognises names here; a few rules do, with the lists in
data/content/names.yml (coaches can add names) and a Dutch word list (the lemma
table that spaCy's lookups ship) to tell a name from an ordinary word:

- after a role word: "mijn zus Fatima", "buurman jan", "mn vriendin samira";
- after a title, with a surname's particles: "meneer De Vries", "mevrouw van dijk";
- a first name from the list, in any case and anywhere: "bel marco morgen";
- a word with a capital inside a sentence that is no Dutch word and no known
  organisation, place or day: "ik ga met Aynur";
- a name goes on with a surname: "Fatima El Amrani" is one ``[naam]``.

A false positive hides a word the coach needed, so ordinary words win where it is
unclear: a name that is also a Dutch word ("roos", "elke", "wil") needs a capital or
a role word before it, a capital at the start of a sentence says nothing, and a
capital after "de" or "het" is a thing ("bij de Action"). What this misses is in
docs/privacy.md ("Names in free text").
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from bot.config import CONTENT_DIR
from bot.content import duplicates, read_yaml

log = logging.getLogger(__name__)

NAME_TAG = "[naam]"
NAMES_FILE = CONTENT_DIR / "names.yml"

_WORD_LIST: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {"type": "string", "minLength": 1, "maxLength": 40, "pattern": r"^\S(?:.*\S)?$"},
}
# The plain word lists of the file, beside its names grouped by origin.
_LISTS = ("also_words", "small_words", "role_words", "titles", "particles", "known", "words")
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "names", *_LISTS],
    "properties": {
        "version": {"const": 1},
        "names": {"type": "object", "minProperties": 1, "additionalProperties": _WORD_LIST},
        **{key: _WORD_LIST for key in _LISTS},
    },
}

# A placeholder another mask put in ("[telefoon]"), or a word: letters, joined by "-".
TOKEN = re.compile(r"\[[^\[\]\s]{1,40}\]|[^\W\d_]+(?:-[^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?:;\n]")
# "dhr. Jansen": the dot after these ends no sentence.
ABBREVIATIONS = frozenset({"dhr", "mevr", "mw", "dr", "mr", "bv", "ca", "nr", "tel", "st"})
# A capital after these is a thing or a place, not a person: "bij de Action".
DETERMINERS = frozenset(
    {"de", "het", "een", "die", "deze", "dat", "dit", "t", "n", "ne", "nen", "den", "der"}
    | {"mijn", "mn", "m", "je", "jouw", "zijn", "zn", "z", "haar", "ons", "onze", "hun", "uw"}
)
# "mevrouw van de gemeente" is no surname; "meneer van Dijk" and "meneer de Vries" are.
NOT_SURNAME_STARTS = (("van", "de"), ("van", "het"), ("van", "t"))


class NamesFileError(ValueError):
    """The names file breaks a rule the schema cannot say."""


@dataclass(frozen=True)
class NameLists:
    names: frozenset[str]
    also_words: frozenset[str]
    small_words: frozenset[str]
    role_words: frozenset[str]
    titles: frozenset[str]
    particles: frozenset[str]
    known: tuple[tuple[str, ...], ...]  # phrases as words, longest first
    words: frozenset[str]
    known_words: frozenset[str]  # the known phrases of one word, also inside "Noord-Brabant"

    @property
    def known_by_first(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """The known phrases by their first word, longest first."""
        return _by_first(self.known)


def _words_of(phrase: str) -> tuple[str, ...]:
    return tuple(m.group().lower() for m in TOKEN.finditer(phrase))


@lru_cache(maxsize=4)
def _by_first(phrases: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        grouped.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(group) for first, group in grouped.items()}


def load_name_lists(path: Path = NAMES_FILE) -> NameLists:
    """The names file, checked: lowercase, no doubles, a name in one tier only.

    A name that is also listed as a known word or a plain word would be masked by one
    rule and kept by another; the file must say which it is.
    """
    data = read_yaml(path, SCHEMA)
    tiers: dict[str, list[str]] = {
        "names": [name for group in data["names"].values() for name in group],
        **{key: list(data[key]) for key in SCHEMA["properties"] if key not in ("version", "names")},
    }
    for key, values in tiers.items():
        upper = [value for value in values if value != value.lower()]
        if upper:
            raise NamesFileError(f"{key}: write these in lowercase: {', '.join(upper)}")
        if twice := duplicates(values):
            raise NamesFileError(f"{key}: listed twice: {', '.join(twice)}")
    names = set(tiers["names"])
    for one, other in (("names", "also_words"), ("names", "small_words")):
        if both := sorted(set(tiers[one]) & set(tiers[other])):
            raise NamesFileError(f"in {one} and in {other}: {', '.join(both)}")
    if twice := sorted(set(tiers["also_words"]) & set(tiers["small_words"])):
        raise NamesFileError(f"in also_words and in small_words: {', '.join(twice)}")
    every_name = names | set(tiers["also_words"]) | set(tiers["small_words"])
    for key in ("known", "words"):
        if both := sorted(every_name & set(tiers[key])):
            raise NamesFileError(f"both a name and in {key}: {', '.join(both)}")
    known = sorted({_words_of(p) for p in tiers["known"]} - {()}, key=len, reverse=True)
    return NameLists(
        names=frozenset(names),
        also_words=frozenset(tiers["also_words"]),
        small_words=frozenset(tiers["small_words"]),
        role_words=frozenset(tiers["role_words"]),
        titles=frozenset(tiers["titles"]),
        particles=frozenset(tiers["particles"]),
        known=tuple(known),
        words=frozenset(tiers["words"]),
        known_words=frozenset(phrase[0] for phrase in known if len(phrase) == 1),
    )


@lru_cache(maxsize=1)
def name_lists() -> NameLists:
    return load_name_lists()


class Lexicon:
    """A large set of words kept as sorted hashes: 8 bytes a word instead of about 80.

    Built once per process from strings, so Python's own (salted) hash is stable for
    its lifetime; a collision would only keep a name unmasked once in 10^13 words.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self._hashes = array("q", sorted({hash(word) for word in words}))

    def __contains__(self, word: object) -> bool:
        key = hash(word)
        i = bisect_left(self._hashes, key)
        return i < len(self._hashes) and self._hashes[i] == key

    def __len__(self) -> int:
        return len(self._hashes)


@lru_cache(maxsize=1)
def dutch_lexicon() -> Lexicon:
    """Dutch word forms and their lemmas from spacy-lookups-data (about 320,000).

    Missing, every capitalised word inside a sentence counts as a name: more is
    masked, never less.
    """
    try:
        table = resources.files("spacy_lookups_data") / "data" / "nl_lemma_lookup.json.gz"
        with table.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as unpacked:
            forms: dict[str, str] = json.load(unpacked)
    except (ImportError, OSError, ValueError) as error:
        log.warning("No Dutch word list for name masking (%s): more words count as names", error)
        return Lexicon(())
    return Lexicon(w.lower() for pair in forms.items() for w in pair)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    low: str
    placeholder: bool  # or a code: never a name, and never part of one
    sentence_start: bool

    @property
    def capital(self) -> bool:
        return self.text[0].isupper()

    @property
    def acronym(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()


def tokens(text: str) -> list[Token]:
    """Words and placeholders, each knowing whether a sentence starts with it."""
    found: list[Token] = []
    for match in TOKEN.finditer(text):
        word = match.group()
        before = found[-1] if found else None
        gap = text[before.end : match.start()] if before else ""
        starts = before is None or (
            SENTENCE_END.search(gap) is not None
            and not (before.low in ABBREVIATIONS and gap.strip() == ".")
        )
        # A word glued to digits or "_" is part of a code ("Zwanenbloem3f", "coach_ill"),
        # a single letter an initial or a typo: neither is a name to mask on its own.
        around = text[match.start() - 1 : match.start()] + text[match.end() : match.end() + 1]
        code = len(word) < 2 or any(c.isdigit() or c == "_" for c in around)
        placeholder = word.startswith("[") or code
        found.append(Token(match.start(), match.end(), word, word.lower(), placeholder, starts))
    return found


VOWELS = "aeiou"


def word_forms(low: str) -> set[str]:
    """The word and the forms a dictionary lists it under: "woon" -> "wonen", "goede" -> "goed".

    The lemma table lists inflected forms and their lemmas, but not every form: not the
    stem "ik woon", not always "goede" or "afspraken". A few Dutch spelling rules
    (vowel doubling, consonant doubling, f/v and s/z) give the candidates.
    """
    bases = {low}
    if low.startswith("ge") and len(low) > 5:  # "gedaan", "gevonden"
        bases.add(low[2:])
    for base in list(bases):
        for suffix in ("en", "e", "s", "t", "d", "n"):
            if base.endswith(suffix) and len(base) - len(suffix) >= 2:
                bases.add(base[: -len(suffix)])
    forms = set(bases)
    for base in bases:
        last = base[-1]
        soft = {"f": "v", "s": "z"}.get(last, last)
        forms |= {base + "en", base + "n", base + last + "en", base[:-1] + soft + "en"}
        if len(base) >= 3 and base[-2] == base[-3] and base[-2] in VOWELS:  # woon -> wonen
            single = base[:-3] + base[-2]
            forms |= {single + last + "en", single + soft + "en"}
        if len(base) >= 3 and base[-2] in VOWELS and base[-3] not in VOWELS:  # afsprak -> afspraak
            forms.add(base[:-1] + base[-2] + last)
        if len(base) >= 3 and base[-1] == base[-2] and base[-1] not in VOWELS:  # zitt -> zit
            forms.add(base[:-1])
    return forms


class _Masker:
    """One text's tokens and the rules; ``spans()`` says where the names are."""

    def __init__(self, text: str, lists: NameLists, lexicon: Lexicon) -> None:
        self.lists = lists
        self.lexicon = lexicon
        self.toks = tokens(text)
        self.protected = self._known_phrases()
        inside = [t for t in self.toks if not t.placeholder and not t.sentence_start]
        capitals = sum(t.capital for t in inside)
        lower = any(c.islower() for c in text)
        # ALL CAPS or Every Word Capitalised: a capital tells nothing then.
        self.capitals_tell = lower and not (len(inside) >= 3 and capitals >= 0.8 * len(inside))

    def _known_phrases(self) -> set[int]:
        """Token positions inside a known organisation, place or day ("Albert Heijn")."""
        lows = [t.low for t in self.toks]
        protected: set[int] = set()
        for i, low in enumerate(lows):
            for phrase in self.lists.known_by_first.get(low, ()):
                if tuple(lows[i : i + len(phrase)]) == phrase:
                    protected.update(range(i, i + len(phrase)))
                    break
        return protected

    # -- what a word is

    def dutch(self, low: str) -> bool:
        """An ordinary word: listed, in the lexicon, a compound of two, or all parts so."""
        if "-" in low:
            return all(self.dutch(part) for part in low.split("-") if part)
        if low in self.lists.words or low in self.lists.known_words:
            return True
        return any(form in self.lexicon for form in word_forms(low)) or self._compound(low)

    def _compound(self, low: str) -> bool:
        """ "klantmanager", "werkervaringsplek": two known words, maybe joined by s or e."""
        for cut in range(3, len(low) - 2):
            head, tail = low[:cut], low[cut:]
            if tail not in self.lexicon:
                continue
            if head in self.lexicon or (
                head[-1] in "se" and len(head) > 3 and head[:-1] in self.lexicon
            ):
                return True
        return False

    def listed_name(self, low: str) -> bool:
        parts = low.split("-")
        return any(part in self.lists.names for part in parts)

    def ordinary(self, tok: Token) -> bool:
        """A Dutch word, or parts that each are one, known or an acronym ("WIA-uitkering")."""
        if self.dutch(tok.low):
            return True
        parts = tok.text.split("-")
        return len(parts) > 1 and all(
            (len(part) > 1 and part.isupper()) or self.dutch(part.lower()) for part in parts
        )

    def capital(self, tok: Token) -> bool:
        return self.capitals_tell and tok.capital and not tok.acronym

    def usable(self, i: int) -> bool:
        return 0 <= i < len(self.toks) and not self.toks[i].placeholder and i not in self.protected

    # -- the rules

    def spans(self) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        i = 0
        while i < len(self.toks):
            end = self._name_at(i) if self.usable(i) else None
            if end is None:
                i += 1
                continue
            found.append((self.toks[i].start, self.toks[end - 1].end))
            i = end
        return found

    def _name_at(self, i: int) -> int | None:
        """Where the name that starts at token i ends (exclusive), or None."""
        tok = self.toks[i]
        prev = self.toks[i - 1] if i > 0 and not tok.sentence_start else None
        if prev is not None and not prev.placeholder:
            if prev.low in self.lists.titles and (end := self._after_title(i)) is not None:
                return end
            if prev.low in self.lists.role_words and self._named_after_role(tok):
                return self._surname(i + 1)
        if self._named_anywhere(tok, prev):
            return self._surname(i + 1)
        return None

    def _named_after_role(self, tok: Token) -> bool:
        """ "mijn zus Fatima", "mn vriendin samira", "mijn oom Ben"; not "mijn zus helpt"."""
        low = tok.low
        if self.listed_name(low) or low in self.lists.also_words:
            return True
        if low in self.lists.small_words:
            return self.capital(tok)
        return len(low) >= 3 and not self.ordinary(tok)

    def _after_title(self, i: int) -> int | None:
        """ "meneer De Vries", "mevrouw yilmaz", "meneer van dijk"; not "mevrouw van de school"."""
        j = i
        while j < i + 3 and self.usable(j) and self.toks[j].low in self.lists.particles:
            j += 1
        if not self.usable(j) or (j > i and self.toks[j].sentence_start):
            return None
        tok, particles = self.toks[j], tuple(t.low for t in self.toks[i:j])
        named = (
            self.capital(tok)
            or (particles != () and particles[:2] not in NOT_SURNAME_STARTS)
            or self.listed_name(tok.low)
            or tok.low in self.lists.also_words
            or not self.dutch(tok.low)
        )
        return self._surname(j + 1) if named else None

    def _named_anywhere(self, tok: Token, prev: Token | None) -> bool:
        """A listed first name anywhere; an unknown capitalised word inside a sentence."""
        if self.listed_name(tok.low):
            return True
        if prev is None or not self.capital(tok):
            return False
        if tok.low in self.lists.also_words:
            return True
        if tok.low in self.lists.small_words or prev.low in DETERMINERS:
            return False
        return not self.ordinary(tok)

    def _surname(self, j: int) -> int:
        """Take in what follows a name: "Fatima Yilmaz", "Marco van Dijk", "fatima el amrani".

        Not "Marco van de bakkerij": the particles must lead to a name-like word.
        """
        while self.usable(j) and not self.toks[j].sentence_start:
            if self._surname_word(self.toks[j]):
                j += 1
                continue
            k = j
            while k < j + 3 and self.usable(k) and self.toks[k].low in self.lists.particles:
                k += 1
            if k == j or not self.usable(k) or self.toks[k].sentence_start:
                break
            if not self._surname_word(self.toks[k]):
                break
            j = k + 1
        return j

    def _surname_word(self, tok: Token) -> bool:
        low = tok.low
        if low in self.lists.particles or low in self.lists.small_words:
            return False
        if self.listed_name(low) or self.capital(tok):
            return True
        return not tok.capital and len(low) >= 3 and not self.dutch(low)


def mask_names(text: str) -> str:
    """The text with third parties' names replaced by ``[naam]``; see the module docstring."""
    if not text or not any(c.isalpha() for c in text):
        return text
    masker = _Masker(text, name_lists(), dutch_lexicon())
    parts: list[str] = []
    done = 0
    for start, end in masker.spans():
        parts += [text[done:start], NAME_TAG]
        done = end
    parts.append(text[done:])
    return "".join(parts)
