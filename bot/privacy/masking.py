"""Mask personal identifiers in free text before it is stored (GUIDE §6).

People type their phone number, e-mail address, IBAN, BSN or Belgian national
number into a chat without thinking. Text we keep for coaches (escalation
summaries) passes through :func:`mask` first. Numbers are only masked when
their check digits are valid, so ordinary numbers ("ik ben 23", "3 jaar") stay.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
# 11 digits, written as 85.07.30-033.28, 850730 033 28 or 85073003328
BE_NATIONAL = re.compile(r"\b\d{2}[. ]?\d{2}[. ]?\d{2}[ -]?\d{3}[. ]?\d{2}\b")
# 9 digits, possibly in groups: 123456782, 1234.56.782, 123 456 782
BSN = re.compile(r"\b\d{3,4}[. ]?\d{2,3}[. ]?\d{3}\b")
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d \-()/.]{7,16}\d\b")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def iban_valid(candidate: str) -> bool:
    """ISO 13616 mod-97 check."""
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
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
    body, check = int(digits[:9]), int(digits[9:])
    return check in (97 - body % 97, 97 - int("2" + digits[:9]) % 97)


def mask(text: str) -> str:
    text = EMAIL.sub("[e-mail]", text)
    text = IBAN.sub(lambda m: "[iban]" if iban_valid(m.group()) else m.group(), text)
    text = BE_NATIONAL.sub(
        lambda m: "[rijksregisternummer]" if be_national_valid(m.group()) else m.group(), text
    )
    text = BSN.sub(lambda m: "[bsn]" if bsn_valid(m.group()) else m.group(), text)
    return PHONE.sub(
        lambda m: "[telefoon]" if 9 <= len(_digits(m.group())) <= 13 else m.group(), text
    )
