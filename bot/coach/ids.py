"""Ids in dashboard URLs and forms: what is not a possible id answers 404, never 500.

Our ids are ``Integer`` columns: 32-bit on PostgreSQL, so anything beyond
2**31 - 1 (or not a plain decimal number) cannot name a row, and passing it on
would overflow the database driver. The path convertors below match only
possible ids, so the router itself answers 404 for the rest; forms use
:func:`parse_id` with the same rule.
"""

from __future__ import annotations

import re

from starlette.convertors import Convertor, register_url_convertor

MAX_ID = 2**31 - 1


def decimal_up_to(limit: int) -> str:
    """A regular expression for the numbers 1 to ``limit``, written without leading zeros."""
    digits = str(limit)
    shorter = f"[1-9][0-9]{{0,{len(digits) - 2}}}" if len(digits) > 1 else None
    same_length = [digits]  # the limit itself, then each number below it of its length
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            rest = len(digits) - i - 1
            same_length.append(f"{digits[:i]}[{low}-{int(digit) - 1}][0-9]{{{rest}}}")
    return "(?:" + "|".join(filter(None, [shorter, *same_length])) + ")"


ID_PATTERN = decimal_up_to(MAX_ID)
_ID = re.compile(ID_PATTERN)
# bot.store.pseudonym: 32 lower-case hex characters.
PSEUDONYM_PATTERN = "[0-9a-f]{32}"


def parse_id(value: object) -> int | None:
    """The id, or None when ``value`` cannot be one (not a number, out of range)."""
    text = str(value)
    return int(text) if _ID.fullmatch(text) else None


class IdConvertor(Convertor[int]):
    """``{name:id}``: a row id."""

    regex = ID_PATTERN

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        if parse_id(value) is None:
            raise ValueError(f"not an id: {value!r}")
        return str(value)


class PseudonymConvertor(Convertor[str]):
    """``{name:pseudonym}``: a job-seeker id."""

    regex = PSEUDONYM_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        if not re.fullmatch(PSEUDONYM_PATTERN, value):
            raise ValueError("not a pseudonym")
        return value


def register() -> None:
    """Make ``{name:id}`` and ``{name:pseudonym}`` known to Starlette's router."""
    register_url_convertor("id", IdConvertor())
    register_url_convertor("pseudonym", PseudonymConvertor())
