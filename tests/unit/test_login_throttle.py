"""The failed-login throttle in the database: back-off, forgetting, and a bounded table."""

from __future__ import annotations

from collections.abc import Iterator
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


def test_free_failures_then_doubling_blocks_up_to_the_cap() -> None:
    bucket, now = key(), utcnow()
    blocks = [throttle.failed([(bucket, LIMIT)], now) for _ in range(7)]
    assert blocks == [0, 0, 5, 10, 20, 30, 30]
    assert throttle.wait([bucket], now) == 30
    assert throttle.wait([bucket], now + timedelta(seconds=31)) == 0
    assert throttle.wait([key()], now) == 0


def test_the_longest_block_of_the_buckets_counts() -> None:
    first, second, now = key(), key(), utcnow()
    for _ in range(4):
        throttle.failed([(first, LIMIT)], now)
    throttle.failed([(second, LIMIT)], now)
    assert throttle.wait([first, second], now) == 10


def test_a_quiet_bucket_starts_again() -> None:
    bucket, then = key(), utcnow() - throttle.FORGET - timedelta(minutes=1)
    for _ in range(3):
        throttle.failed([(bucket, LIMIT)], then)
    assert throttle.failed([(bucket, LIMIT)]) == 0


def test_success_clears_a_bucket() -> None:
    bucket = key()
    for _ in range(3):
        throttle.failed([(bucket, LIMIT)])
    throttle.succeeded([bucket])
    assert throttle.wait([bucket]) == 0 and rows() == 0


def test_old_rows_go_and_blocked_ones_stay() -> None:
    old = utcnow() - throttle.FORGET - timedelta(minutes=1)
    long_block = throttle.Limit(free=1, first=timedelta(hours=2), cap=timedelta(hours=2))
    throttle.failed([(key(), LIMIT)], old)
    throttle.failed([(key(), long_block)], old)
    throttle.failed([(key(), LIMIT)])
    assert rows() == 2  # the old, unblocked row went with the last write


def test_the_table_never_holds_more_than_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(throttle, "MAX_ROWS", 20)
    throttle.failed([(throttle.GLOBAL_KEY, LIMIT)], utcnow() - timedelta(minutes=30))
    for _ in range(50):
        throttle.failed([(key(), LIMIT)])
    assert rows() == 20
    with session_scope() as session:
        assert session.get(LoginThrottle, throttle.GLOBAL_KEY) is not None
