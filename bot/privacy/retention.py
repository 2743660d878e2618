"""Retention: delete what is old, keep anonymous monthly counts.

What goes, each in short transactions so a run can stop and start again:

- Rasa's conversation events older than ``RETENTION_EVENT_DAYS`` (default 90), whole
  sessions at a time. Rasa loads a conversation from its newest ``session_started``
  and counts the stored events of that session to know what to append
  (``SQLTrackerStore._additional_events``), so a session with any younger event
  stays whole, and so does every session after it; the newest session is never cut.
  Whole sessions by id, in Rasa's order: a session's first rows (its start action,
  the AI disclosure) are stored just before its ``session_started``.
  A conversation whose newest event is older than the cut-off goes entirely (the
  next message starts a new one; profile and consent live in our own tables).
- The summary and the notes of escalations resolved more than
  ``RETENTION_ESCALATION_DAYS`` ago (default 30): a month lets a coach look back when
  the job-seeker returns about the same thing; after that the case belongs in the
  municipality's own client file. The row stays, without text, for the counts.
- Handled Telegram updates (ids kept 48 hours for idempotency) and expired
  dashboard sessions.

Before deleting, the counts of what goes are added to ``usage_counts`` in the same
transaction: no ids, no text. Only rows this run really deleted are counted (a
conflict with a parallel run or an erasure rolls that transaction back), so running
again never counts twice.

Schedule: ``make run`` runs it at start and every ``RETENTION_EVERY_HOURS`` (24).
Elsewhere set that to 0 and use cron (``15 3 * * * cd /srv/werkmaatje &&
.venv/bin/python -m bot.cli retention >> var/logs/retention.log 2>&1``), a systemd
timer (``OnCalendar=daily``, ``Persistent=true``) or ``bot.cli retention --every 24``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import case as sql_case
from sqlalchemy import delete, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import TableClause

from bot.store import telegram
from bot.store.db import session_scope
from bot.store.models import (
    CoachRequest,
    CoachSession,
    EscalationNote,
    TelegramUpdate,
    UsageCount,
    utcnow,
)
from bot.store.rasa_events import EVENTS

SESSION_STARTED = "session_started"
SESSION_START_ACTION = "action_session_start"
BATCH = 500  # ids per DELETE statement, escalations per transaction

Counts = Counter[tuple[str, str]]  # (period "YYYY-MM", metric) -> number


class Conflict(Exception):
    """Someone else deleted some of these rows meanwhile: undo, count nothing."""


@dataclass
class Report:
    """How many rows went (or would go, in a dry run), by kind. Never content."""

    dry_run: bool
    events: int = 0
    conversations_emptied: int = 0
    escalation_transcripts: int = 0
    escalation_notes: int = 0
    telegram_updates: int = 0
    coach_sessions: int = 0
    counts: Counts = field(default_factory=Counter)

    def lines(self) -> list[str]:
        rows = [
            ("conversation events", self.events),
            ("conversations removed entirely", self.conversations_emptied),
            ("escalation summaries", self.escalation_transcripts),
            ("escalation notes", self.escalation_notes),
            ("handled Telegram updates", self.telegram_updates),
            ("expired dashboard sessions", self.coach_sessions),
            ("monthly counts updated", len(self.counts)),
        ]
        head = "Dry run: nothing was deleted." if self.dry_run else "Retention done."
        width = max(len(name) for name, _ in rows)
        verb = "would go" if self.dry_run else "deleted"
        return [head, f"{'what':<{width}}  {verb:>8}"] + [
            f"{name:<{width}}  {number:>8}" for name, number in rows
        ]


def period_of(moment: datetime | float) -> str:
    """The UTC month of an event time (unix seconds) or a database time."""
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    else:
        aware = datetime.fromtimestamp(moment, timezone.utc)
    return aware.astimezone(timezone.utc).strftime("%Y-%m")


def add_counts(session: Session, counts: Counts) -> None:
    """Add to ``usage_counts`` (read and lock each row first: no dialect-specific upsert)."""
    for (period, metric), number in sorted(counts.items()):
        row = session.get(UsageCount, (period, metric[:80]), with_for_update=True)
        if row is None:
            session.add(UsageCount(period=period, metric=metric[:80], count=number))
        else:
            row.count += number


def _delete_ids(session: Session, rows: TableClause, ids: list[int]) -> None:
    """Delete exactly these rows, or raise :class:`Conflict` when some were gone already."""
    deleted = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        deleted += int(session.execute(delete(rows).where(rows.c.id.in_(chunk))).rowcount)
    if deleted != len(ids):
        raise Conflict


# --------------------------------------------------------------------------- events


def _channel(data: str | None) -> str:
    try:
        return str(json.loads(data or "{}").get("input_channel") or "unknown")
    except ValueError:
        return "unknown"


def event_counts(rows: Iterable[tuple[float, str, str | None, str | None]]) -> Counts:
    """Monthly counts of (timestamp, type, intent, user event data): messages, visits."""
    counts: Counts = Counter()
    for timestamp, type_name, intent, data in rows:
        period = period_of(timestamp)
        if type_name == "user":
            counts[period, "messages.user"] += 1
            counts[period, f"messages.user.intent.{intent or 'none'}"] += 1
            counts[period, f"messages.user.channel.{_channel(data)}"] += 1
        elif type_name == "bot":
            counts[period, "messages.bot"] += 1
        elif type_name == SESSION_STARTED:
            counts[period, "conversations"] += 1  # a visit: a new one after 60 minutes
    return counts


def _conversations_with_old_events(session: Session, cutoff: float) -> list[str]:
    if not inspect(session.connection()).has_table("events"):
        return []  # Rasa never ran on this database
    query = select(EVENTS.c.sender_id).where(EVENTS.c.timestamp < cutoff).distinct()
    return [str(sender) for sender in session.scalars(query)]


def keep_from(session: Session, sender_id: str, cutoff: float) -> int | None:
    """Events of this conversation with a lower id may go; None: keep all of them.

    In Rasa's order (by id) a session begins with the action that starts it, then
    maybe the AI disclosure, then ``session_started``. The boundary is the start of
    the session that holds the first event at or after the cut-off, so only whole
    sessions go and the newest session (the one Rasa loads) always stays. When every
    event is older than the cut-off, the whole conversation goes.
    """
    mine = EVENTS.c.sender_id == sender_id
    first_young = session.scalar(
        select(func.min(EVENTS.c.id)).where(mine, EVENTS.c.timestamp >= cutoff)
    )
    if first_young is None:
        newest = session.scalar(select(func.max(EVENTS.c.id)).where(mine))
        return None if newest is None else int(newest) + 1
    start = session.scalar(
        select(func.max(EVENTS.c.id)).where(
            mine, EVENTS.c.action_name == SESSION_START_ACTION, EVENTS.c.id <= first_young
        )
    )
    return None if start is None else int(start)


def _forget_old_events(session: Session, sender_id: str, cutoff: float, dry_run: bool) -> Report:
    report = Report(dry_run)
    before_id = keep_from(session, sender_id, cutoff)
    if before_id is None:
        return report
    user_data = sql_case((EVENTS.c.type_name == "user", EVENTS.c.data), else_=None)
    query = select(
        EVENTS.c.id, EVENTS.c.timestamp, EVENTS.c.type_name, EVENTS.c.intent_name, user_data
    ).where(EVENTS.c.sender_id == sender_id, EVENTS.c.id < before_id)
    rows = session.execute(query).all()
    if not rows:
        return report
    report.events = len(rows)
    newest = session.scalar(select(func.max(EVENTS.c.id)).where(EVENTS.c.sender_id == sender_id))
    report.conversations_emptied = int(newest is not None and newest < before_id)
    report.counts = event_counts((row[1], row[2], row[3], row[4]) for row in rows)
    if not dry_run:
        add_counts(session, report.counts)
        _delete_ids(session, EVENTS, [int(row[0]) for row in rows])
    return report


# --------------------------------------------------------------------------- escalations


def _old_escalations(session: Session, before: datetime, after_id: int) -> list[CoachRequest]:
    return list(
        session.scalars(
            select(CoachRequest)
            .where(
                CoachRequest.status == "resolved",
                CoachRequest.resolved_at < before,
                CoachRequest.transcript_deleted_at.is_(None),
                CoachRequest.id > after_id,
            )
            .order_by(CoachRequest.id)
            .limit(BATCH)
            .with_for_update()
        )
    )


def _forget_escalations(session: Session, rows: list[CoachRequest], dry_run: bool) -> Report:
    """One batch: the counts by reason, then the summary text and the notes go."""
    report = Report(dry_run, escalation_transcripts=len(rows))
    ids = [row.id for row in rows]
    notes = list(
        session.scalars(select(EscalationNote.id).where(EscalationNote.escalation_id.in_(ids)))
    )
    report.escalation_notes = len(notes)
    for row in rows:
        report.counts[period_of(row.created_at), f"escalations.reason.{row.reason}"] += 1
    if not dry_run:
        add_counts(session, report.counts)
        _delete_ids(session, EscalationNote.__table__, notes)
        now = utcnow()
        for row in rows:
            row.summary, row.transcript_deleted_at = None, now
    return report


# --------------------------------------------------------------------------- the run


def _merge(total: Report, part: Report) -> None:
    for name in (
        "events",
        "conversations_emptied",
        "escalation_transcripts",
        "escalation_notes",
        "telegram_updates",
        "coach_sessions",
    ):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.counts.update(part.counts)


def _escalation_batches(before: datetime, dry_run: bool) -> Iterator[Report]:
    after_id = 0  # paged by id: a dry run changes nothing, so the same rows would come back
    while True:
        with session_scope() as session:
            rows = _old_escalations(session, before, after_id)
            if not rows:
                return
            part = _forget_escalations(session, rows, dry_run)
        after_id = rows[-1].id
        yield part


def _short_lived(now: datetime, dry_run: bool) -> Report:
    report = Report(dry_run)
    if dry_run:
        with session_scope() as session:
            report.telegram_updates = int(
                session.scalar(
                    select(func.count()).where(
                        TelegramUpdate.handled_at < now - telegram.KEEP_HANDLED
                    )
                )
                or 0
            )
            report.coach_sessions = int(
                session.scalar(select(func.count()).where(CoachSession.expires_at < now)) or 0
            )
        return report
    report.telegram_updates = telegram.prune_handled()
    with session_scope() as session:
        report.coach_sessions = int(
            session.execute(delete(CoachSession).where(CoachSession.expires_at < now)).rowcount or 0
        )
    return report


def run(
    event_days: int,
    escalation_days: int,
    dry_run: bool = False,
    now: datetime | None = None,
) -> Report:
    """Apply retention once. ``now`` is for tests; the cut-offs count back from it."""
    if event_days < 1 or escalation_days < 1:
        raise ValueError("retention periods are at least 1 day")
    moment = now or utcnow()
    total = Report(dry_run)
    cutoff = (moment - timedelta(days=event_days)).timestamp()
    with session_scope() as session:
        conversations = _conversations_with_old_events(session, cutoff)
    for sender_id in conversations:
        try:
            with session_scope() as session:
                part = _forget_old_events(session, sender_id, cutoff, dry_run)
        except (Conflict, IntegrityError):
            continue  # an erasure or another run got there first; next run looks again
        _merge(total, part)
    try:
        for part in _escalation_batches(moment - timedelta(days=escalation_days), dry_run):
            _merge(total, part)
    except Conflict:
        pass  # a note was deleted meanwhile (erasure); the next run looks again
    _merge(total, _short_lived(moment, dry_run))
    return total
