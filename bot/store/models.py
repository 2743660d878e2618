"""Our own tables. Rasa's ``events`` table (the tracker store) lives beside them.

Job-seekers are known only by a pseudonym; the link to a channel identity sits in
its own table so it can be kept apart and erased.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base

if TYPE_CHECKING:
    # SQLAlchemy 1.4 ships no type information (its mypy plugin needs sqlalchemy2-stubs,
    # which pin another SQLAlchemy), so `declarative_base()` is Any to mypy and cannot be
    # a base class. mypy sees this stand-in instead: the models stay real classes (usable
    # in annotations, misspelt attributes are errors), while their columns are honestly
    # Any, as `Column(...)` is untyped.
    class Base:
        metadata: ClassVar[Any]
        __table__: ClassVar[Any]
        __tablename__: ClassVar[str]

        def __init__(self, **kwargs: Any) -> None: ...

else:
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
    team_id = Column(Integer, ForeignKey("teams.id", ondelete="SET NULL"), nullable=True)
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


class Team(Base):
    """Coaches work in teams; a team sees only its own job-seekers.

    A job-seeker joins a team through an invite code (deep link, widget page), or
    else falls to the team that serves their region.
    """

    __tablename__ = "teams"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(80), nullable=False, unique=True)
    region = Column(String(8), nullable=True, index=True)
    invite_code = Column(String(64), nullable=True, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class Coach(Base):
    """A dashboard account. Role ``coach`` sees one team, ``admin`` sees every team."""

    __tablename__ = "coaches"

    id = Column(Integer, primary_key=True, autoincrement=True)
    email = Column(String(254), nullable=False, unique=True)
    name = Column(String(80), nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False, default="coach")
    team_id = Column(Integer, ForeignKey("teams.id", ondelete="SET NULL"), nullable=True)
    locale = Column(String(8), nullable=False, default="nl")
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_login_at = Column(DateTime(timezone=True), nullable=True)


class CoachSession(Base):
    """Server-side dashboard session. Only a hash of the cookie value is stored."""

    __tablename__ = "coach_sessions"

    id = Column(String(64), primary_key=True)
    coach_id = Column(
        Integer, ForeignKey("coaches.id", ondelete="CASCADE"), nullable=False, index=True
    )
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    last_seen_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class CoachRequest(Base):
    """An escalation: a job-seeker needs a person. One open escalation per job-seeker.

    Status: ``waiting`` (in the inbox), ``with_coach`` (a coach took over, the
    bot is paused), ``snoozed`` (back in the inbox at ``snoozed_until``),
    ``resolved``. Priority: ``urgent`` (crisis) or ``normal``.
    """

    __tablename__ = "coach_requests"

    id = Column(Integer, primary_key=True, autoincrement=True)
    jobseeker_id = Column(
        String(64), ForeignKey("jobseekers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reason = Column(String(32), nullable=False)
    priority = Column(String(16), nullable=False, default="normal")
    status = Column(String(16), nullable=False, default="waiting", index=True)
    summary = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    team_id = Column(Integer, ForeignKey("teams.id", ondelete="SET NULL"), nullable=True)
    assigned_to = Column(Integer, ForeignKey("coaches.id", ondelete="SET NULL"), nullable=True)
    labels = Column(JSON, nullable=False, default=list)
    # Bumped on every change, so the inbox can tell what is new (live updates).
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    claimed_at = Column(DateTime(timezone=True), nullable=True)
    snoozed_until = Column(DateTime(timezone=True), nullable=True)
    resolved_at = Column(DateTime(timezone=True), nullable=True)
    # Set by retention (bot/privacy/retention.py) when the summary and the notes of a
    # long-resolved escalation were deleted; the row stays for the counts.
    transcript_deleted_at = Column(DateTime(timezone=True), nullable=True)


class EscalationNote(Base):
    """A private note between coaches; the job-seeker never sees it."""

    __tablename__ = "escalation_notes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    escalation_id = Column(
        Integer, ForeignKey("coach_requests.id", ondelete="CASCADE"), nullable=False, index=True
    )
    coach_id = Column(Integer, ForeignKey("coaches.id", ondelete="SET NULL"), nullable=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class AuditEntry(Base):
    """Who looked at or did what in the dashboard. Never message text."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    coach_id = Column(Integer, ForeignKey("coaches.id", ondelete="SET NULL"), nullable=True)
    action = Column(String(32), nullable=False)
    target = Column(String(80), nullable=True)
    detail = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)


class TelegramChat(Base):
    """The only place a Telegram chat id lives: Rasa sees a pseudonymous conversation id."""

    __tablename__ = "telegram_chats"

    conversation_id = Column(String(64), primary_key=True)
    chat_id = Column(String(32), nullable=False, unique=True)
    blocked_at = Column(DateTime(timezone=True), nullable=True)


class TelegramUpdate(Base):
    """Durable inbox: each update_id is accepted once and handled once.

    The payload and the chat key are kept only until the update has been handled,
    then erased. ``chat_key`` (a keyed hash of the chat id: the chat id itself lives
    only in ``telegram_chats``) lets any Rasa replica find a chat's unhandled updates
    in order; ``claimed_by``/``claimed_at`` say which replica is handling one now,
    so no update is handled twice even when a lock store lets two in.
    """

    __tablename__ = "telegram_updates"
    __table_args__ = (Index("ix_telegram_updates_chat_key_update_id", "chat_key", "update_id"),)

    update_id = Column(BigInteger, primary_key=True, autoincrement=False)
    payload = Column(JSON, nullable=True)
    received_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    handled_at = Column(DateTime(timezone=True), nullable=True)
    chat_key = Column(String(32), nullable=True)  # null: an update without a chat
    claimed_by = Column(String(32), nullable=True)
    claimed_at = Column(DateTime(timezone=True), nullable=True)


class Decision(Base):
    """A Samen Beslissen record (GUIDE §2): the decision, never the transcript.

    Written only with consent. ``status``: ``agreed`` (a choice and a next step),
    ``talk_to_coach`` (the user wants to decide with the coach first), ``later``
    (decide later, on ``review_on``), ``evaluated`` (the follow-up was answered),
    ``replaced`` (the user chose again before the follow-up).
    """

    __tablename__ = "decisions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    jobseeker_id = Column(
        String(64), ForeignKey("jobseekers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    region = Column(String(8), nullable=False)
    catalogue_version = Column(String(32), nullable=False)
    goal = Column(String(32), nullable=True)
    options_shown = Column(JSON, nullable=False, default=list)
    preferences = Column(JSON, nullable=False, default=list)
    # Preference ids said with "geen", "niet", "zonder": "liever niet" (None before 0010).
    avoid = Column(JSON, nullable=True, default=list)
    choice = Column(String(64), nullable=True)
    decided_with = Column(String(16), nullable=False, default="alone")  # alone / coach
    next_step = Column(Text, nullable=True)  # masked free text
    next_step_on = Column(Date, nullable=True)
    helper = Column(String(120), nullable=True)
    review_on = Column(Date, nullable=True)
    status = Column(String(16), nullable=False, default="agreed", index=True)
    outcome = Column(JSON, nullable=True)  # the follow-up's answers
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    # The follow-up: due at ``followup_at``; claimed once by setting ``followup_sent_at``.
    followup_at = Column(DateTime(timezone=True), nullable=True, index=True)
    followup_sent_at = Column(DateTime(timezone=True), nullable=True)


class ExerciseAttempt(Base):
    """One finished (or stopped) digital-skills exercise: the "meetinstrument".

    Written only with consent. Holds scores, never the user's typed answers.
    ``score`` is 0-100; ``passed`` means the user may move a level up.
    """

    __tablename__ = "exercise_attempts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    jobseeker_id = Column(
        String(64), ForeignKey("jobseekers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    exercise_id = Column(String(40), nullable=False)
    exercise_version = Column(Integer, nullable=False)
    region = Column(String(8), nullable=False)
    competence = Column(String(8), nullable=False)  # DigComp 2.2, e.g. "4.2"
    level = Column(Integer, nullable=False)
    questions = Column(Integer, nullable=False)
    correct = Column(Integer, nullable=False)  # right at the first or second try
    first_try = Column(Integer, nullable=False)  # right at the first try
    skipped = Column(Integer, nullable=False)
    answers = Column(Integer, nullable=False)  # answers given, retries included
    score = Column(Integer, nullable=False)
    passed = Column(Boolean, nullable=False)
    finished = Column(Boolean, nullable=False)  # False: stopped halfway
    seconds = Column(Integer, nullable=False)
    started_at = Column(DateTime(timezone=True), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class UsageCount(Base):
    """Anonymous monthly counts, kept when retention deletes what they were counted from.

    No ids and no text: a month (``YYYY-MM``, UTC), a metric name such as
    ``messages.user`` or ``escalations.reason.crisis``, and a number.
    """

    __tablename__ = "usage_counts"

    period = Column(String(7), primary_key=True)
    metric = Column(String(80), primary_key=True)
    count = Column(BigInteger, nullable=False, default=0)


class LoginThrottle(Base):
    """Failed dashboard logins per client, account, device and in total (bot.store.throttle).

    In the database, so every web replica sees the same counts. ``key`` is a kind
    and a keyed hash (``client:…``, ``account:…``), so no address or e-mail is kept.
    """

    __tablename__ = "login_throttle"

    key = Column(String(64), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    last_failure_at = Column(DateTime(timezone=True), nullable=False, index=True)
    blocked_until = Column(DateTime(timezone=True), nullable=True)
