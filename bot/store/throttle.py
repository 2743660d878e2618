"""Failed-login counters with back-off, shared by every web replica (table ``login_throttle``).

Each counter (a *bucket*) has a :class:`Limit`: a few failures are free, then every
further failure blocks the bucket for a while, twice as long each time up to a cap.
A bucket without a failure for ``FORGET`` starts again from zero. Attempts refused
while a bucket is blocked are not counted, so the cap really is the longest wait.

The table cannot grow without bound: rows nobody needs any more (quiet for longer
than ``FORGET`` and not blocked) go on every write, and beyond
``MAX_ROWS`` the rows with the oldest failure go first (the global bucket stays).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from bot.store.db import session_scope
from bot.store.escalations import aware
from bot.store.models import LoginThrottle, utcnow

GLOBAL_KEY = "global"
MAX_ROWS = 10_000
FORGET = timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    """``free`` failures without a wait; then blocks of ``first``, doubling, at most ``cap``."""

    free: int
    first: timedelta
    cap: timedelta

    def block(self, failures: int) -> timedelta | None:
        """How long the bucket is blocked after its ``failures``-th failure in a row."""
        if failures < self.free:
            return None
        return min(self.cap, self.first * 2 ** min(failures - self.free, 32))


def wait(keys: Iterable[str], now: datetime | None = None) -> float:
    """Seconds until every one of these buckets allows an attempt (0: now)."""
    now = now or utcnow()
    with session_scope() as session:
        ends = session.execute(
            select(LoginThrottle.blocked_until).where(LoginThrottle.key.in_(list(keys)))
        ).scalars()
        waits = [(aware(end) - now).total_seconds() for end in ends if end is not None]
    return max([0.0, *waits])


def failed(buckets: Iterable[tuple[str, Limit]], now: datetime | None = None) -> float:
    """Count a failure in each bucket; returns the longest block it started (seconds)."""
    now, buckets = now or utcnow(), list(buckets)
    try:
        longest = _count(buckets, now)
    except IntegrityError:  # another replica created one of the rows at the same moment
        longest = _count(buckets, now)
    prune(now)
    return longest


def _count(buckets: list[tuple[str, Limit]], now: datetime) -> float:
    longest = 0.0
    with session_scope() as session:
        # One order for every caller, so two replicas never lock the rows crosswise.
        for key, limit in sorted(buckets, key=lambda bucket: bucket[0]):
            row = session.execute(
                select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
            ).scalar_one_or_none()
            if row is None:
                row = LoginThrottle(key=key, failures=0, last_failure_at=now)
                session.add(row)
            elif now - (aware(row.last_failure_at) or now) > FORGET:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            block = limit.block(row.failures)
            if block is not None:
                row.blocked_until = now + block
                longest = max(longest, block.total_seconds())
            session.flush()
    return longest


def succeeded(keys: Iterable[str]) -> None:
    """Forget these buckets (the account's and the device's after a correct password)."""
    with session_scope() as session:
        session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(list(keys))))


def prune(now: datetime | None = None, max_rows: int | None = None) -> int:
    """Delete rows no limit needs any more, then the oldest beyond ``max_rows``."""
    now, max_rows = now or utcnow(), MAX_ROWS if max_rows is None else max_rows
    with session_scope() as session:
        stale = session.execute(
            delete(LoginThrottle)
            .where(LoginThrottle.last_failure_at < now - FORGET)
            .where(or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now))
        ).rowcount
        excess = session.execute(select(func.count()).select_from(LoginThrottle)).scalar_one()
        excess -= max_rows
        if excess <= 0:
            return int(stale or 0)
        oldest = (
            select(LoginThrottle.key)
            .where(LoginThrottle.key != GLOBAL_KEY)
            .order_by(LoginThrottle.last_failure_at)
            .limit(excess)
        )
        evicted = session.execute(
            delete(LoginThrottle)
            .where(LoginThrottle.key.in_(oldest.scalar_subquery()))
            .execution_options(synchronize_session=False)
        ).rowcount
    return int(stale or 0) + int(evicted or 0)
