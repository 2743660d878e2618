"""Failed-login counters with back-off, shared by every web replica (table ``login_throttle``).

Each counter (a *bucket*) has a :class:`Limit`: a few failures are free, then every
further failure blocks the bucket for a while, twice as long each time up to a cap.
A bucket without a failure for ``FORGET`` starts again from zero. Attempts refused
while a bucket is blocked are not counted, so the cap really is the longest wait.
An attempt is counted when it is let in, before the password is checked
(:func:`admit`), and forgiven when the password was right (:func:`forgive`).

The table cannot grow without bound: rows nobody needs any more (quiet for longer
than ``FORGET`` and not blocked) go on every write, and beyond
``MAX_ROWS`` the rows with the oldest failure go first (the global bucket stays).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, or_, select
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


@dataclass(frozen=True)
class Admission:
    """The answer to an attempt: refused for ``wait`` seconds, or let in (``wait`` 0).

    A let-in attempt is already counted as a failure; ``blocks`` holds the block each
    bucket got from it, so :func:`forgive` can take it back when the password was right.
    """

    wait: float
    blocks: dict[str, datetime | None] = field(default_factory=dict)


class _Refused(Exception):
    def __init__(self, wait: float) -> None:
        self.wait = wait


def admit(buckets: Iterable[tuple[str, Limit]], now: datetime | None = None) -> Admission:
    """Let an attempt in only when no bucket is blocked, and count it in the same step.

    Counting before the password is checked, in one transaction that writes first
    (a row lock on PostgreSQL, the write lock on SQLite), means parallel guesses
    cannot all pass the check before the first failure is written.
    """
    now, buckets = now or utcnow(), sorted(buckets, key=lambda bucket: bucket[0])
    try:
        try:
            blocks = _admit(buckets, now)
        except IntegrityError:  # another replica created one of the rows at the same moment
            blocks = _admit(buckets, now)
    except _Refused as refused:
        return Admission(refused.wait)
    prune(now)
    return Admission(0.0, blocks)


def _admit(buckets: list[tuple[str, Limit]], now: datetime) -> dict[str, datetime | None]:
    blocks: dict[str, datetime | None] = {}
    table = LoginThrottle.__table__
    with session_scope() as session:
        # One order for every caller, so two replicas never lock the rows crosswise.
        for key, limit in buckets:
            counted = session.execute(
                table.update()
                .where(table.c.key == key)
                .where(or_(table.c.blocked_until.is_(None), table.c.blocked_until <= now))
                .values(
                    failures=case(
                        (table.c.last_failure_at < now - FORGET, 1),
                        else_=table.c.failures + 1,
                    ),
                    last_failure_at=now,
                )
            ).rowcount
            if not counted:
                end = session.execute(
                    select(table.c.blocked_until).where(table.c.key == key)
                ).first()
                if end is not None:  # the row is there, so it is blocked: undo, refuse
                    raise _Refused((aware(end[0]) - now).total_seconds())
                session.execute(table.insert().values(key=key, failures=1, last_failure_at=now))
            failures = session.execute(
                select(table.c.failures).where(table.c.key == key)
            ).scalar_one()
            block = limit.block(failures)
            blocks[key] = now + block if block is not None else None
            if block is not None:
                session.execute(
                    table.update().where(table.c.key == key).values(blocked_until=blocks[key])
                )
    return blocks


def clear(keys: Iterable[str]) -> None:
    """Forget these buckets altogether."""
    with session_scope() as session:
        session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(list(keys))))


def forgive(admission: Admission, clear: Iterable[str] = ()) -> None:
    """The password was right: take the attempt's count back, and forget ``clear``."""
    clear = set(clear)
    table = LoginThrottle.__table__
    with session_scope() as session:
        session.execute(table.delete().where(table.c.key.in_(clear)))
        for key, block in admission.blocks.items():
            if key in clear:
                continue
            session.execute(
                table.update()
                .where(table.c.key == key, table.c.failures > 0)
                .values(failures=table.c.failures - 1)
            )
            if block is not None:  # unless a later failure has set another block since
                session.execute(
                    table.update()
                    .where(table.c.key == key, table.c.blocked_until == block)
                    .values(blocked_until=None)
                )


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
