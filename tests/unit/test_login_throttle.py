"""The failed-login throttle in the database: back-off, forgetting, and a bounded table."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy import delete, func, select

from bot.store import throttle
from bot.store.db import session_scope
from bot.store.models import LoginThrottle, utcnow

LIMIT = throttle.Limit(free=3, first=timedelta(seconds=5), cap=timedelta(seconds=30))


@pytest.fixture(autouse=True)
def empty_table() -> Iterator[None]:
    with session_scope() as session:
        session.execute(delete(LoginThrottle))
    yield
    with session_scope() as session:
        session.execute(delete(LoginThrottle))


def key() -> str:
    return f"test:{uuid4().hex}"


def rows() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(LoginThrottle)).scalar_one())


def waits(bucket: str, attempts: int) -> list[float]:
    """Attempts, each right after the previous block ran out: the block each one started."""
    now, found = utcnow(), []
    for _ in range(attempts):
        admission = throttle.admit([(bucket, LIMIT)], now)
        assert admission.wait == 0
        block = admission.blocks[bucket]
        found.append((block - now).total_seconds() if block else 0)
        now = block or now
    return found


def test_free_failures_then_doubling_blocks_up_to_the_cap() -> None:
    assert waits(key(), 7) == [0, 0, 5, 10, 20, 30, 30]


def test_a_blocked_bucket_refuses_without_counting() -> None:
    bucket, now = key(), utcnow()
    for _ in range(3):
        throttle.admit([(bucket, LIMIT)], now)
    for _ in range(5):
        assert throttle.admit([(bucket, LIMIT)], now + timedelta(seconds=1)).wait == 4
    later = throttle.admit([(bucket, LIMIT)], now + timedelta(seconds=6))
    assert later.wait == 0 and later.blocks[bucket] == now + timedelta(seconds=16)


def test_a_refusal_by_one_bucket_counts_in_none() -> None:
    blocked, other, now = key(), key(), utcnow()
    for _ in range(3):
        throttle.admit([(blocked, LIMIT)], now)
    assert throttle.admit([(blocked, LIMIT), (other, LIMIT)], now).wait == 5
    with session_scope() as session:
        assert session.get(LoginThrottle, other) is None


def test_a_quiet_bucket_starts_again() -> None:
    bucket, then = key(), utcnow() - throttle.FORGET - timedelta(minutes=1)
    for _ in range(3):
        throttle.admit([(bucket, LIMIT)], then)
    assert throttle.admit([(bucket, LIMIT)]).blocks[bucket] is None


def test_a_right_password_takes_its_count_back() -> None:
    client, account, now = key(), key(), utcnow()
    for _ in range(2):
        throttle.admit([(client, LIMIT), (account, LIMIT)], now)
    admission = throttle.admit([(client, LIMIT), (account, LIMIT)], now)
    assert admission.blocks[client] is not None  # the third would block...
    throttle.forgive(admission, clear=[account])
    with session_scope() as session:
        row = session.get(LoginThrottle, client)
        assert row.failures == 2 and row.blocked_until is None  # ...but it was right
        assert session.get(LoginThrottle, account) is None


def test_old_rows_go_and_blocked_ones_stay() -> None:
    old = utcnow() - throttle.FORGET - timedelta(minutes=1)
    long_block = throttle.Limit(free=1, first=timedelta(hours=2), cap=timedelta(hours=2))
    throttle.admit([(key(), LIMIT)], old)
    throttle.admit([(key(), long_block)], old)
    throttle.admit([(key(), LIMIT)])
    assert rows() == 2  # the old, unblocked row went with the last write


def test_the_table_never_holds_more_than_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(throttle, "MAX_ROWS", 20)
    throttle.admit([(throttle.GLOBAL_KEY, LIMIT)], utcnow() - timedelta(minutes=30))
    for _ in range(50):
        throttle.admit([(key(), LIMIT)])
    assert rows() == 20
    with session_scope() as session:
        assert session.get(LoginThrottle, throttle.GLOBAL_KEY) is not None


def test_parallel_guesses_cannot_slip_past_the_block() -> None:
    bucket, now = key(), utcnow()
    with ThreadPoolExecutor(max_workers=8) as pool:
        admissions = list(pool.map(lambda _: throttle.admit([(bucket, LIMIT)], now), range(24)))
    assert sum(1 for admission in admissions if admission.wait == 0) == LIMIT.free
