"""The learning loop's store: messages the assistant did not understand, labelled by coaches.

Candidates are read from Rasa's ``events`` table, never copied: a user message is one
when the classifier fell back (intent ``nlu_fallback``, or the next action was a
fallback action) or its top intent's confidence was below
``REVIEW_CONFIDENCE_THRESHOLD``. Only messages of job-seekers who consented
(``jobseekers.consent``, linked through ``channel_identities.sender_id``, which is
Rasa's conversation id), within ``RETENTION_EVENT_DAYS``, and of the viewer's team.

A label row (``review_labels``) holds the event's id and time, the job-seeker, the
intent chosen (none: a new topic), who labelled and reviewed it and when: no text.
The text stays in Rasa's events, so retention and erasure of the conversation take it
away; the export reads it from there and masks it again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    and_,
    cast,
    delete,
    func,
    inspect,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from bot.config import DEFAULT_REGION, DEFAULT_REVIEW_THRESHOLD, PROJECT_ROOT, settings
from bot.nlu_data import ENTITY_MARKUP, all_examples
from bot.store.db import session_scope
from bot.store.escalations import Viewer, aware
from bot.store.models import AuditEntry, Base, ChannelIdentity, Coach, JobSeeker, Team, utcnow
from bot.store.rasa_events import EVENTS, masked_text, typed_event

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = ("action_default_fallback", "action_two_stage_fallback")
# Between the FallbackClassifier's 0.55 and this the bot answered, but was unsure.
DEFAULT_THRESHOLD = DEFAULT_REVIEW_THRESHOLD
LIST_LIMIT = 100
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
# Training and held-out sets are kept apart (docs/nlu.md): an export repeats neither.
HELDOUT = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"
# A mask placeholder ("[telefoon]") or entity markup: it would teach the placeholder.
BRACKETS = re.compile(r"[\[\]]")

LABELLED, ACCEPTED, REJECTED = "labelled", "accepted", "rejected"
EXPORTED, DUPLICATE, SKIPPED = "exported", "duplicate", "skipped"


class ReviewLabel(Base):
    """A coach's label for one user message of Rasa's ``events``; never its text."""

    __tablename__ = "review_labels"

    id = Column(Integer, primary_key=True, autoincrement=True)
    event_id = Column(Integer, nullable=False, unique=True)
    # With the id it names the event, even where a database reuses a deleted id.
    event_at = Column(Float, nullable=False)
    jobseeker_id = Column(
        String(64), ForeignKey("jobseekers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    predicted = Column(String(64), nullable=True)
    confidence = Column(Float, nullable=True)
    intent = Column(String(64), nullable=True)  # None: a new topic
    labelled_by = Column(Integer, ForeignKey("coaches.id", ondelete="SET NULL"), nullable=True)
    labelled_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    status = Column(String(16), nullable=False, default=LABELLED, index=True)
    reviewed_by = Column(Integer, ForeignKey("coaches.id", ondelete="SET NULL"), nullable=True)
    reviewed_at = Column(DateTime(timezone=True), nullable=True)
    exported_to = Column(String(120), nullable=True)
    exported_at = Column(DateTime(timezone=True), nullable=True)


def threshold() -> float:
    """``REVIEW_CONFIDENCE_THRESHOLD``: a message whose top intent scored less is listed."""
    return settings().review_confidence_threshold


def export_dir() -> Path:
    """``REVIEW_EXPORT_DIR``, default ``data/nlu/review`` (where ``rasa train --data data``
    finds it)."""
    return settings().review_export_dir


@dataclass(frozen=True)
class Item:
    """A message to label: masked text, what the classifier thought, and why it is listed."""

    event_id: int
    event_at: float
    jobseeker_id: str
    text: str
    predicted: str | None
    confidence: float | None
    fallback: bool

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.event_at, tz=timezone.utc)


@dataclass(frozen=True)
class Labelled:
    """A label with its message, for the admin's review."""

    id: int
    text: str
    intent: str | None
    status: str
    labelled_by: str | None
    labelled_at: datetime


@dataclass
class ExportResult:
    path: Path | None
    written: int = 0
    duplicates: int = 0
    placeholders: int = 0
    gone: int = 0


def _document(session: Session) -> Any:
    """The events' JSON column as JSON: PostgreSQL needs a cast, SQLite reads text as is."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(EVENTS.c.data, JSON)
    return cast(EVENTS.c.data, JSON)


def _confidence(session: Session) -> ColumnElement[Any]:
    return _document(session)[("parse_data", "intent", "confidence")].as_float()


def _followed_by_fallback() -> Any:
    """The user events whose next action was a fallback action."""
    user = aliased(EVENTS)
    preceding = (
        select(func.max(user.c.id))
        .where(
            user.c.type_name == "user",
            user.c.sender_id == EVENTS.c.sender_id,
            user.c.id < EVENTS.c.id,
        )
        .scalar_subquery()
    )
    return select(preceding).where(
        EVENTS.c.type_name == "action", EVENTS.c.action_name.in_(FALLBACK_ACTIONS)
    )


def _team_filter(session: Session, viewer: Viewer) -> ColumnElement[bool] | None:
    """The job-seekers of the viewer's team (bot.store.escalations.team_for); admins: all."""
    if viewer.role == "admin":
        return None
    if viewer.team_id is None:
        return JobSeeker.id.is_(None)
    firsts = select(Team.region, func.min(Team.id)).where(Team.region.is_not(None))
    regions = [r for r, t in session.execute(firsts.group_by(Team.region)) if t == viewer.team_id]
    return or_(
        JobSeeker.team_id == viewer.team_id,
        and_(
            JobSeeker.team_id.is_(None),
            func.coalesce(JobSeeker.region, DEFAULT_REGION).in_(regions),
        ),
    )


def _has_events(session: Session) -> bool:
    return bool(inspect(session.connection()).has_table("events"))


def _candidates(
    session: Session, viewer: Viewer, event_id: int | None = None, limit: int = LIST_LIMIT
) -> list[Item]:
    if not _has_events(session):
        return []
    since = (utcnow() - timedelta(days=settings().retention_event_days)).timestamp()
    unsure = or_(
        EVENTS.c.intent_name == FALLBACK_INTENT,
        _confidence(session) < threshold(),
        EVENTS.c.id.in_(_followed_by_fallback()),
    )
    query = (
        select(EVENTS.c.id, EVENTS.c.timestamp, EVENTS.c.intent_name, EVENTS.c.data, JobSeeker.id)
        .join(ChannelIdentity, ChannelIdentity.sender_id == EVENTS.c.sender_id)
        .join(JobSeeker, JobSeeker.id == ChannelIdentity.jobseeker_id)
        .where(
            EVENTS.c.type_name == "user",
            EVENTS.c.timestamp >= since,
            JobSeeker.consent.is_(True),
            EVENTS.c.id.not_in(select(ReviewLabel.event_id)),
            unsure,
        )
        .order_by(EVENTS.c.id.desc())
        .limit(limit)
    )
    team = _team_filter(session, viewer)
    if team is not None:
        query = query.where(team)
    if event_id is not None:
        query = query.where(EVENTS.c.id == event_id)
    fallback_ids = set(session.scalars(_followed_by_fallback()))
    items = []
    for eid, at, intent, data, jobseeker_id in session.execute(query):
        item = _item(int(eid), float(at), intent, data, str(jobseeker_id), fallback_ids)
        if item is not None:
            items.append(item)
    return items


def _item(
    event_id: int,
    at: float,
    intent: str | None,
    data: str | None,
    jobseeker_id: str,
    fallback_ids: set[int],
) -> Item | None:
    """The listed item, or None for a tapped button (its text is a payload) or no text."""
    event = typed_event(data)
    if event is None:
        return None
    parse = event.get("parse_data") or {}
    top = parse.get("intent") or {}
    confidence = top.get("confidence")
    return Item(
        event_id=event_id,
        event_at=at,
        jobseeker_id=jobseeker_id,
        text=masked_text(event),
        predicted=_suggestion(parse),
        confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
        fallback=intent == FALLBACK_INTENT or event_id in fallback_ids,
    )


def _suggestion(parse: dict[str, Any]) -> str | None:
    """The classifier's best real intent: below ``nlu_fallback`` in the ranking."""
    for ranked in parse.get("intent_ranking") or [parse.get("intent") or {}]:
        name = ranked.get("name") if isinstance(ranked, dict) else None
        if name and name != FALLBACK_INTENT:
            return str(name)
    return None


def to_label(viewer: Viewer, limit: int = LIST_LIMIT) -> list[Item]:
    """The newest unlabelled messages the viewer may label, newest first."""
    try:
        with session_scope() as session:
            return _candidates(session, viewer, limit=limit)
    except SQLAlchemyError:
        return []


def label(viewer: Viewer, event_id: int, intent: str | None) -> bool:
    """Store a label (``intent`` None: a new topic) and audit it; False when the message
    is not (any more) one the viewer may label."""
    with session_scope() as session:
        found = _candidates(session, viewer, event_id=event_id, limit=1)
        if not found:
            return False
        item = found[0]
        session.add(
            ReviewLabel(
                event_id=item.event_id,
                event_at=item.event_at,
                jobseeker_id=item.jobseeker_id,
                predicted=item.predicted,
                confidence=item.confidence,
                intent=intent,
                labelled_by=viewer.coach_id,
            )
        )
        _audit(session, viewer.coach_id, "review_label", event_id, intent=intent or "new_topic")
    return True


def _audit(session: Session, coach_id: int, action: str, event_id: int, **detail: Any) -> None:
    """Who did what to which message: the event's id and the intent, never the text."""
    session.add(
        AuditEntry(coach_id=coach_id, action=action, target=f"review:{event_id}", detail=detail)
    )


def _with_text(session: Session, statuses: Iterable[str]) -> list[tuple[ReviewLabel, str]]:
    """Labels in these states with their message, masked again; labels whose message
    retention or erasure took away are left out."""
    rows = session.execute(
        select(ReviewLabel, EVENTS.c.data)
        .join(
            EVENTS,
            and_(EVENTS.c.id == ReviewLabel.event_id, EVENTS.c.timestamp == ReviewLabel.event_at),
        )
        .where(ReviewLabel.status.in_(list(statuses)))
        .order_by(ReviewLabel.id)
    ).all()
    found = []
    for row, data in rows:
        event = typed_event(data)
        if event is not None:
            found.append((row, masked_text(event)))
    return found


def forget_gone(session: Session) -> int:
    """Labels whose message is gone (retention, erasure of the conversation) go too."""
    if not _has_events(session):
        return 0
    alive = select(EVENTS.c.id).where(
        EVENTS.c.id == ReviewLabel.event_id, EVENTS.c.timestamp == ReviewLabel.event_at
    )
    return int(
        session.execute(
            delete(ReviewLabel).where(~alive.exists()).execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )


def to_review() -> list[Labelled]:
    """Labelled and accepted messages, oldest first, for the admin."""
    with session_scope() as session:
        forget_gone(session)
        names = dict(session.execute(select(Coach.id, Coach.name)).all())
        return [
            Labelled(
                id=int(row.id),
                text=text,
                intent=row.intent,
                status=row.status,
                labelled_by=names.get(row.labelled_by),
                labelled_at=aware(row.labelled_at) or utcnow(),
            )
            for row, text in _with_text(session, (LABELLED, ACCEPTED))
        ]


def decide(coach_id: int, label_id: int, accept: bool) -> bool:
    """An admin accepts or rejects a label not exported yet; audited."""
    with session_scope() as session:
        row = session.get(ReviewLabel, label_id)
        if row is None or row.status not in (LABELLED, ACCEPTED, REJECTED):
            return False
        row.status = ACCEPTED if accept else REJECTED
        row.reviewed_by, row.reviewed_at = coach_id, utcnow()
        action = "review_accept" if accept else "review_reject"
        _audit(session, coach_id, action, int(row.event_id), intent=row.intent or "new_topic")
    return True


def normalised(example: str) -> str:
    """What counts as the same example: entity markup, case, spaces and end marks aside."""
    plain = ENTITY_MARKUP.sub(r"\1", example)
    return " ".join(plain.casefold().split()).rstrip(".!?… ")


def known_examples(sources: Iterable[Path]) -> set[str]:
    """Every example of the Rasa NLU files under these folders or files, normalised."""
    return {normalised(text) for text in all_examples(sources)}


def nlu_yaml(examples: dict[str, list[str]], day: date) -> str:
    """Rasa NLU training data (format 3.1), intents and examples sorted."""
    lines = [
        f"# Accepted in the dashboard's learning loop on {day.isoformat()}.",
        "# Masked messages, without identifiers (docs/dashboard.md).",
        'version: "3.1"',
        "nlu:",
    ]
    for intent in sorted(examples):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in sorted(examples[intent])]
    return "\n".join(lines) + "\n"


def _free_path(directory: Path, day: date) -> Path:
    path, n = directory / f"{day.isoformat()}.yml", 2
    while path.exists():
        path, n = directory / f"{day.isoformat()}-{n}.yml", n + 1
    return path


def export(
    coach_id: int,
    directory: Path | None = None,
    sources: Iterable[Path] = (NLU_DIR, HELDOUT),
    day: date | None = None,
) -> ExportResult:
    """Write the accepted labels (new topics aside) as training data; audited.

    Left out, and marked so they are not offered again: texts with a mask placeholder
    or brackets (they would teach "[telefoon]"), and examples already in the training
    data, the held-out set or an earlier export.
    """
    directory = directory or export_dir()
    day = day or utcnow().date()
    known = known_examples([*sources, directory])
    result = ExportResult(path=None)
    examples: dict[str, list[str]] = {}
    with session_scope() as session:
        result.gone = forget_gone(session)
        written = []
        for row, text in _with_text(session, (ACCEPTED,)):
            if row.intent is None:
                continue
            key = normalised(text)
            if BRACKETS.search(text):
                row.status, result.placeholders = SKIPPED, result.placeholders + 1
            elif not key or key in known:
                row.status, result.duplicates = DUPLICATE, result.duplicates + 1
            else:
                known.add(key)
                examples.setdefault(row.intent, []).append(text)
                written.append(row)
        if written:
            directory.mkdir(parents=True, exist_ok=True)
            result.path = _free_path(directory, day)
            partial = result.path.with_suffix(".tmp")
            partial.write_text(nlu_yaml(examples, day), encoding="utf-8")
            partial.replace(result.path)
            for row in written:
                row.status, row.exported_at = EXPORTED, utcnow()
                row.exported_to = result.path.name
        result.written = len(written)
        session.add(
            AuditEntry(
                coach_id=coach_id,
                action="review_export",
                target=f"file:{result.path.name}" if result.path else None,
                detail={
                    "written": result.written,
                    "duplicates": result.duplicates,
                    "placeholders": result.placeholders,
                },
            )
        )
    return result


def new_topics() -> list[str]:
    """Accepted messages no intent fits: for the team to decide on a new intent."""
    with session_scope() as session:
        return [text for row, text in _with_text(session, (ACCEPTED,)) if row.intent is None]


def forget_jobseeker(session: Session, jobseeker_id: str) -> int:
    """The erasure's part: every label of the job-seeker (the files hold no identifier)."""
    gone = session.execute(delete(ReviewLabel).where(ReviewLabel.jobseeker_id == jobseeker_id))
    return int(gone.rowcount or 0)
