"""What a team's caseload figures are counted from: moments, never who or what was said.

Every reader returns the moments of the things it counts (a conversation's first
message in a week, a finished exercise, an escalation opening), so the dashboard
counts them per week with the same helper as the job-seeker page's chart. Nothing
here returns a job-seeker's id, a sender id or any text.

A job-seeker belongs to a team as in :func:`bot.store.escalations.team_for`: through
an invite code, else the first team serving their region. An escalation counts for
the team it was given when it was opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot import hours
from bot.config import DEFAULT_REGION
from bot.store.db import engine, session_scope
from bot.store.escalations import aware
from bot.store.models import (
    AuditEntry,
    ChannelIdentity,
    CoachRequest,
    Decision,
    ExerciseAttempt,
    JobSeeker,
    Team,
)
from bot.store.rasa_events import EVENTS

# The decision journey's form (domain/decision.yml): its activation starts a journey.
DECISION_FORM = "decision_form"


@dataclass(frozen=True)
class FirstReply:
    """An escalation's first coach reply: counted in the week the escalation was opened."""

    opened: datetime
    waited: timedelta  # coach time (bot.hours), nights and weekends not counted


@dataclass(frozen=True)
class Figures:
    """One moment per thing counted, in UTC; the caller buckets them per ISO week."""

    conversations: list[datetime]  # one per job-seeker and week with a message
    journeys_started: list[datetime]  # one per job-seeker and week the decision form started
    journeys_finished: list[datetime]  # decision records (kept only with consent)
    steps_agreed: list[datetime]
    steps_evaluated: list[datetime]
    exercises_done: list[datetime]
    badges_earned: list[datetime]  # a competence's first passed exercise
    escalations: dict[str, list[datetime]]  # per reason, without the topic ("problem")
    first_replies: list[FirstReply]


def teams() -> list[tuple[int, str]]:
    """Every team, by name: the admin's choice on the figures page."""
    with session_scope() as session:
        rows = session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
        return [(int(team_id), str(name)) for team_id, name in rows]


def team_name(team_id: int) -> str | None:
    with session_scope() as session:
        team = session.get(Team, team_id)
        return str(team.name) if team else None


def _members(session: Session, team_id: int) -> ColumnElement[bool]:
    """Job-seekers of the team: invited into it, or without a team in a region it serves first."""
    first = (
        select(Team.region, func.min(Team.id).label("first"))
        .where(Team.region.is_not(None))
        .group_by(Team.region)
        .subquery()
    )
    regions = list(
        session.execute(select(first.c.region).where(first.c.first == team_id)).scalars()
    )
    return or_(
        JobSeeker.team_id == team_id,
        and_(
            JobSeeker.team_id.is_(None),
            func.coalesce(JobSeeker.region, DEFAULT_REGION).in_(regions),
        ),
    )


def _utc(value: Any) -> datetime:
    """SQLite hands back naive UTC datetimes, PostgreSQL aware ones."""
    moment = aware(value)
    assert moment is not None
    return moment.astimezone(timezone.utc)


def _once_a_week(members: ColumnElement[bool], since: datetime, *where: Any) -> list[datetime]:
    """The first matching Rasa event of each conversation in each week.

    Rasa's ``events`` table may not exist yet (nothing said so far): then nothing.
    """
    query = (
        select(EVENTS.c.sender_id, EVENTS.c.timestamp)
        .join(ChannelIdentity.__table__, ChannelIdentity.sender_id == EVENTS.c.sender_id)
        .join(JobSeeker, JobSeeker.id == ChannelIdentity.jobseeker_id)
        .where(members, EVENTS.c.timestamp >= since.timestamp(), *where)
        .order_by(EVENTS.c.timestamp)
    )
    try:
        with engine().connect() as connection:
            rows = connection.execute(query).all()
    except SQLAlchemyError:
        return []
    first: dict[tuple[str, tuple[int, int]], datetime] = {}
    for sender_id, timestamp in rows:
        moment = datetime.fromtimestamp(float(timestamp), tz=timezone.utc)
        first.setdefault((str(sender_id), moment.isocalendar()[:2]), moment)
    return list(first.values())


def _moments(session: Session, query: Any) -> list[datetime]:
    return [_utc(value) for value in session.execute(query).scalars()]


def _badges(session: Session, members: ColumnElement[bool], since: datetime) -> list[datetime]:
    """A competence's badge is earned with its first passed exercise (bot.exercises.progress)."""
    earned = func.min(ExerciseAttempt.created_at)
    query = (
        select(earned)
        .join(JobSeeker, JobSeeker.id == ExerciseAttempt.jobseeker_id)
        .where(members, ExerciseAttempt.passed.is_(True))
        .group_by(ExerciseAttempt.jobseeker_id, ExerciseAttempt.competence)
        .having(earned >= since)
    )
    return _moments(session, query)


def _escalations(session: Session, team_id: int, since: datetime) -> dict[str, list[datetime]]:
    rows = session.execute(
        select(CoachRequest.reason, CoachRequest.created_at).where(
            CoachRequest.team_id == team_id, CoachRequest.created_at >= since
        )
    ).all()
    found: dict[str, list[datetime]] = {}
    for reason, created in rows:
        found.setdefault(str(reason).partition(":")[0], []).append(_utc(created))
    return found


def _first_replies(session: Session, team_id: int, since: datetime) -> list[FirstReply]:
    """From the audit log: the first reply that reached the job-seeker (``ok``)."""
    opened = {
        f"escalation:{eid}": (_utc(created), region)
        for eid, created, region in session.execute(
            select(CoachRequest.id, CoachRequest.created_at, JobSeeker.region)
            .join(JobSeeker, JobSeeker.id == CoachRequest.jobseeker_id)
            .where(CoachRequest.team_id == team_id, CoachRequest.created_at >= since)
        ).all()
    }
    if not opened:
        return []
    replies = session.execute(
        select(AuditEntry.target, AuditEntry.created_at, AuditEntry.detail)
        .where(AuditEntry.action == "reply", AuditEntry.target.in_(list(opened)))
        .order_by(AuditEntry.id)
    ).all()
    first: dict[str, FirstReply] = {}
    for target, created, detail in replies:
        if target in first or not (detail or {}).get("ok"):
            continue
        start, region = opened[target]
        first[target] = FirstReply(start, hours.working_time(start, _utc(created), region))
    return list(first.values())


def figures(team_id: int, since: datetime) -> Figures:
    """The team's figures from ``since`` (the first day of the oldest week shown) on."""
    with session_scope() as session:
        members = _members(session, team_id)
        decided = (
            select(Decision.created_at)
            .join(JobSeeker, JobSeeker.id == Decision.jobseeker_id)
            .where(members, Decision.created_at >= since)
        )
        evaluated = (
            select(Decision.updated_at)
            .join(JobSeeker, JobSeeker.id == Decision.jobseeker_id)
            .where(members, Decision.status == "evaluated", Decision.updated_at >= since)
        )
        exercises = (
            select(ExerciseAttempt.created_at)
            .join(JobSeeker, JobSeeker.id == ExerciseAttempt.jobseeker_id)
            .where(members, ExerciseAttempt.finished.is_(True), ExerciseAttempt.created_at >= since)
        )
        started = (EVENTS.c.type_name == "active_loop", EVENTS.c.action_name == DECISION_FORM)
        return Figures(
            conversations=_once_a_week(members, since, EVENTS.c.type_name == "user"),
            journeys_started=_once_a_week(members, since, *started),
            journeys_finished=_moments(session, decided),
            # A choice is kept only when a step was agreed (bot.store.decisions.record).
            steps_agreed=_moments(session, decided.where(Decision.choice.is_not(None))),
            steps_evaluated=_moments(session, evaluated),
            exercises_done=_moments(session, exercises),
            badges_earned=_badges(session, members, since),
            escalations=_escalations(session, team_id, since),
            first_replies=_first_replies(session, team_id, since),
        )
