"""Typed answers to an exercise step, read the way people type them, without Rasa.

Buttons are there, but many people type: "dan a", "den eerste is fake", "nee toch b",
"ja waar", "eerst niet klikken op de link dan doorsturen", "gaat best goed hoor". These
pure functions map such text onto the step's answer; anything unclear gives None, so the
exercise asks again rather than guessing (and the message may still be an interruption).

Rules shared by all of them:

- a reason after the answer ("A want het adres klopt niet") does not change the answer;
- after a correction word the last answer counts ("a nee toch b" is B);
- chat and Flemish spellings read as the full word ("nie", "da", "den eerste").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from bot.decision import understand


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


LETTERS = "abcd"
# Words that may come before a letter or an ordinal: "dan a", "mail b", "ik kies de 2e".
LEADS = _set(
    "antwoord optie letter nummer nr keuze knop ik denk kies neem het is wordt doe maar dan "
    "toch nee neen ja oh o oja ah sorry ok oke dus eh euh uhm hmm nou wacht de den die diene "
    "dienen dat das dn tis mijn gewoon natuurlijk zeker"
)
# What an item or choice is called: "mail 1", "de eerste mail", "bericht b".
NOUNS = _set("mail mailtje mails email bericht berichtje sms site website link stap vraag")
# After the choice, words that only say it is the answer: "den eerste is fake".
FAKE = _set("nep fake vals valse neppe fout verkeerd oplichting oplichter oplichters scam")
REAL = _set("echt echte betrouwbaar veilig")
MARKERS = NOUNS | _set("nummer nr optie keuze")
TRAILERS = (
    _set("is zijn de het die dat juiste goede goed antwoord denk ik volgens mij toch wel hoor")
    | _set("zeker natuurlijk gewoon dus ook of niet nie ni")
    | FAKE
    | REAL
    | NOUNS
)
# A change of mind: what follows counts ("a, nee wacht, b", "ik bedoel c").
CORRECTIONS = _set("nee neen toch wacht sorry oeps bedoel")
NEGATIONS = _set("niet geen nooit")
# Words that separate the steps of an order typed in one go.
SEQUENCE = _set("eerst eerste dan daarna daarnaa vervolgens tenslotte totslot laatst laatste")
SEQUENCE_PHRASES = re.compile(
    r"\b(tot slot|ten slotte|als laatste|en dan|en daarna|en als laatste|daarna|dan)\b"
)
# Words too common to tell steps apart.
STOPWORDS = _set(
    "de het een op als en of je jij u uw mijn te naar in met van voor aan dat die dit er om"
)
# Plain yes and no for a statement ("Klopt dit?"): "ja waar", "nee da klopt nie".
TRUE = _set("ja jaa jawel waar klopt juist correct zeker inderdaad yes jep yep tuurlijk precies")
FALSE = _set("nee neen onwaar onjuist fout nope no")
TRUE_FALSE_FILLERS = _set(
    "dat is het t tis das zo hoor wel toch echt helemaal ook ik denk volgens mij dus natuurlijk "
    "oke ok nou eh euh uhm van"
)
# "waar is dat?" asks where, it says nothing is true.
WHERE_AFTER_WAAR = _set("is staat zit vind kan moet ligt")
QUESTION_WORDS = _set("wat hoe waarom welke wie wanneer waar hoeveel kan kun kunt mag moet")


def words(text: str) -> list[str]:
    """Normalised words with chat spellings expanded: "nee da klopt nie" -> "... dat klopt niet"."""
    return [understand.SPELLINGS.get(w, w) for w in understand.normalise(text).split()]


def _after_correction(tokens: list[str]) -> list[str]:
    """The words after the last correction word, or none when there is none."""
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index] in CORRECTIONS:
            return tokens[index + 1 :]
    return []


def _candidates(text: str) -> list[list[str]]:
    """Readings to try, most telling first: after a correction, before a reason, all of it."""
    whole = words(text)
    readings = [_after_correction(whole), words(understand.first_clause(text)), whole]
    unique: list[list[str]] = []
    for reading in readings:
        if reading and reading not in unique:
            unique.append(reading)
    return unique


def _strip_leads(tokens: list[str]) -> list[str]:
    start = 0
    while start < len(tokens) - 1 and tokens[start] in LEADS | NOUNS:
        start += 1
    return tokens[start:]


def letter(tokens: list[str], count: int) -> int | None:
    """ "b", "dan a", "mail b is nep", "A want het adres klopt niet" -> the index.

    The letter leads the answer; what follows is a reason or the choice's own words. A
    letter inside a sentence ("ik heb a gedaan") or two letters ("a en b") is no answer.
    """
    rest = _strip_leads(tokens)
    if not rest or len(rest[0]) != 1 or rest[0] not in LETTERS[:count]:
        return None
    if len(rest) > 1 and rest[1] in ("en", "of"):
        return None
    return LETTERS.index(rest[0])


def ordinal(tokens: list[str], count: int) -> int | None:
    """ "den eerste is fake", "de 2e mail", "mail 1", "die laatste" -> the index.

    The ordinal (or a number alone, or after a noun or "nummer") must be the only content
    word, so "de eerste keer dat ik mailde" picks nothing.
    """
    rest = _strip_leads(tokens)
    if not rest:
        return None
    head = rest[0].removesuffix("n") if rest[0].endswith("sten") else rest[0]  # "den eersten"
    before = tokens[len(tokens) - len(rest) - 1] if len(rest) < len(tokens) else ""
    if head in understand.ORDINALS:
        number = understand.ORDINALS[head]
    elif head.isdigit() and (before in MARKERS or len(rest) == 1):
        number = int(head)
    else:
        return None
    if any(w not in TRAILERS for w in rest[1:]):
        return None
    index = number - 1 if number > 0 else count + number
    return index if 0 <= index < count else None


def asks(text: str) -> bool:
    """Whether the message starts as a question ("wat is phishing", "hoe werkt de eerste")."""
    typed = words(text)
    return bool(typed) and typed[0] in QUESTION_WORDS


def _says_real(tokens: list[str]) -> bool:
    """Whether the words call the chosen item real ("b is echt"), not fake."""
    if any(w in FAKE for w in tokens):
        return False
    for i, word in enumerate(tokens):
        if word in REAL and not (i > 0 and tokens[i - 1] in NEGATIONS):
            return True
    return False


def choice(text: str, titles: Sequence[str], spot_fake: bool = False) -> int | None:
    """Which of the shown choices the text picks: by letter, ordinal or the choice's words.

    With ``spot_fake`` the question is "which one is fake?": "b is echt" then picks the
    other one of two, and more than two makes it unclear. A question ("wat is de eerste?")
    picks nothing.
    """
    if asks(text):
        return None
    for tokens in _candidates(text):
        found = letter(tokens, len(titles))
        if found is None:
            found = ordinal(tokens, len(titles))
        if found is None:
            choices = [(str(i), title, ()) for i, title in enumerate(titles)]
            picked = understand.match_choice(" ".join(tokens), choices)
            found = int(picked) if picked is not None else None
        if found is None:
            continue
        if spot_fake and _says_real(words(understand.first_clause(" ".join(tokens)))):
            return 1 - found if len(titles) == 2 else None
        return found
    return None


def true_false(text: str) -> bool | None:
    """True for "ja waar", "klopt", "juist"; False for "nee da klopt nie", "niet waar".

    Only yes/no words and filler count: "waar is de link" asks something, and "ja maar ik
    weet het niet" is no answer. A no wins over a yes ("ja dat klopt niet").
    """
    for tokens in _candidates(text):
        said = [w for w in tokens if w not in TRUE_FALSE_FILLERS]
        if not said and "wel" in tokens:  # "ik denk het wel"
            return True
        if not said or any(w not in TRUE | FALSE | NEGATIONS for w in said):
            continue
        if tokens[0] == "waar" and len(tokens) > 1 and tokens[1] in WHERE_AFTER_WAAR:
            continue  # "waar is dat?": where, not true
        if any(w in FALSE | NEGATIONS for w in said):
            return False
        if any(w in TRUE for w in said):
            return True
    return None


def _segments(text: str) -> list[list[str]]:
    """The parts of an order typed in one go: "eerst X dan Y en dan Z" -> X, Y, Z."""
    marked = re.sub(r"->|=>|→|[,;\n]|\b\d[.)]?(?!\S)", " | ", text[: understand.MAX_CHARS])
    marked = SEQUENCE_PHRASES.sub(" | ", " | ".join(map(understand.normalise, marked.split("|"))))
    parts = [
        [understand.SPELLINGS.get(w, w) for w in part.split() if w not in SEQUENCE]
        for part in marked.split("|")
    ]
    return [part for part in parts if part]


def _step(tokens: list[str], titles: Sequence[str], shown: Sequence[int]) -> int | None:
    """The step a part names: its letter in the shown list, or the one step whose telling
    words it names, its "niet" matching the step's."""
    if len(tokens) == 1 and len(tokens[0]) == 1 and tokens[0] in LETTERS[: len(shown)]:
        return shown[LETTERS.index(tokens[0])]
    denied = any(w in NEGATIONS for w in tokens)
    kept = [w for w in tokens if w not in NEGATIONS]
    # "door sturen" is "doorsturen": two typed words may make one.
    plain = " ".join(kept + [a + b for a, b in pairwise(kept)])
    title_words = [words(title) for title in titles]
    scores: list[int] = []
    for own in title_words:
        others = {w for other in title_words if other is not own for w in other}
        telling = [w for w in own if len(w) >= 4 and w not in STOPWORDS | NEGATIONS | others]
        found = understand.match_terms(plain, [(w, [w]) for w in telling])
        scores.append(len(found))
    best = max(scores, default=0)
    if not best or scores.count(best) > 1:
        return None
    index = scores.index(best)
    return index if denied == any(w in NEGATIONS for w in title_words[index]) else None


def steps(text: str, titles: Sequence[str], shown: Sequence[int]) -> list[int] | None:
    """The steps typed, in the order typed: "eerst niet klikken op de link dan melden".

    Each part names one step by its letter in the ``shown`` order or by its own words
    ("niet" must match: "klikken op de link" is not "Niet op de link klikken"). A part
    that names no step makes the whole unclear.
    """
    if asks(text):
        return None
    found: list[int] = []
    for part in _segments(text):
        index = _step(part, titles, shown)
        if index is None and "en" in part:  # "doorsturen en verwijderen": two steps
            pieces = " ".join(part).split(" en ")
            indexes = [_step(p.split(), titles, shown) for p in pieces if p.strip()]
            if indexes and all(i is not None for i in indexes):
                found += [i for i in indexes if i is not None]
                continue
        if index is None:
            return None
        found.append(index)
    return found if found and len(set(found)) == len(found) else None


def level(text: str, levels: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The intake level a typed answer names; a longer phrase beats the words inside it.

    "gaat best goed hoor" is "best goed", not both "best" and "goed"; "moeilijk want ik heb
    geen computer thuis" is "moeilijk" (the reason after "want" is no level).
    """
    terms = [(f"{lvl}|{phrase}", [phrase]) for lvl, phrases in levels for phrase in phrases]
    for reading in dict.fromkeys((understand.first_clause(text), text)):
        found = [f.split("|", 1) for f in understand.match_terms(reading, terms)]
        kept = {
            lvl
            for lvl, phrase in found
            if not any(other != phrase and f" {phrase} " in f" {other} " for _, other in found)
        }
        if len(kept) == 1:
            return kept.pop()
    return None


# At "Deze oefening past bij jou. Wil je die doen?": start it, or choose another one.
START: tuple[str, ...] = (
    "ja", "ja begin", "begin", "begin maar", "ja graag", "graag", "doe maar", "ja doe maar",
    "ja leuk", "leuk", "starten", "start", "beginnen", "laten we beginnen", "we beginnen",
    "ja is goed", "is goed", "oke", "ja oke", "prima", "goed", "top", "ja hoor", "yes", "go",
    "lets go", "ja starten", "ja beginnen", "ja die", "die wil ik", "die doe ik",
)  # fmt: skip
CHOOSE_SELF: tuple[str, ...] = (
    "kies zelf", "zelf kiezen", "ik kies zelf", "ik wil zelf kiezen", "laat mij kiezen",
    "laat me kiezen", "zelf een kiezen", "zelf eentje kiezen", "een andere", "andere oefening",
    "een andere oefening", "liever een andere", "iets anders", "nee", "neen", "nee dank je",
    "nee liever niet", "liever niet", "wat anders", "andere",
)  # fmt: skip


# After a hard exercise: "yes" to the easier one offered (or the same one again).
EASIER: tuple[str, ...] = (
    "makkelijker", "makkelijkere", "een makkelijkere", "makkelijkere oefening",
    "een makkelijkere oefening", "iets makkelijkers", "makkelijker oefenen", "makkelijker graag",
    "gemakkelijker", "een gemakkelijkere", "iets gemakkelijker", "simpeler", "iets simpelers",
    "een simpelere", "nog een keer", "nog een keer doen", "opnieuw", "nog eens", "nog ene keer",
    "ne makkelijkere", "iets makkelijker", "makelijker", "makkelijker aub",
)  # fmt: skip


def help_reply(text: str) -> str | None:
    """After a hard exercise: "easier" for the exercise offered, "pick" to choose, or None."""
    if understand.phrase_command(text, (("easier", EASIER),)):
        return "easier"
    said = suggestion_reply(text)
    return {"yes": "easier", "pick": "pick"}.get(said or "")


def suggestion_reply(text: str) -> str | None:
    """ "yes" to start the suggested exercise, "pick" to choose one, or None."""
    whole = words(text)
    for tokens in filter(None, (_after_correction(whole), whole)):
        said = understand.phrase_command(" ".join(tokens), (("yes", START), ("pick", CHOOSE_SELF)))
        if said:
            return said
        if tokens[0] in ("nee", "neen") and understand.phrase_command(
            " ".join(tokens[1:]), (("pick", CHOOSE_SELF),)
        ):
            return "pick"
    agreed = understand.yes_no(text)  # "👍", "ja hoor", "neen"
    return None if agreed is None else "yes" if agreed else "pick"
