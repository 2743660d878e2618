"""Which strings are ids (the dashboard's path convertors), and identifiers inside labels."""

from __future__ import annotations

import random
import re

import pytest

from bot.coach.ids import MAX_ID, decimal_up_to, parse_id
from bot.text.masking import contains_identifier


@pytest.mark.parametrize("limit", [1, 9, 10, 19, 20, 99, 100, 205, 1000, MAX_ID, 2**63 - 1])
def test_the_pattern_takes_exactly_1_to_the_limit(limit: int) -> None:
    pattern = re.compile(decimal_up_to(limit))
    rng = random.Random(limit)
    numbers = {*range(0, 2100), limit - 1, limit, limit + 1, limit * 10}
    numbers |= {rng.randrange(0, limit * 3) for _ in range(2000)}
    for number in numbers:
        assert bool(pattern.fullmatch(str(number))) == (1 <= number <= limit), number


def test_parse_id() -> None:
    assert parse_id("42") == 42 and parse_id(str(MAX_ID)) == MAX_ID
    for bad in (str(MAX_ID + 1), "042", "0", "-3", " 4", "4 ", "\u0664", "", None, 4.0):
        assert parse_id(bad) is None, bad


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("bsn111222333", True),  # elfproef
        ("bsn111222334", False),
        ("tel0612345678", True),
        ("be71096123456769", True),
        ("ibannl91abna0417164300x", True),
        ("rrn85073003328", True),
        ("schulden", False),
        ("vmbo-4", False),
        ("2026", False),
        ("a1234567b", False),
    ],
)
def test_identifiers_inside_words(text: str, found: bool) -> None:
    assert contains_identifier(text) is found
