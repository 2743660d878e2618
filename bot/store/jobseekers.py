"""Queries about job-seekers: profile, consent, progress log (escalations: escalations.py).

Every function is synchronous and short; async callers wrap them in
:func:`bot.store.db.run_db`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.db import session_scope
from bot.store.models import (
    ChannelIdentity,
    Decision,
    ExerciseAttempt,
    JobSeeker,
    ProgressEvent,
    utcnow,
)
from bot.store.pseudonym import pseudonym

# FOR NO KEY UPDATE on PostgreSQL: consent changes and consent-based writes wait for
# each other, rows that only point at the job-seeker (escalations) do not.
ROW_LOCK = {"key_share": True}


@dataclass(frozen=True)
class Profile:
    id: str
    region: str | None
    consent: bool | None
    disclosed: bool
    first_seen: datetime
    is_new: bool


def _profile(row: JobSeeker, is_new: bool) -> Profile:
    return Profile(
        id=row.id,
        region=row.region,
        consent=row.consent,
        disclosed=row.disclosed_at is not None,
        first_seen=row.first_seen,
        is_new=is_new,
    )


def touch(sender_id: str, channel: str, region: str | None = None) -> Profile:
    """Create or update the job-seeker behind a channel address; return the profile."""
    try:
        return _touch(sender_id, channel, region)
    except IntegrityError:  # a parallel first message created the row just now
        return _touch(sender_id, channel, region)


def _touch(sender_id: str, channel: str, region: str | None) -> Profile:
    jid = pseudonym(sender_id)
    with session_scope() as session:
        row = session.get(JobSeeker, jid)
        is_new = row is None
        if row is None:
            row = JobSeeker(id=jid, channel=channel, region=region)
            session.add(row)
            session.flush()  # the identity row points at this one
            session.add(ChannelIdentity(jobseeker_id=jid, channel=channel, sender_id=sender_id))
        else:
            row.last_seen = utcnow()
            if region:
                row.region = region
        session.flush()
        return _profile(row, is_new)


def get_profile(sender_id: str) -> Profile | None:
    with session_scope() as session:
        row = session.get(JobSeeker, pseudonym(sender_id))
        return _profile(row, False) if row else None


def row_for(session: Session, sender_id: str, lock: bool = False) -> JobSeeker:
    """The job-seeker's row, created when missing (e.g. after a database reset).

    Shared with :mod:`bot.store.escalations`, which writes in the same transaction.
    ``lock`` holds the row until the transaction ends (see :func:`consenting`).
    """
    jid = pseudonym(sender_id)
    row = session.get(JobSeeker, jid, with_for_update=ROW_LOCK if lock else None)
    if row is None:
        row = JobSeeker(id=jid, channel="unknown")
        session.add(row)
        session.flush()
    return row


def _update(sender_id: str, **values: Any) -> None:
    with session_scope() as session:
        row = row_for(session, sender_id)
        for key, value in values.items():
            setattr(row, key, value)


def mark_disclosed(sender_id: str) -> None:
    _update(sender_id, disclosed_at=utcnow())


def set_region(sender_id: str, region: str) -> None:
    _update(sender_id, region=region)


# The records that exist only because the user consented (GUIDE §6).
CONSENT_BASED = (ProgressEvent, Decision, ExerciseAttempt)


def consenting(session: Session, sender_id: str) -> JobSeeker | None:
    """The job-seeker's row when they consent to storing progress, else None.

    Every write of a consent-based record checks this first, in its own transaction.
    The row stays locked until that transaction ends, so a withdrawal that runs at
    the same moment waits, and then deletes the new record too (PostgreSQL; SQLite
    runs one writer at a time anyway).
    """
    row = session.get(JobSeeker, pseudonym(sender_id), with_for_update=ROW_LOCK)
    return row if row is not None and row.consent is True else None


def forget_progress(session: Session, jobseeker_id: str) -> dict[str, int]:
    """Delete the consent-based records of one job-seeker; how many of each went.

    Runs inside the caller's transaction, so a withdrawal and its deletion happen
    together. The decisions take their pending follow-ups with them.
    """
    return {
        model.__tablename__: int(
            session.execute(delete(model).where(model.jobseeker_id == jobseeker_id)).rowcount or 0
        )
        for model in CONSENT_BASED
    }


def _change_consent(session: Session, row: JobSeeker, consent: bool) -> bool:
    """Set the answer; without consent, nothing consent-based stays. Returns whether it changed."""
    changed = row.consent is not consent
    if changed:
        row.consent, row.consent_changed_at = consent, utcnow()
    if not consent:
        forget_progress(session, row.id)
    return changed


def set_consent(sender_id: str, consent: bool) -> bool:
    """Give or withdraw consent at any time. Returns whether it changed."""
    with session_scope() as session:
        return _change_consent(session, row_for(session, sender_id, lock=True), consent)


def complete_onboarding(sender_id: str, consent: bool, region: str | None, channel: str) -> bool:
    """Store the onboarding answers in one transaction. Returns whether consent changed.

    The channel is only known for sure once the user has written (REST sends no
    channel name at session start), so it is filled in here too. Consent withdrawn
    here (the form asks again after the privacy overview) deletes what was stored.
    """
    with session_scope() as session:
        row = row_for(session, sender_id, lock=True)
        changed = _change_consent(session, row, consent)
        if region:
            row.region = region
        if channel != "unknown" and row.channel == "unknown":
            row.channel = channel
            identity = session.get(ChannelIdentity, row.id)
            if identity is not None:
                identity.channel = channel
        if consent:
            session.add(
                ProgressEvent(jobseeker_id=row.id, kind="onboarded", data={"region": region})
            )
        return changed


def log_progress(sender_id: str, kind: str, data: dict[str, Any] | None = None) -> bool:
    """Append a progress event, but only with consent. Returns whether it was stored."""
    with session_scope() as session:
        row = consenting(session, sender_id)
        if row is None:
            return False
        session.add(ProgressEvent(jobseeker_id=row.id, kind=kind, data=data or {}))
        return True


def progress_counts(sender_id: str) -> dict[str, int]:
    jid = pseudonym(sender_id)
    with session_scope() as session:
        rows = session.execute(
            select(ProgressEvent.kind, func.count())
            .where(ProgressEvent.jobseeker_id == jid)
            .group_by(ProgressEvent.kind)
        ).all()
        return {kind: count for kind, count in rows}
