"""The shared retry policy: doubling waits, a cap, and a deadline that ends the tries."""

from __future__ import annotations

import pytest

from bot.store import backoff as module
from bot.store.backoff import Backoff


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    return now


def waits(policy: Backoff, clock: list[float]) -> list[float]:
    """Every wait the policy gives, with the clock moved on by each."""
    given: list[float] = []
    while (delay := policy.next_delay()) is not None:
        given.append(delay)
        clock[0] += delay
    return given


def test_waits_double_up_to_the_cap_and_stop_before_the_deadline(clock: list[float]) -> None:
    assert waits(Backoff(5.0, first=0.1, cap=1.0), clock) == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0]
    assert clock[0] <= 1005.0


def test_a_wait_that_would_pass_the_deadline_is_not_given(clock: list[float]) -> None:
    assert waits(Backoff(0.05, first=0.1), clock) == []


def test_time_spent_trying_counts_against_the_deadline(clock: list[float]) -> None:
    policy = Backoff(1.0, first=0.1)
    clock[0] += 0.95  # the first try itself took this long
    assert policy.next_delay() is None
