"""Escalations: the coach inbox and the life of one escalation.

One open escalation per job-seeker: asking again, a crisis or a new problem
updates the open one (a crisis makes it urgent) instead of queueing the user
twice. Status moves ``waiting`` -> ``with_coach`` (the bot is paused) ->
``waiting`` (handed back) or ``resolved``; ``snoozed`` returns to the inbox by
itself at ``snoozed_until``.

Who may see an escalation is decided here (:func:`visible`), so every route of
the dashboard applies the same rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, overload

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.config import DEFAULT_REGION
from bot.store.db import session_scope
from bot.store.jobseekers import row_for
from bot.store.models import (
    ChannelIdentity,
    Coach,
    CoachRequest,
    EscalationNote,
    JobSeeker,
    ProgressEvent,
    Team,
    utcnow,
)
from bot.store.pseudonym import pseudonym
from bot.store.rasa_events import latest_user_messages
from bot.text.masking import contains_identifier, mask

OPEN = ("waiting", "with_coach", "snoozed")
STATUSES = (*OPEN, "resolved")
PRIORITIES = ("urgent", "normal")
MAX_LABELS = 10
LABEL = re.compile(r"^[a-z0-9][a-z0-9 _-]{0,31}$")
MAX_NOTE = 4000


class NotAllowed(Exception):
    """The change does not fit the escalation's state (e.g. resolving twice)."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the dashboard passes the logged-in coach."""

    coach_id: int
    role: str  # "coach" or "admin"
    team_id: int | None


@dataclass(frozen=True)
class InboxItem:
    id: int
    jobseeker_id: str
    reason: str
    priority: str
    status: str  # effective: a snooze that ran out reads "waiting"
    created_at: datetime
    updated_at: datetime
    team_id: int | None
    team_name: str | None
    assigned_to: int | None
    assignee_name: str | None
    labels: list[str]
    region: str | None
    channel: str
    # The user's newest message (bot.store.rasa_events): when, and its masked text.
    last_seen: datetime | None = None
    last_message: str | None = None
    # A button was the newest message: there is a moment but no text to show.
    last_was_button: bool = False


@dataclass(frozen=True)
class Note:
    id: int
    coach_name: str | None
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Escalation:
    item: InboxItem
    conversation_id: str | None  # Rasa's sender id; None after erasure
    summary: str | None
    consent: bool | None
    snoozed_until: datetime | None
    claimed_at: datetime | None
    resolved_at: datetime | None
    notes: list[Note] = field(default_factory=list)
    # The retention run removed the summary, notes and transcript (bot/privacy/retention.py).
    transcript_deleted: bool = False


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def effective_status(status: str, snoozed_until: datetime | None, now: datetime) -> str:
    until = aware(snoozed_until)
    if status == "snoozed" and until is not None and until <= now:
        return "waiting"
    return status


def visible(viewer: Viewer, team_id: int | None) -> bool:
    """Admins see every team; a coach sees only their own team's job-seekers."""
    return viewer.role == "admin" or (viewer.team_id is not None and viewer.team_id == team_id)


def team_for(session: Session, jobseeker: JobSeeker) -> int | None:
    """The job-seeker's own team (invite), else the first team serving their region.

    Someone who asks for help before telling their region goes to the default
    region's team: nobody may wait in an inbox that only admins see.
    """
    if jobseeker.team_id is not None:
        return int(jobseeker.team_id)
    region = jobseeker.region or DEFAULT_REGION
    team = session.execute(
        select(Team.id).where(Team.region == region).order_by(Team.id).limit(1)
    ).scalar_one_or_none()
    return int(team) if team is not None else None


def _open_for(session: Session, jobseeker_id: str) -> CoachRequest | None:
    return session.execute(
        select(CoachRequest)
        .where(CoachRequest.jobseeker_id == jobseeker_id, CoachRequest.status.in_(OPEN))
        .order_by(CoachRequest.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def open_escalation(
    sender_id: str, reason: str, summary: str | None = None, priority: str = "normal"
) -> int:
    """Put the job-seeker in a coach's inbox, or update their open escalation. Returns its id."""
    if priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}")
    now = utcnow()
    with session_scope() as session:
        jobseeker = row_for(session, sender_id)
        row = _open_for(session, jobseeker.id)
        if row is None:
            row = CoachRequest(
                jobseeker_id=jobseeker.id,
                reason=reason[:32],
                priority=priority,
                status="waiting",
                summary=summary,
                team_id=team_for(session, jobseeker),
                labels=[],
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            return int(row.id)
        if priority == "urgent" and row.priority != "urgent":
            row.priority, row.reason = "urgent", reason[:32]
        if summary:
            row.summary = summary
        if row.status == "snoozed":  # the user needs someone now
            row.status, row.snoozed_until = "waiting", None
        row.updated_at = now
        return int(row.id)


def handoff_active(sender_id: str) -> bool:
    """Whether a coach has taken over this conversation (the bot must stay silent)."""
    with session_scope() as session:
        found = session.execute(
            select(CoachRequest.id)
            .where(
                CoachRequest.jobseeker_id == pseudonym(sender_id),
                CoachRequest.status == "with_coach",
            )
            .limit(1)
        ).scalar_one_or_none()
        return found is not None


def _scope(viewer: Viewer) -> Any:
    if viewer.role == "admin":
        return True
    if viewer.team_id is None:
        return False
    return CoachRequest.team_id == viewer.team_id


def _item(row: Any, now: datetime) -> InboxItem:
    request: CoachRequest = row.CoachRequest
    return InboxItem(
        id=int(request.id),
        jobseeker_id=request.jobseeker_id,
        reason=request.reason,
        priority=request.priority,
        status=effective_status(request.status, request.snoozed_until, now),
        created_at=aware(request.created_at) or now,
        updated_at=aware(request.updated_at) or now,
        team_id=request.team_id,
        team_name=row.team_name,
        assigned_to=request.assigned_to,
        assignee_name=row.assignee_name,
        labels=list(request.labels or []),
        region=row.region,
        channel=row.channel,
    )


def _inbox_query() -> Any:
    return (
        select(
            CoachRequest,
            Team.name.label("team_name"),
            Coach.name.label("assignee_name"),
            JobSeeker.region.label("region"),
            JobSeeker.channel.label("channel"),
            ChannelIdentity.sender_id.label("conversation_id"),
        )
        .join(JobSeeker, JobSeeker.id == CoachRequest.jobseeker_id)
        .outerjoin(Team, Team.id == CoachRequest.team_id)
        .outerjoin(Coach, Coach.id == CoachRequest.assigned_to)
        .outerjoin(ChannelIdentity, ChannelIdentity.jobseeker_id == CoachRequest.jobseeker_id)
    )


def _with_activity(rows: list[Any], now: datetime) -> list[InboxItem]:
    """Items with the user's newest message; none where retention removed the transcript."""
    latest = latest_user_messages([row.conversation_id for row in rows if row.conversation_id])
    items = []
    for row in rows:
        item = _item(row, now)
        last = latest.get(row.conversation_id) if row.conversation_id else None
        if last is not None:
            shown = row.CoachRequest.transcript_deleted_at is None
            item = replace(
                item,
                last_seen=last.at,
                last_message=last.text if shown else None,
                last_was_button=shown and last.text is None,
            )
        items.append(item)
    return items


def _status_filter(status: str | None, now: datetime) -> Any:
    """Rows whose *effective* status is ``status`` (None: every open one)."""
    snooze_over = and_(CoachRequest.status == "snoozed", CoachRequest.snoozed_until <= now)
    if status is None:
        return CoachRequest.status.in_(OPEN)
    if status == "waiting":
        return or_(CoachRequest.status == "waiting", snooze_over)
    if status == "snoozed":
        return and_(CoachRequest.status == "snoozed", ~snooze_over)
    return CoachRequest.status == status


def inbox(
    viewer: Viewer, status: str | None = None, now: datetime | None = None
) -> list[InboxItem]:
    """Escalations the viewer may see: urgent first, then the longest waiting.

    ``status`` filters on the effective status; None means every open one.
    """
    now = now or utcnow()
    query = _inbox_query().where(_scope(viewer), _status_filter(status, now))
    urgent_first = case((CoachRequest.priority == "urgent", 0), else_=1)
    order: tuple[Any, ...] = (urgent_first, CoachRequest.created_at)
    if status == "resolved":
        order = (CoachRequest.resolved_at.desc(),)
    with session_scope() as session:
        rows = session.execute(query.order_by(*order).limit(500)).all()
        return _with_activity(rows, now)


@dataclass(frozen=True)
class InboxVersion:
    """A cheap fingerprint of what the viewer's inbox shows, and its two counters.

    ``urgent`` counts open urgent escalations that nobody put aside (waiting or
    with a coach): when it goes up, the inbox raises its alert. ``waiting`` is
    the effective count, so a snooze that runs out changes the fingerprint too.
    """

    count: int
    newest: str | None
    urgent: int
    waiting: int


def inbox_version(viewer: Viewer, now: datetime | None = None) -> InboxVersion:
    now = now or utcnow()
    with session_scope() as session:
        count, newest, urgent, waiting = session.execute(
            select(
                func.count(CoachRequest.id),
                func.max(CoachRequest.updated_at),
                # Urgent and being handled or waiting: a crisis during a handoff counts too.
                func.count(CoachRequest.id).filter(
                    CoachRequest.priority == "urgent",
                    CoachRequest.status.in_(("waiting", "with_coach")),
                ),
                func.count(CoachRequest.id).filter(_status_filter("waiting", now)),
            ).where(_scope(viewer), CoachRequest.status.in_(STATUSES))
        ).one()
        return InboxVersion(int(count), str(newest) if newest else None, int(urgent), int(waiting))


def get(escalation_id: int, viewer: Viewer) -> Escalation | None:
    """One escalation with its notes; None when it does not exist or is not the viewer's."""
    now = utcnow()
    with session_scope() as session:
        row = session.execute(_inbox_query().where(CoachRequest.id == escalation_id)).one_or_none()
        if row is None or not visible(viewer, row.CoachRequest.team_id):
            return None
        request: CoachRequest = row.CoachRequest
        identity = session.get(ChannelIdentity, request.jobseeker_id)
        jobseeker = session.get(JobSeeker, request.jobseeker_id)
        notes = session.execute(
            select(EscalationNote, Coach.name)
            .outerjoin(Coach, Coach.id == EscalationNote.coach_id)
            .where(EscalationNote.escalation_id == escalation_id)
            .order_by(EscalationNote.created_at)
        ).all()
        return Escalation(
            item=_with_activity([row], now)[0],
            conversation_id=identity.sender_id if identity else None,
            summary=request.summary,
            consent=jobseeker.consent if jobseeker else None,
            snoozed_until=aware(request.snoozed_until),
            claimed_at=aware(request.claimed_at),
            resolved_at=aware(request.resolved_at),
            notes=[Note(int(n.id), name, n.text, aware(n.created_at) or now) for n, name in notes],
            transcript_deleted=request.transcript_deleted_at is not None,
        )


def _editable(session: Session, escalation_id: int, viewer: Viewer) -> CoachRequest:
    row = session.get(CoachRequest, escalation_id, with_for_update=True)
    if row is None or not visible(viewer, row.team_id):
        raise LookupError(escalation_id)
    return row


def _coach_in_team(session: Session, coach_id: int, team_id: int | None) -> bool:
    coach = session.get(Coach, coach_id)
    if coach is None or not coach.active:
        return False
    return coach.role == "admin" or (team_id is not None and coach.team_id == team_id)


def _move(
    escalation_id: int,
    viewer: Viewer,
    status: str,
    allowed_from: tuple[str, ...] = OPEN,
    **values: Any,
) -> str:
    """Change the status (and other columns) when the current one allows it.

    Returns the status it had, so the caller knows whether the bot must resume.
    """
    with session_scope() as session:
        row = _editable(session, escalation_id, viewer)
        previous = str(row.status)
        if previous not in allowed_from:
            raise NotAllowed(previous)
        row.status, row.updated_at = status, utcnow()
        for column, value in values.items():
            setattr(row, column, value)
        return previous


def claim(escalation_id: int, viewer: Viewer) -> str:
    """The viewer takes over the conversation. Returns the status it had."""
    return _move(
        escalation_id,
        viewer,
        "with_coach",
        assigned_to=viewer.coach_id,
        claimed_at=utcnow(),
        snoozed_until=None,
    )


def assign(escalation_id: int, viewer: Viewer, coach_id: int) -> None:
    """Put a coach of the team on it; they take over when they claim it."""
    with session_scope() as session:
        row = _editable(session, escalation_id, viewer)
        if row.status == "resolved":
            raise NotAllowed("resolved")
        if not _coach_in_team(session, coach_id, row.team_id):
            raise NotAllowed("coach not in team")
        row.assigned_to, row.updated_at = coach_id, utcnow()


def hand_back(escalation_id: int, viewer: Viewer) -> str:
    """The bot takes the conversation again; the escalation stays open. Returns the old status."""
    return _move(escalation_id, viewer, "waiting", allowed_from=("with_coach",))


def snooze(escalation_id: int, viewer: Viewer, hours: float) -> str:
    """Out of the inbox until later (the bot answers meanwhile). Returns the old status."""
    if not 0 < hours <= 24 * 14:
        raise ValueError("snooze between a moment and two weeks")
    until = utcnow() + timedelta(hours=hours)
    return _move(escalation_id, viewer, "snoozed", snoozed_until=until)


def resolve(escalation_id: int, viewer: Viewer) -> str:
    """Close the escalation. Returns the status it had."""
    return _move(escalation_id, viewer, "resolved", resolved_at=utcnow(), snoozed_until=None)


def clean_labels(raw: list[str]) -> list[str]:
    """Lower-case, trimmed, unique, at most ``MAX_LABELS``; anything else is refused.

    A label holding a personal identifier (a phone number typed as a label, also glued to
    letters: "bsn111222333") is refused too: labels are listed and exported.
    """
    labels: list[str] = []
    for value in raw:
        label = " ".join(value.strip().lower().split())
        if not label:
            continue
        if not LABEL.fullmatch(label) or contains_identifier(label):
            raise ValueError(f"invalid label {value[:40]!r}")
        if label not in labels:
            labels.append(label)
    if len(labels) > MAX_LABELS:
        raise ValueError("too many labels")
    return labels


def set_labels(escalation_id: int, viewer: Viewer, labels: list[str]) -> list[str]:
    cleaned = clean_labels(labels)
    with session_scope() as session:
        row = _editable(session, escalation_id, viewer)
        row.labels, row.updated_at = cleaned, utcnow()
        return cleaned


def add_note(escalation_id: int, viewer: Viewer, text: str) -> int:
    """A private coach note, with identifiers masked like everything else we store."""
    text = text.strip()
    if not text or len(text) > MAX_NOTE:
        raise ValueError("a note needs text (at most 4000 characters)")
    with session_scope() as session:
        row = _editable(session, escalation_id, viewer)
        note = EscalationNote(escalation_id=row.id, coach_id=viewer.coach_id, text=mask(text))
        session.add(note)
        row.updated_at = utcnow()
        session.flush()
        return int(note.id)


def touch(escalation_id: int) -> None:
    """Mark a change the inbox should show live (e.g. a coach's reply was sent)."""
    with session_scope() as session:
        row = session.get(CoachRequest, escalation_id)
        if row is not None:
            row.updated_at = utcnow()


@dataclass(frozen=True)
class JobSeekerView:
    id: str
    region: str | None
    consent: bool | None
    channel: str
    team_id: int | None
    first_seen: datetime
    last_seen: datetime
    progress: list[tuple[str, dict[str, Any], datetime]]
    escalations: list[InboxItem]


def jobseeker_view(jobseeker_id: str, viewer: Viewer) -> JobSeekerView | None:
    """What a coach may see of a job-seeker: profile, progress log and escalations.

    Visible when the job-seeker belongs to the viewer's team, or has an
    escalation in it.
    """
    now = utcnow()
    with session_scope() as session:
        row = session.get(JobSeeker, jobseeker_id)
        if row is None:
            return None
        escalations = _with_activity(
            session.execute(
                _inbox_query()
                .where(CoachRequest.jobseeker_id == jobseeker_id)
                .order_by(CoachRequest.created_at.desc())
            ).all(),
            now,
        )
        teams = {row.team_id, team_for(session, row)} | {e.team_id for e in escalations}
        if not any(visible(viewer, team) for team in teams):
            return None
        events = session.execute(
            select(ProgressEvent)
            .where(ProgressEvent.jobseeker_id == jobseeker_id)
            .order_by(ProgressEvent.created_at)
        ).scalars()
        return JobSeekerView(
            id=row.id,
            region=row.region,
            consent=row.consent,
            channel=row.channel,
            team_id=row.team_id,
            first_seen=aware(row.first_seen) or now,
            # The session start stamps last_seen; the newest message is later while they chat.
            last_seen=max(
                [aware(row.last_seen) or now, *(e.last_seen for e in escalations if e.last_seen)]
            ),
            progress=[(e.kind, dict(e.data or {}), aware(e.created_at) or now) for e in events],
            escalations=escalations,
        )


def join_team(sender_id: str, invite_code: str) -> bool:
    """An invite code (deep link, widget page) puts the job-seeker in that team."""
    with session_scope() as session:
        team = session.execute(
            select(Team.id).where(Team.invite_code == invite_code.strip())
        ).scalar_one_or_none()
        if team is None:
            return False
        row_for(session, sender_id).team_id = team
        return True
