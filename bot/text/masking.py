"""Mask personal identifiers in free text before it is stored (GUIDE §6).

People type their phone number, e-mail address, IBAN, BSN, Belgian national
number or address into a chat without thinking. Everything we keep (tracker
events, escalation summaries, coach notes, decision free text) passes through
:func:`mask` first. Numbers with check digits are only masked when the check
digits are valid, so ordinary numbers ("ik ben 23", "3 jaar") stay.

The phone rule: a number written as 9 or 10 digits that starts with 0 (NL is
always 10 digits, BE landlines 9, BE mobiles 10), or an international number
(+31 or 0031 with 9 digits after the country code, +32 or 0032 with 8 or 9,
any other "+" or "00" number with 9 to 15 digits). A 9-digit number that does
not start with 0 is not a phone number: it is masked only when it passes the
elfproef (a BSN). A date in front ("01-03-2024 12 uur") is never a phone.

Every pattern is bounded or anchored at the start of a run, so long runs of
digits, spaces and dots cannot make the regular expressions backtrack badly.

Names are another matter: :func:`mask_free_text` also masks the names of third
parties (bot/text/names.py), for the free text of records kept as long as the
user consents (the decision journey). :func:`mask` itself does not: the
conversation is what a coach reads to help, a name there ("mijn begeleider Ahmed")
is often what the coach needs, it goes after the retention period, and a name rule
is a guess where a check digit is a proof, so a mistaken ``[naam]`` would blur the
transcript and the learning loop's examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.text.names import mask_names

PHONE_TAG = "[telefoon]"
EMAIL_TAG = "[e-mail]"
IBAN_TAG = "[iban]"
BSN_TAG = "[bsn]"
BE_NATIONAL_TAG = "[rijksregisternummer]"
ADDRESS_TAG = "[adres]"
POSTCODE_TAG = "[postcode]"

# Starts only where a run of address characters starts (linear on long runs).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Country code, check digits, then 11 to 30 letters or digits, single spaces allowed.
# The country's length (below) decides where the IBAN ends.
IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![\w])", re.IGNORECASE)
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

# 11 digits, written as 85.07.30-033.28, 850730 033 28 or 85073003328
BE_NATIONAL = re.compile(r"(?<![\w.-])\d{2}[. ]?\d{2}[. ]?\d{2}[ .-]?\d{3}[. ]?\d{2}(?![\w-])")
# 9 digits, possibly in groups: 123456782, 1234.56.782, 123 456 782
BSN = re.compile(r"(?<![\w.-])\d{3,4}[. ]?\d{2,3}[. ]?\d{3}(?![\w-])")

# An optional international or (area code) prefix, then 7 to 12 digits with single
# separators. Not inside a word or a number ("12-0612..", "14:00.12..").
PHONE = re.compile(
    r"(?<![\w+])(?<!\d[./:-])"
    r"(?:(?:\+|00)\d{2,3}[ .-]?(?:\(0\)[ .-]?)?|\(0\d{1,3}\) ?)?"
    r"\d(?:[ ./-]?\d){6,11}(?!\w)"
)
DATE_FIRST = re.compile(r"\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2})(?!\d)")

STREET_ENDINGS = (
    "straat|steenweg|laan|weg|plein|gracht|kade|singel|dijk|dreef|lei|baan|hof|pad"
    "|markt|steeg|kaai|wal"
)
# Words that end like a street but are not one ("2 uur onderweg", "een bijbaan van 20 uur").
NOT_STREETS = frozenset({"onderweg", "halfweg", "bijbaan", "loopbaan", "rijbaan", "weg", "baan"})
UNITS = (
    "jaar|jaren|uur|uren|dag|dagen|keer|week|weken|maand|maanden|minuten|min|euro|eur"
    "|kinderen|kind|km|kilometer|procent|mensen|personen|stuks"
)
ADDRESS = re.compile(
    rf"""
    (?<![\w-])
    (?P<before>(?:[A-Z][\w'-]*\ ){{0,2}})            # Lange, Grote, Sint-Jan
    (?P<street>(?i:[a-z][\w'-]*?)??(?i:{STREET_ENDINGS}))(?!\w)
    \ (?i:nr\.?\ ?)?\d{{1,4}}
    (?:\ ?[a-zA-Z](?!\w)|-(?:\d{{1,3}}|[a-zA-Z]{{1,4}})(?!\w)|/\d{{1,3}}|\ ?(?i:bus)\ ?\d{{1,3}}
       |\ ?(?i:bis)(?!\w))?
    (?!\d|[.,:]\d)(?!\ ?(?i:{UNITS})(?!\w))
    (?:,?\ [1-9]\d{{3}}(?:\ ?[A-Z]{{2}})?\ [A-Z][\w'-]+)?  # , 1234 AB Utrecht / 9000 Gent
    """,
    re.VERBOSE,
)
# Dutch postcode: "1234 AB", "1234AB" (lower case only without a space: "2024 en" is no postcode).
POSTCODE = re.compile(
    r"(?<![\w-])[1-9]\d{3}(?: ?(?!SA|SD|SS)[A-Z]{2}|(?!km|kg|cm|mm|mb|gb|kb)[a-z]{2})(?!\w)"
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def iban_valid(candidate: str) -> bool:
    """ISO 13616: the country's length and the mod-97 check."""
    compact = candidate.replace(" ", "").upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def bsn_valid(candidate: str) -> bool:
    """Dutch citizen service number: the 'elfproef'."""
    digits = _digits(candidate)
    if len(digits) != 9 or digits == "0" * 9:
        return False
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def be_national_valid(candidate: str) -> bool:
    """Belgian national register number: 97 minus the first 9 digits mod 97.

    For people born in 2000 or later, a 2 is put before the 9 digits.
    """
    digits = _digits(candidate)
    if len(digits) != 11:
        return False
    body, check = digits[:9], int(digits[9:])
    return check in (97 - int(body) % 97, 97 - int("2" + body) % 97)


def phone_like(candidate: str) -> bool:
    """The phone rule in the module docstring."""
    digits = _digits(candidate)
    if candidate.startswith(("+", "00")):
        international = digits[2:] if candidate.startswith("00") else digits
        if international.startswith("0"):
            return False
        country, national = international[:2], international[2:]
        if country in ("31", "32"):
            national = national[1:] if national.startswith("0") else national  # +31 (0)6
            return len(national) in ((9,) if country == "31" else (8, 9))
        return 9 <= len(international) <= 15
    national = candidate.lstrip("(")
    if DATE_FIRST.match(national) or not re.match(r"\d\d", national):  # "0.5 0.5 0.5 .."
        return False
    return digits.startswith("0") and len(digits) in (9, 10)


Found = tuple[str, int]  # the placeholder, and where the identifier ends
Decide = Callable[[re.Match[str]], "Found | None"]


def _iban(match: re.Match[str]) -> Found | None:
    """The country's length decides where the IBAN ends; what follows is ordinary text."""
    found = match.group()
    length = IBAN_LENGTHS.get(found[:2].upper())
    seen = 0
    for end, char in enumerate(found, start=1):
        seen += char != " "
        if seen == length:
            valid = iban_valid(found[:end]) and not found[end : end + 1].isalnum()
            return (IBAN_TAG, match.start() + end) if valid else None
    return None


def _address(match: re.Match[str]) -> Found | None:
    street = match.group("street")
    if street.lower() in NOT_STREETS and not match.group("before") and street.islower():
        return None
    return ADDRESS_TAG, match.end()


def _checked(tag: str, valid: Callable[[str], bool]) -> Decide:
    """The longest valid stretch from the match's start that ends at a group boundary.

    "06 1234 5678 06 1234 5678" is one long match; its first ten digits are the phone.
    """

    def decide(match: re.Match[str]) -> Found | None:
        found = match.group()
        ends = [
            i for i in range(len(found) - 1, 0, -1) if found[i] in " ./-" and found[i - 1].isdigit()
        ]
        for end in (len(found), *ends):
            if valid(found[:end]):
                return tag, match.start() + end
        return None

    return decide


def _always(tag: str) -> Decide:
    return lambda m: (tag, m.end())


STEPS: tuple[tuple[re.Pattern[str], Decide], ...] = (
    (EMAIL, _always(EMAIL_TAG)),
    (IBAN, _iban),
    (BE_NATIONAL, _checked(BE_NATIONAL_TAG, be_national_valid)),
    (BSN, _checked(BSN_TAG, bsn_valid)),
    (PHONE, _checked(PHONE_TAG, phone_like)),
    (ADDRESS, _address),
    (POSTCODE, _always(POSTCODE_TAG)),
)


def _replace(pattern: re.Pattern[str], decide: Decide, text: str) -> str:
    """Like ``pattern.sub``, but a rejected match is searched again one character on.

    So "ik ben 23 0612345678" still finds the phone number after the rejected
    "23 0612345678". Searching the whole text keeps the look-behinds right.
    """
    parts: list[str] = []
    done = search_from = 0
    while (match := pattern.search(text, search_from)) is not None:
        found = decide(match)
        if found is None:
            search_from = match.start() + 1
            continue
        tag, end = found
        parts += [text[done : match.start()], tag]
        done = search_from = end
    parts.append(text[done:])
    return "".join(parts)


def mask(text: str) -> str:
    """The text with every identifier replaced by a short Dutch placeholder like [telefoon]."""
    for pattern, decide in STEPS:
        text = _replace(pattern, decide, text)
    return text


def mask_free_text(text: str) -> str:
    """Identifiers and third parties' names: for free text kept beyond the conversation.

    The one function for what a job-seeker types into a record (a next step, a helper,
    an evaluation's reason). Identifiers go first, so "jan.jansen@example.nl" is one
    ``[e-mail]`` and not a name with an address around it.
    """
    return mask_names(mask(text))


# Where a word and a number meet ("bsn111222333"), and the joiners "_" and "-".
_JOINS = re.compile(r"[_-]|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_IBAN_START = re.compile(r"(?=[A-Z]{2}\d{2})", re.IGNORECASE)


def contains_identifier(text: str) -> bool:
    """Whether an identifier hides anywhere in a short code-like text, such as a label.

    :func:`mask` only takes whole words, so that "a1234567b" in a sentence stays; a
    label has no sentence around it, so here a number glued to letters counts too,
    and an IBAN may start inside a word.
    """
    if mask(text) != text:
        return True
    apart = _JOINS.sub(" ", text)
    if mask(apart) != apart:
        return True
    compact = re.sub(r"[\s_-]", "", text).upper()
    for start in _IBAN_START.finditer(compact):
        i = start.start()
        length = IBAN_LENGTHS.get(compact[i : i + 2], 0)
        if length and iban_valid(compact[i : i + length]):
            return True
    return False
