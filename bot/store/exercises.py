"""Exercise attempts: the progress measure ("meetinstrument") of the digital-skills exercises.

Only with consent; scores and times, never what the user typed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.jobseekers import consenting
from bot.store.models import ExerciseAttempt, utcnow
from bot.store.pseudonym import pseudonym


@dataclass(frozen=True)
class Attempt:
    exercise_id: str
    exercise_version: int
    region: str
    competence: str
    level: int
    questions: int
    correct: int
    first_try: int
    skipped: int
    answers: int
    score: int
    passed: bool
    finished: bool
    seconds: int
    started_at: datetime
    created_at: datetime | None = None


_COLUMNS = tuple(f.name for f in fields(Attempt))


def _attempt(row: ExerciseAttempt) -> Attempt:
    return Attempt(**{name: getattr(row, name) for name in _COLUMNS})


def record(sender_id: str, attempt: Attempt) -> bool:
    """Store one attempt. False without consent: then nothing is stored."""
    with session_scope() as session:
        seeker = consenting(session, sender_id)
        if seeker is None:
            return False
        values = {name: getattr(attempt, name) for name in _COLUMNS}
        values["created_at"] = attempt.created_at or utcnow()
        session.add(ExerciseAttempt(jobseeker_id=seeker.id, **values))
        return True


def for_jobseeker(jobseeker_id: str, limit: int = 500) -> list[Attempt]:
    """Oldest first, so a summary can follow the path walked (access is checked by the caller)."""
    with session_scope() as session:
        rows = session.scalars(
            select(ExerciseAttempt)
            .where(ExerciseAttempt.jobseeker_id == jobseeker_id)
            .order_by(ExerciseAttempt.created_at, ExerciseAttempt.id)
            .limit(limit)
        ).all()
        return [_attempt(row) for row in rows]


def of_sender(sender_id: str) -> list[Attempt]:
    """The user's own attempts, for "Hoe ver ben ik?"."""
    return for_jobseeker(pseudonym(sender_id))
