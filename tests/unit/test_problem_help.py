"""Which words name a problem that comes before any answer (data/content/problem_help.yml)."""

from __future__ import annotations

import pytest

from bot.escalation.regional_help import problem_help


@pytest.mark.parametrize(
    "text",
    [
        "de eerste, want mijn uitkering is gestopt",
        "ik heb schulden en de deurwaarder komt",
        "ik blow elke dag, kom er nie vanaf",
        "mijn vriend slaat mij",
    ],
)
def test_a_problem_is_serious(text: str) -> None:
    assert problem_help().serious(text)


@pytest.mark.parametrize(
    "text",
    [
        "wacht nee, doe maar de eerste want dan hou ik mijn uitkering",
        "de tweede, dan behoud ik mijn bijstand",
        "ik wil mijn ww houden",
    ],
)
def test_keeping_a_benefit_is_a_reason_not_a_problem(text: str) -> None:
    assert not problem_help().serious(text)
