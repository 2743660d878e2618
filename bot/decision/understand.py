"""Free text typed during the Samen Beslissen conversation, read without Rasa.

Every step offers buttons, but many people type instead: "de 2e", "ik wil ff terug",
"geen vaste uren", "vrijwiligerswerk". These pure functions map such text onto the step's
choices and commands; anything unclear gives None (or no ids), so the flow asks again
rather than guessing.

Word matching, shared by every function:

- a keyword matches a whole word. One of 5+ letters also matches the start or end of a
  compound ("vrijwilliger" in "vrijwilligerswerk", "medewerker" in "zorgmedewerker"); a
  shorter one does not, so "werk" never matches inside "vrijwilligerswerk" or "werkervaring":
  list "werken" as a keyword of its own.
- typos: a typed word of 5+ letters matches a keyword word of 5+ letters with the same first
  letter and a difflib ratio of at least 0.84 (about one letter off), ``y`` read as ``ij``.
  A letter typed twice ("werrk") matches a keyword of 4+ letters.
- verb stems: inside a phrase of 2+ words, the stem that A2 Dutch uses for a verb counts as
  the verb: "nederlands leer" is "nederlands leren", "werk zoekt" is "werk zoeken".
- negation: a keyword with "geen", "niet" or "zonder" among the two words before it, small
  words such as "de" and "met" not counted and within one clause ("," or "maar" ends one),
  does not count: "geen vaste uren", "niet in de zorg".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from functools import lru_cache

# Re-exported: callers read ``understand.normalise`` as part of this module's vocabulary.
from bot.text.normalise import normalise as normalise


def _words_of(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Only a chat message's start is read: it bounds the work on a huge paste.
MAX_CHARS = 2000
TYPO_CUTOFF = 0.84
NEGATIONS: tuple[str, ...] = ("geen", "niet", "zonder")
# Skipped when counting the two words between a negation and a keyword.
SMALL_WORDS: frozenset[str] = _words_of(
    "de het een in op met te aan bij van voor om echt zo wel meer heel graag ik wil je jij "
    "mijn me mij dat die dit ook"
)
# Real words one letter away from a common keyword ("weken" is no typo of "werken").
NOT_TYPOS: frozenset[str] = _words_of(
    "weken werken dagen maanden morgen zorgen weten wonen kijken willen zullen moeten kunnen "
    "leren lezen leven maken makkelijk stappen"
)
# How people shorten words in chat, read as the full word.
SPELLINGS: dict[str, str] = {
    "mn": "mijn", "m": "mijn", "zn": "zijn", "ff": "even", "effe": "even", "eff": "even",
    "efkes": "even", "efkens": "even", "eefkes": "even",
    "nie": "niet", "ni": "niet", "nt": "niet", "gn": "geen", "k": "ik", "da": "dat", "wa": "wat",
    "gene": "geen", "genen": "geen", "den": "de", "nen": "een", "ne": "een",
    "idd": "inderdaad", "oki": "oke", "okay": "oke", "okee": "oke", "okey": "oke",
}  # fmt: skip

ORDINALS: dict[str, int] = {
    "eerste": 1, "1e": 1, "1ste": 1, "bovenste": 1, "tweede": 2, "2e": 2, "2de": 2,
    "derde": 3, "3e": 3, "3de": 3, "vierde": 4, "4e": 4, "4de": 4, "vijfde": 5, "5e": 5,
    "5de": 5, "zesde": 6, "6e": 6, "6de": 6, "laatste": -1, "onderste": -1,
}  # fmt: skip
CARDINALS: dict[str, int] = {
    "een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10,
}  # fmt: skip
CHOICE_MARKERS: tuple[str, ...] = ("optie", "nummer", "nr", "keuze", "knop")
# Words around "de tweede" that leave it an answer: "doe maar de tweede graag".
CHOICE_FILLERS: frozenset[str] = _words_of(
    "ik wil kies neem doe maar graag dan de die dat het even oke ok aub pls please svp toch "
    "nou eh wel voor mij me mijn geef ga lijkt klinkt is goed leuk "
    # "wat is de tweede?", "meer over nummer 3", "vertel over de eerste"
    "wat hoe zit over meer vertel uitleg info een van bij gaat"
)
# Title words that say nothing about which choice is meant ("ik doe het zelf" chooses no
# "Zelf solliciteren").
TITLE_STOPWORDS: frozenset[str] = _words_of(
    "iets eerst niet geen nog hebben doen gaan worden zijn mijn eigen jouw meer veel heel zelf"
)

BACK: tuple[str, ...] = (
    "terug", "trug", "ga terug", "ga ff terug", "terug gaan", "teruggaan", "vorige",
    "vorige stap", "vorige vraag", "een stap terug", "stap terug", "terug naar de vorige",
    "terug naar de vorige vraag",
)  # fmt: skip
RESTART: tuple[str, ...] = (
    "opnieuw", "begin opnieuw", "opnieuw beginnen", "overnieuw", "over nieuw", "start opnieuw",
    "opnieuw starten", "van voor af aan", "van vooraf aan", "van voren af aan",
    "helemaal opnieuw", "helemaal overnieuw", "alles opnieuw", "opnieuw doen",
    "terug naar het begin", "reset", "herstart",
)  # fmt: skip
OTHER: tuple[str, ...] = (
    "andere opties", "andere keuzes", "iets anders", "nog iets anders", "wat anders", "anders",
    "meer opties", "andere", "nog andere", "nog meer", "wat nog meer", "zijn er nog meer",
    "laat andere zien", "laat andere opties zien", "toon andere",
)  # fmt: skip
MORE: tuple[str, ...] = (
    "meer uitleg", "nog meer uitleg", "vertel meer", "vertel er meer over", "wat is dat",
    "wat is het", "wat betekent dat", "wat houdt dat in", "wat bedoel je", "hoe werkt dat",
    "uitleg", "leg uit", "leg het uit", "meer info", "meer informatie", "info",
)  # fmt: skip
DONE: tuple[str, ...] = (
    "klaar", "ik ben klaar", "ben klaar", "dat is alles", "dat was alles", "dat is het",
    "dat was het", "niks meer", "niets meer", "genoeg", "verder", "ga verder", "verder gaan",
    "door", "ga door", "doorgaan",
)  # fmt: skip
# Not "weet ik nog niet": that answers the question (goal "explore"), it postpones nothing.
LATER: tuple[str, ...] = (
    "later", "later kiezen", "kies ik later", "ik kies later", "later beslissen",
    "ik wil later beslissen", "beslis ik later", "doe ik later", "liever later",
    "nog niet kiezen", "nog niet beslissen", "wil nog niet kiezen", "later doen",
)  # fmt: skip
COACH: tuple[str, ...] = (
    "coach", "eerst met coach", "eerst met mijn coach", "eerst met mijn coach praten",
    "met mijn coach praten", "eerst met coach praten", "overleggen met coach",
    "overleggen met mijn coach", "met coach overleggen", "met mijn coach overleggen",
    "eerst overleggen", "coach vragen", "eerst coach vragen", "vraag het aan mijn coach",
    "eerst met mijn begeleider", "met begeleider overleggen", "overleggen met begeleider",
)  # fmt: skip
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("back", BACK), ("restart", RESTART), ("other", OTHER), ("more", MORE), ("done", DONE),
    ("later", LATER), ("coach", COACH),
)  # fmt: skip
# Politeness and chat filler around a command: "kan ik ff terug aub".
COMMAND_FILLERS: frozenset[str] = _words_of(
    "ik wil wel even graag aub alsjeblieft alstublieft asjeblieft pls plz please svp nu dan "
    "maar toch nou eh euh uhm hmm oh ok oke mijn de een kan mag kunnen mogen we wij me mij "
    "gewoon hoi"
)
# Words a command phrase may have around it: none for one word, one for two, two for more.
COMMAND_SLACK = 2
MAX_COMMAND_WORDS = 8

YES: tuple[str, ...] = (
    "ja", "jaa", "jawel", "jazeker", "ja hoor", "klopt", "dat klopt", "goed zo", "prima", "oke",
    "ok", "yes", "yep", "jep", "jup", "zeker", "tuurlijk", "natuurlijk", "correct", "precies",
    "akkoord", "top", "goed", "is goed", "helemaal goed", "sure",
)  # fmt: skip
NO: tuple[str, ...] = (
    "nee", "neen", "nein", "nope", "nah", "no", "nee hoor", "neen hoor", "klopt niet",
    "dat klopt niet", "niet goed", "is niet goed", "zeker niet", "helemaal niet", "niet",
    "natuurlijk niet", "fout",
)  # fmt: skip
# Words that may surround a yes or no without changing it: "ja dat klopt hoor".
YES_NO_FILLERS: frozenset[str] = _words_of("dat is hoor wel helemaal zo toch ook")
_YES_NO_WORDS = {w for phrase in YES + NO for w in phrase.split()} | YES_NO_FILLERS
_NO_WORDS = frozenset({"nee", "neen", "nein", "nope", "nah", "no", "niet"})
_YES_WORDS = frozenset(phrase for phrase in YES if " " not in phrase)
YES_EMOJI: tuple[str, ...] = ("👍", "👌", "✅", "✔", "🙂", "😊")
NO_EMOJI: tuple[str, ...] = ("👎", "❌", "🙅")


def _words(text: str) -> list[str]:
    """Normalised words, repeated letters squeezed ("jaaaa" -> "jaa"), chat spellings expanded."""
    squeezed = re.sub(r"([^\W\d_])\1{2,}", r"\1\1", normalise(text[:MAX_CHARS]))
    return [SPELLINGS.get(word, word) for word in squeezed.split()]


def _clauses(text: str) -> list[list[str]]:
    """The words per clause: a negation does not reach past a comma or a "maar"."""
    clauses: list[list[str]] = [[]]
    for part in re.split(r"[,.;:!?()\n]+", text[:MAX_CHARS]):
        for word in _words(part):
            if word == "maar":
                clauses.append([])
            else:
                clauses[-1].append(word)
        clauses.append([])
    return [clause for clause in clauses if clause]


@lru_cache(maxsize=65536)
def _similar(word: str, keyword: str) -> bool:
    if word[0] != keyword[0] or word in NOT_TYPOS:
        return False
    return any(
        difflib.SequenceMatcher(None, typed, keyword).ratio() >= TYPO_CUTOFF
        for typed in {word, word.replace("y", "ij")}
    )


def _typed_twice(word: str, keyword: str) -> bool:
    """ "werrk" for "werk": one letter of the keyword typed twice."""
    return len(word) == len(keyword) + 1 and any(
        word[i] == word[i + 1] and word[:i] + word[i + 1 :] == keyword for i in range(len(word) - 1)
    )


VOWELS = "aeiou"


@lru_cache(maxsize=4096)
def _stems(keyword: str) -> frozenset[str]:
    """The forms A2 Dutch uses for a verb: "leren" -> leer, leert; "zoeken" -> zoek, zoekt."""
    if not keyword.endswith("en") or len(keyword) < 5:
        return frozenset()
    stem = keyword[:-2]
    # One vowel before the last consonant is written twice: "leren" -> "leer", not "zoeken".
    open_syllable = stem[-1] not in VOWELS and stem[-2] in VOWELS and stem[-2:] != "ie"
    if open_syllable and (len(stem) < 3 or stem[-3] not in VOWELS):
        stem = stem[:-1] + stem[-2] + stem[-1]
    if stem[-2:-1] == stem[-1:] and stem[-1] not in VOWELS:  # "bellen" -> "bel"
        stem = stem[:-1]
    stem = stem[:-1] + {"z": "s", "v": "f"}.get(stem[-1], stem[-1])  # "lezen" -> "lees"
    return frozenset({stem, stem if stem.endswith("t") else stem + "t"})


def _word_matches(word: str, keyword: str, compound: bool, inflected: bool = False) -> bool:
    """Whether a typed word is this keyword word, by the rules in the module docstring."""
    if word == keyword:
        return True
    if len(keyword) >= 4 and _typed_twice(word, keyword):
        return True
    if inflected and word in _stems(keyword):
        return True
    if len(keyword) < 5 or len(word) < 5:
        return False
    if compound and len(word) > len(keyword):
        if word.startswith(keyword) or word.endswith(keyword):
            return True
        if _similar(word[: len(keyword)], keyword) or _similar(word[-len(keyword) :], keyword):
            return True
    return _similar(word, keyword)


def _negated(clause: Sequence[str], start: int) -> bool:
    counted = 0
    for word in reversed(clause[:start]):
        if word in NEGATIONS:
            return True
        if word not in SMALL_WORDS:
            counted += 1
            if counted == 2:
                return False
    return False


def _find(
    clauses: Sequence[Sequence[str]], phrase: Sequence[str], negated: bool = False
) -> tuple[int, int] | None:
    """(clause, word) where a keyword phrase first occurs un-negated (or negated), or None."""
    compound = len(phrase) == 1
    if phrase[0] in NEGATIONS:  # "geen stress" is itself the keyword: never negated
        check_negation, negated = False, False
    else:
        check_negation = True
    for c, clause in enumerate(clauses):
        for start in range(len(clause) - len(phrase) + 1):
            if all(
                _word_matches(clause[start + i], word, compound, inflected=not compound)
                for i, word in enumerate(phrase)
            ) and (not check_negation or _negated(clause, start) == negated):
                return c, start
    return None


def _positions(
    clauses: Sequence[Sequence[str]],
    terms: Sequence[tuple[str, Sequence[str]]],
    negated: bool = False,
) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for term_id, keywords in terms:
        for keyword in keywords:
            phrase = _words(keyword)
            where = _find(clauses, phrase, negated) if phrase else None
            if where is not None and (term_id not in found or where < found[term_id]):
                found[term_id] = where
    return found


def match_terms(text: str, terms: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """The ids whose keywords the text mentions, in the order they first occur, each once.

    ``terms`` are (id, keywords) pairs; "ik wil geen vaste uren maar wel dichtbij" gives
    ["close_to_home"] for fixed_hours ("vaste uren") and close_to_home ("dichtbij").
    """
    found = _positions(_clauses(text), terms)
    return sorted(found, key=found.__getitem__)


def match_negated_terms(text: str, terms: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """The ids the text only mentions to rule them out: "geen vaste uren" gives fixed_hours.

    Such a wish is not dropped: it must keep options with that tag from the top of the list.
    An id the text also mentions plainly ("geen vaste uren, wel vaste uren") is not ruled out.
    """
    clauses = _clauses(text)
    plain = _positions(clauses, terms)
    found = {k: v for k, v in _positions(clauses, terms, negated=True).items() if k not in plain}
    return sorted(found, key=found.__getitem__)


# Words that carry no wish of their own in "ik vind geld belangrijk" or "en ook dichtbij".
WISH_FILLERS: frozenset[str] = SMALL_WORDS | _words_of(
    "en of maar vind vindt belangrijk belangrijkst fijn leuk liefst liever hebben heb is "
    "zijn moet kunnen kan niet geen zonder iets vooral beetje nog alles da dan"
)
_WISH_PARTS = re.compile(r"[,;/+&]|\b(?:en|maar|of|plus)\b")
_REASON_START = re.compile(r"[.!?(]|\b(?:want|omdat|aangezien|dus|because)\b")


def unknown_wishes(text: str, terms: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """The parts of a list of wishes that name no known wish: "flexibele uren" in
    "geld en flexibele uren". A reason after "want" or "omdat" is no wish, and is skipped.

    The user is told what was not understood, instead of it silently being dropped.
    """
    wishes = _REASON_START.split(text[:MAX_CHARS], maxsplit=1)[0]
    unknown = []
    for part in _WISH_PARTS.split(wishes):
        if not part or not part.strip():
            continue
        content = [w for w in _words(part) if w not in WISH_FILLERS]
        if content and not match_terms(part, terms) and not match_negated_terms(part, terms):
            unknown.append(" ".join(part.split()))
    return unknown


def _ordinal(words: Sequence[str], count: int) -> int | None:
    """The 0-based choice an ordinal answer picks ("de tweede", "optie 2", "3"), or None.

    Bare numbers count only when they are the whole answer, so "ik heb 2 kinderen" picks
    nothing; "de eerste keer dat ik werkte" picks nothing either, as "keer" follows.
    """
    content = [w for w in words if w not in CHOICE_FILLERS]
    for i, word in enumerate(content):
        marked = i > 0 and content[i - 1] in CHOICE_MARKERS
        rest = [w for j, w in enumerate(content) if j != i and not (marked and j == i - 1)]
        if word in ORDINALS:
            number = ORDINALS[word]
        elif (word.isdigit() or word in CARDINALS) and (marked or not rest):
            number = int(word) if word.isdigit() else CARDINALS[word]
        else:
            continue
        if all(w in CHOICE_MARKERS for w in rest):
            index = number - 1 if number > 0 else count + number
            return index if 0 <= index < count else None
    return None


def match_choice(text: str, choices: Sequence[tuple[str, str, Sequence[str]]]) -> str | None:
    """The id of the choice a typed answer means, or None if none or several fit equally.

    ``choices`` are (id, title, keywords) in the order shown. Understood, strongest first: an
    ordinal ("de tweede", "nummer 2", "die laatste"), the full title, a keyword, a title word
    of 4+ letters that no other choice's title has ("vrijwilligerswerk" for "Vrijwilligerswerk
    doen"). Typos and negation follow the module's word rules.
    """
    words = _words(text)
    if not words or not choices:
        return None
    index = _ordinal(words, len(choices))
    if index is not None:
        return choices[index][0]
    clauses = _clauses(text)
    titles = [_words(title) for _, title, _ in choices]
    scores: dict[str, tuple[int, int]] = {}
    for (choice_id, _, keywords), title in zip(choices, titles, strict=True):
        others = {w for other in titles if other is not title for w in other}
        distinctive = [
            w for w in title if len(w) >= 4 and w not in TITLE_STOPWORDS and w not in others
        ]
        levels = (
            (3, [" ".join(title)] if title else []),
            (2, list(keywords)),
            (1, distinctive),
        )
        for level, phrases in levels:
            hits = len(_positions(clauses, [(p, [p]) for p in phrases]))
            if hits:
                scores[choice_id] = (level, hits)
                break
    if not scores:
        return None
    best = max(scores.values())
    winners = [choice_id for choice_id, score in scores.items() if score == best]
    return winners[0] if len(winners) == 1 else None


def _contains(words: Sequence[str], phrase: Sequence[str]) -> bool:
    return any(
        all(_word_matches(words[start + i], w, False) for i, w in enumerate(phrase))
        for start in range(len(words) - len(phrase) + 1)
    )


def command(text: str) -> str | None:
    """The navigation command a message gives: back, restart, other, more, done, later, coach.

    See :func:`phrase_command` for how much else the message may say.
    """
    return phrase_command(text, COMMANDS)


def phrase_command(text: str, commands: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The command whose phrase is (nearly) the whole message, or None.

    Politeness aside ("kan ik ff terug aub"), a one-word command ("terug") must be the whole
    message, a two-word one may have one more word ("ga terug nu"), a longer one two. So
    "ik ga terug naar school" and "ik bel later de gemeente" give None. Where two commands
    fit, the longer phrase wins ("nog meer uitleg" is more, not other).
    """
    words = [w for w in _words(text) if w not in COMMAND_FILLERS]
    if not words or len(words) > MAX_COMMAND_WORDS:
        return None
    found: dict[str, int] = {}
    for name, phrases in commands:
        for phrase in phrases:
            wanted = [w for w in _words(phrase) if w not in COMMAND_FILLERS]
            fits = len(words) - len(wanted) <= min(COMMAND_SLACK, len(wanted) - 1)
            if wanted and fits and _contains(words, wanted):
                found[name] = max(found.get(name, 0), len(wanted))
    if not found:
        return None
    longest = max(found.values())
    names = [name for name, length in found.items() if length == longest]
    return names[0] if len(names) == 1 else None


# Asking about an option rather than choosing it: "wat is er minder goed aan de eerste?".
QUESTION_WORDS: frozenset[str] = _words_of(
    "wat wie waarom hoe hoelang hoeveel welke wanneer waar kan kun kunt mag moet krijg is zijn "
    "heb heeft betekent vertel leg"
)
ASPECTS: tuple[str, ...] = (
    "minder goed", "nadeel", "nadelen", "minpunt", "minpunten", "voordeel", "voordelen",
    "pluspunt", "pluspunten", "hoe lang", "hoelang", "wie helpt", "voorwaarden", "meer over",
    "uitleg",
)  # fmt: skip
# "ik kies de eerste, daar verdien ik meer": a choice with a reason, not a question.
CHOOSING: tuple[str, ...] = ("kies", "ik kies", "neem", "ik neem", "doe maar", "ga voor", "wordt")


# What people put after their answer: "de tweede, want dichtbij", "A want het adres...".
_REASON = re.compile(r"[,.;:!?(]|\s-\s|\b(want|omdat|denk|lijkt|toch|dus|volgens|because)\b")


def first_clause(text: str) -> str:
    """The answer before its reason: "niet waar, want het adres klopt niet" -> "niet waar"."""
    match = _REASON.search(text[:MAX_CHARS].lower())
    return text[: match.start()].strip() if match and match.start() > 0 else text


def mentioned_choice(text: str, count: int) -> int | None:
    """The 0-based choice an ordinal anywhere in a question points at ("... aan de eerste?")."""
    words = _words(text)
    for i, word in enumerate(words):
        number = ORDINALS.get(word)
        if number is None and i > 0 and words[i - 1] in CHOICE_MARKERS and word.isdigit():
            number = int(word)
        if number is not None:
            index = number - 1 if number > 0 else count + number
            return index if 0 <= index < count else None
    return None


def asks_about(text: str) -> bool:
    """Whether a message asks something about an option instead of choosing it.

    "wat is er minder goed aan de eerste?", "hoe lang duurt de tweede", "nadelen van de
    derde": a question mark, a leading question word, or an aspect of an option, unless
    the message says it chooses ("ik kies de eerste, wat is de duur" still asks: "?").
    """
    words = _words(text)
    if not words:
        return False
    if "?" in text[:MAX_CHARS]:
        return True
    if match_terms(text, [("choose", CHOOSING)]):
        return False
    return words[0] in QUESTION_WORDS or bool(match_terms(text, [("aspect", ASPECTS)]))


def yes_no(text: str) -> bool | None:
    """True for a yes ("ja hoor", "klopt", "👍"), False for a no ("nee", "neen", "klopt niet").

    A no wins when both appear ("ja dat klopt niet"); anything else, such as "ja maar ik weet
    het niet", is None.
    """
    words = _words(text)
    if not words:
        head = text[:MAX_CHARS]
        if any(e in head for e in NO_EMOJI):
            return False
        return True if any(e in head for e in YES_EMOJI) else None
    if len(words) > 6 or any(w not in _YES_NO_WORDS for w in words):
        return None
    if " ".join(words) in NO or _NO_WORDS.intersection(words):
        return False
    return True if _YES_WORDS.intersection(words) else None


# Not knowing, or not minding: an answer at every step ("weet ik niet", "da maakt mij nie uit").
UNSURE: tuple[str, ...] = (
    "weet ik niet", "weet niet", "ik weet het niet", "weet het niet", "weet ik nog niet",
    "weet het nog niet", "weet ik veel", "geen idee", "geen flauw idee", "nog geen idee", "idk",
    "ik twijfel", "twijfel", "maakt niet uit", "maakt niks uit", "maakt niets uit",
    "maakt allemaal niet uit", "boeit niet", "kan niet schelen", "geen voorkeur",
    "alles is goed", "alles goed", "om het even", "egaal",
)  # fmt: skip


def unsure(text: str) -> bool:
    """Whether the message (nearly whole) says "I don't know" or "I don't mind"."""
    return phrase_command(text, (("unsure", UNSURE),)) is not None


# Words that take back what came before them: "nee toch de eerste", "wacht, doe maar 1".
CORRECTIONS: tuple[str, ...] = (
    "nee", "neen", "wacht", "toch", "liever", "doe maar", "ik bedoel", "bedoel", "sorry", "oeps",
)  # fmt: skip
_CORRECTION = re.compile(r"\b(?:" + "|".join(map(re.escape, CORRECTIONS)) + r")\b")


def corrected_choice(text: str, choices: Sequence[tuple[str, str, Sequence[str]]]) -> str | None:
    """The choice named after the last correction word: after a change of mind it wins.

    "de tweede, nee toch de eerste" and "wacht nee, doe maar de eerste want dan hou ik mijn
    uitkering" both give the first choice; a message without a correction word gives None.
    """
    head = text[:MAX_CHARS]
    for match in reversed(list(_CORRECTION.finditer(head.lower()))):
        tail = head[match.end() :]
        found = match_choice(tail, choices) or match_choice(first_clause(tail.strip()), choices)
        if found is not None:
            return found
    return None


# What people do as a first step: "ik ga eerst bellen met het uitzendbureau".
PLAN_WORDS: tuple[str, ...] = (
    "bellen", "bel", "opbellen", "mailen", "mail", "appen", "app", "vragen", "vraag", "zoeken",
    "zoek", "opzoeken", "sturen", "stuur", "schrijven", "schrijf", "maken", "maak", "afspraak",
    "inschrijven", "aanmelden", "meld", "langsgaan", "langs", "praten", "praat", "kijken", "kijk",
    "solliciteren", "solliciteer", "bezoeken", "regelen", "regel", "lezen", "oefenen", "oefen",
    "beginnen", "begin", "starten", "informeren", "ga naar", "langs bij",
)  # fmt: skip
# Who helps: a person, an organisation, or nobody ("ik doe het zelf"). Not "iemand": it is
# the end of "niemand".
SELF_WORDS: tuple[str, ...] = ("zelf", "ikzelf", "mezelf", "mijzelf", "alleen", "niemand")
HELPER_WORDS: tuple[str, ...] = (
    "buurman", "buurvrouw", "buren", "zus", "zusje", "broer", "broertje", "moeder", "mama",
    "vader", "papa", "ouders", "vriend", "vriendin", "vrienden", "partner", "man", "vrouw",
    "oom", "tante", "neef", "nicht", "zoon", "dochter", "familie", "opa", "oma", "coach",
    "klantmanager", "consulent", "begeleider", "maatschappelijk werker", "docent", "leraar",
    "juf", "collega", "collegas", "wijkteam", "maatje", "taalmaatje", "vrijwilliger",
    "uitzendbureau", "gemeente", "vdab", "uwv", "ocmw", "bibliotheek", "bieb",
)  # fmt: skip


def _states(text: str, words: Sequence[str]) -> bool:
    """Whether a statement (no question) mentions one of these words."""
    return "?" not in text[:MAX_CHARS] and bool(match_terms(text, [("hit", words)]))


def describes_step(text: str) -> bool:
    """Whether the message says what the person will do: "ik ga eerst de VDAB bellen"."""
    return _states(text, PLAN_WORDS)


def names_helper(text: str) -> bool:
    """Whether the message says who helps: "mijn buurman helpt", "ik doe da zelf"."""
    return _states(text, HELPER_WORDS + SELF_WORDS)


def alone(text: str) -> bool:
    """ "ik doe da zelf", "niemand": nobody helps (and no helper is named)."""
    return _states(text, SELF_WORDS) and not _states(text, HELPER_WORDS)


def ordinal_choice(text: str, count: int) -> int | None:
    """The 0-based choice a message that is only an ordinal picks ("den eerste", "nummer 2")."""
    return _ordinal(_words(text), count)


def says_title(text: str, title: str) -> bool:
    """Whether a message is a button's title, one small word said otherwise.

    "ik doe da zelf" is the button "Ik doe het zelf": Flemish and A2 Dutch swap articles and
    pronouns, never the words that carry the meaning.
    """
    typed, wanted = _words(text), _words(title)
    if not typed or len(typed) != len(wanted):
        return False
    different = [(a, b) for a, b in zip(typed, wanted, strict=True) if a != b]
    if not different:
        return True
    return len(wanted) >= 3 and len(different) == 1 and max(map(len, different[0])) <= 3
