"""A job-seeker with a row in every table that can name them, and a scan for leftovers.

Shared by the unit and integration tests of export and erasure.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import inspect, select, text

from bot.store import coaches, escalations, jobseekers
from bot.store import telegram as telegram_store
from bot.store.db import engine, session_scope
from bot.store.models import Decision, EscalationNote, ExerciseAttempt, utcnow
from bot.store.pseudonym import pseudonym


@dataclass(frozen=True)
class Person:
    sender_id: str  # Rasa's conversation id
    chat_id: int
    secret: str  # a distinctive string they "typed"
    escalation_id: int

    @property
    def jobseeker_id(self) -> str:
        return pseudonym(self.sender_id)

    def needles(self) -> list[str]:
        """What must appear nowhere after erasure."""
        return [
            self.jobseeker_id,
            self.jobseeker_id[:16],
            self.sender_id,
            str(self.chat_id),
            self.secret,
        ]


def new_person() -> Person:
    tag = uuid.uuid4().hex
    return Person(
        sender_id=f"tg-{tag[:24]}",
        chat_id=8_100_000_000 + int(tag[:8], 16) % 99_999_999,
        secret=f"Zwanenbloem{tag[24:30]}",
        escalation_id=0,
    )


def populate(person: Person) -> Person:
    """Rows in our tables (not Rasa's events): profile, progress, decision, exercise, ..."""
    sender = person.sender_id
    jobseekers.touch(sender, "telegram", "nl_BE")
    jobseekers.set_consent(sender, True)
    jobseekers.log_progress(sender, "onboarded", {"note": person.secret})
    eid = escalations.open_escalation(sender, "request", f"Vraag over {person.secret}")
    team_id = coaches.create_team(f"team-{uuid.uuid4().hex[:10]}")
    coach_id = coaches.create_coach(
        f"{uuid.uuid4().hex[:10]}@example.org",
        "Anna de Vries",
        "correct horse battery",
        team=team_id,
    )
    jid = person.jobseeker_id
    with session_scope() as session:
        session.add(
            EscalationNote(escalation_id=eid, coach_id=coach_id, text=f"Let op {person.secret}")
        )
        session.add(
            Decision(
                jobseeker_id=jid,
                region="nl_BE",
                catalogue_version="test",
                goal="work",
                options_shown=["a", "b"],
                preferences=["dichtbij"],
                choice="a",
                next_step=f"Bellen met {person.secret}",
                next_step_on=date(2030, 1, 2),
            )
        )
        session.add(
            ExerciseAttempt(
                jobseeker_id=jid,
                exercise_id="phishing_mail",
                exercise_version=1,
                region="nl_BE",
                competence="4.2",
                level=1,
                questions=3,
                correct=2,
                first_try=1,
                skipped=0,
                answers=4,
                score=67,
                passed=True,
                finished=True,
                seconds=90,
                started_at=utcnow(),
            )
        )
    coaches.audit(coach_id, "view_jobseeker", f"jobseeker:{jid[:16]}")
    coaches.audit(coach_id, "view_escalation", f"escalation:{eid}")
    telegram_store.link_chat(sender, person.chat_id)
    update_id = int(uuid.uuid4().int % 10**12)
    payload = {
        "update_id": update_id,
        "message": {"chat": {"id": person.chat_id, "type": "private"}, "text": person.secret},
    }
    telegram_store.accept_update(update_id, payload)
    return Person(person.sender_id, person.chat_id, person.secret, eid)


def leftovers(needles: list[str]) -> list[str]:
    """Every table and column in the database (Rasa's ``events`` too) that holds a needle."""
    found = []
    with engine().connect() as connection:
        for table in inspect(connection).get_table_names():
            columns = [c["name"] for c in inspect(connection).get_columns(table)]
            for row in connection.execute(text(f'select * from "{table}"')):
                for column, value in zip(columns, row, strict=True):
                    shown = str(value)
                    found += [f"{table}.{column}: {n}" for n in needles if n in shown]
    return found


def rows_of(jobseeker_id: str) -> bool:
    """Whether the profile row is still there (a quick check for the other user)."""
    from bot.store.models import JobSeeker

    with session_scope() as session:
        return session.scalar(select(JobSeeker.id).where(JobSeeker.id == jobseeker_id)) is not None
