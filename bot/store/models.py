"""Our own tables. Rasa's ``events`` table (the tracker store) lives beside them.

Job-seekers are known only by a pseudonym; the link to a channel identity sits in
its own table so it can be kept apart and erased.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class JobSeeker(Base):
    __tablename__ = "jobseekers"

    id = Column(String(64), primary_key=True)  # pseudonym, see bot.store.pseudonym
    channel = Column(String(32), nullable=False)
    region = Column(String(8), nullable=True)
    # None: not asked yet; True / False: the user's answer.
    consent = Column(Boolean, nullable=True)
    consent_changed_at = Column(DateTime(timezone=True), nullable=True)
    disclosed_at = Column(DateTime(timezone=True), nullable=True)
    first_seen = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_seen = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ChannelIdentity(Base):
    """The one place that links a pseudonym to a reachable channel address."""

    __tablename__ = "channel_identities"

    jobseeker_id = Column(
        String(64), ForeignKey("jobseekers.id", ondelete="CASCADE"), primary_key=True
    )
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(255), nullable=False, index=True)


class ProgressEvent(Base):
    """Append-only log of what a job-seeker did. Written only with consent."""

    __tablename__ = "progress_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    jobseeker_id = Column(
        String(64), ForeignKey("jobseekers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = Column(String(64), nullable=False)
    data = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class CoachRequest(Base):
    """A request for a human coach. The escalation issue grows this into a full inbox."""

    __tablename__ = "coach_requests"

    id = Column(Integer, primary_key=True, autoincrement=True)
    jobseeker_id = Column(
        String(64), ForeignKey("jobseekers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reason = Column(String(32), nullable=False)
    priority = Column(String(16), nullable=False, default="normal")
    status = Column(String(16), nullable=False, default="waiting")
    summary = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class TelegramChat(Base):
    """The only place a Telegram chat id lives: Rasa sees a pseudonymous conversation id."""

    __tablename__ = "telegram_chats"

    conversation_id = Column(String(64), primary_key=True)
    chat_id = Column(String(32), nullable=False, unique=True)
    blocked_at = Column(DateTime(timezone=True), nullable=True)


class TelegramUpdate(Base):
    """Durable inbox: each update_id is accepted once and handled once.

    The payload is kept only until the update has been handled, then erased.
    """

    __tablename__ = "telegram_updates"

    update_id = Column(BigInteger, primary_key=True, autoincrement=False)
    payload = Column(JSON, nullable=True)
    received_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    handled_at = Column(DateTime(timezone=True), nullable=True)
