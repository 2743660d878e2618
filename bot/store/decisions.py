"""Decision records (Samen Beslissen) and their follow-ups.

Only with consent. The record holds the decision, never the transcript (GUIDE §2).
A job-seeker has at most one open agreement: a new one replaces the one before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update

from bot.config import DEFAULT_REGION
from bot.store.db import session_scope
from bot.store.jobseekers import consenting
from bot.store.models import ChannelIdentity, Decision, JobSeeker, utcnow
from bot.store.pseudonym import pseudonym
from bot.text.masking import mask_free_text

OPEN = ("agreed", "later", "talk_to_coach")
STATUS_OF_OUTCOME = {"agreed": "agreed", "later": "later", "coach": "talk_to_coach"}


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    region: str
    catalogue_version: str
    goal: str | None
    options_shown: list[str]
    preferences: list[str]
    avoid: list[str]
    choice: str | None
    decided_with: str
    next_step: str | None
    next_step_on: date | None
    helper: str | None
    review_on: date | None
    status: str
    outcome: dict[str, Any] | None
    created_at: datetime
    followup_at: datetime | None

    def as_state(self) -> dict[str, Any]:
        """The fields the conversation needs to follow up or to answer "wat spraken we af?"."""
        return {
            "id": self.id,
            "status": self.status,
            "catalogue": self.catalogue_version,
            "goal": self.goal,
            "preferences": list(self.preferences),
            "avoid": list(self.avoid),
            "choice": self.choice,
            "next_what": self.next_step,
            "next_on": self.next_step_on.isoformat() if self.next_step_on else None,
            "helper": self.helper,
            "review_on": self.review_on.isoformat() if self.review_on else None,
        }


# How a choice was made: said by the user, or "not_asked" (no answer yet, older records).
DECIDED_WITH = ("alone", "with_coach", "coach_asked", "coach", "not_asked")
# The follow-up's answers: how it went, what helped or got in the way (ids and masked text),
# whether the choice still fits and what the user wants next.
REVIEW_KEYS = ("worked", "reasons", "reason_text", "still_good", "next")


def _decided_with(state: dict[str, Any], status: str) -> str:
    if status == "talk_to_coach":
        return "coach"
    said = state.get("decided_with")
    return said if said in DECIDED_WITH else "not_asked"


@dataclass(frozen=True)
class DueFollowup:
    decision_id: int
    sender_id: str
    channel: str


def _record(row: Decision) -> DecisionRecord:
    return DecisionRecord(
        id=row.id,
        region=row.region,
        catalogue_version=row.catalogue_version,
        goal=row.goal,
        options_shown=list(row.options_shown or []),
        preferences=list(row.preferences or []),
        avoid=list(row.avoid or []),
        choice=row.choice,
        decided_with=row.decided_with,
        next_step=row.next_step,
        next_step_on=row.next_step_on,
        helper=row.helper,
        review_on=row.review_on,
        status=row.status,
        outcome=row.outcome,
        created_at=row.created_at,
        followup_at=row.followup_at,
    )


# An id the flow stores ("sick", "choose_again"): not typed, so not masked.
CODE = re.compile(r"[a-z0-9_]{1,40}")


def _masked(value: Any) -> Any:
    """Typed text in a stored answer, masked at any depth; ids and booleans stay.

    An answer is kept as long as the decision, so any text in it gets what every
    free-text field of the record gets (names too), whatever key it comes under.
    """
    if isinstance(value, str):
        return value if CODE.fullmatch(value) else mask_free_text(value)
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    return value


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def record(sender_id: str, state: dict[str, Any], followup_at: datetime | None) -> int | None:
    """Store the end of a decision conversation. None without consent (nothing stored)."""
    status = STATUS_OF_OUTCOME[state["outcome"]]
    with session_scope() as session:
        seeker = consenting(session, sender_id)
        if seeker is None:
            return None
        jid = seeker.id
        now = utcnow()
        session.execute(
            update(Decision)
            .where(Decision.jobseeker_id == jid, Decision.status.in_(OPEN))
            .values(status="replaced", updated_at=now, followup_at=None)
        )
        next_on = _day(state.get("next_on"))
        row = Decision(
            jobseeker_id=jid,
            region=str(state.get("region") or seeker.region or DEFAULT_REGION),
            catalogue_version=str(state.get("catalogue") or "")[:32],
            goal=state.get("goal"),
            options_shown=list(state.get("shown") or []),
            preferences=list(state.get("preferences") or []),
            avoid=list(state.get("avoid") or []),
            choice=state.get("choice") if status == "agreed" else None,
            # Never assumed: the talk question after the agreement fills it in.
            decided_with=_decided_with(state, status),
            next_step=mask_free_text(state["next_what"]) if state.get("next_what") else None,
            next_step_on=next_on if status == "agreed" else None,
            helper=mask_free_text(state["helper"])[:120] if state.get("helper") else None,
            review_on=next_on if status == "agreed" else _day(state.get("later_on")),
            status=status,
            created_at=now,
            updated_at=now,
            followup_at=followup_at,
        )
        session.add(row)
        session.flush()
        return int(row.id)


def record_review(sender_id: str, decision_id: int | None, review: dict[str, Any]) -> bool:
    """The follow-up's answers: did it work, is it still a good choice."""
    if decision_id is None:
        return False
    with session_scope() as session:
        row = session.get(Decision, decision_id)
        if row is None or row.jobseeker_id != pseudonym(sender_id):
            return False
        outcome = {k: _masked(review.get(k)) for k in REVIEW_KEYS if k in review}
        if outcome.get("reason_text"):
            outcome["reason_text"] = mask_free_text(str(outcome["reason_text"]))[:200]
        row.outcome = outcome
        row.status, row.updated_at = "evaluated", utcnow()
        return True


def record_talk(sender_id: str, decision_id: int | None, decided_with: str) -> bool:
    """What the user said about how the choice was made: alone, with or at the coach's ask."""
    if decision_id is None or decided_with not in DECIDED_WITH:
        return False
    with session_scope() as session:
        row = session.get(Decision, decision_id)
        if row is None or row.jobseeker_id != pseudonym(sender_id):
            return False
        row.decided_with, row.updated_at = decided_with, utcnow()
    return True


def get(sender_id: str, decision_id: int) -> DecisionRecord | None:
    with session_scope() as session:
        row = session.get(Decision, decision_id)
        if row is None or row.jobseeker_id != pseudonym(sender_id):
            return None
        return _record(row)


def latest(sender_id: str) -> DecisionRecord | None:
    """The newest decision that still counts (not replaced)."""
    with session_scope() as session:
        row = session.scalars(
            select(Decision)
            .where(Decision.jobseeker_id == pseudonym(sender_id), Decision.status != "replaced")
            .order_by(Decision.created_at.desc(), Decision.id.desc())
            .limit(1)
        ).first()
        return _record(row) if row else None


def for_jobseeker(jobseeker_id: str, limit: int = 20) -> list[DecisionRecord]:
    """For the coach's view of a job-seeker, newest first (access is checked by the caller)."""
    with session_scope() as session:
        rows = session.scalars(
            select(Decision)
            .where(Decision.jobseeker_id == jobseeker_id)
            .order_by(Decision.created_at.desc(), Decision.id.desc())
            .limit(limit)
        ).all()
        return [_record(row) for row in rows]


def due_followups(
    now: datetime | None = None,
    limit: int = 50,
    sender_id: str | None = None,
    after_id: int = 0,
) -> list[DueFollowup]:
    """Follow-ups whose time has come, that nobody has sent yet, of users who still consent.

    Ordered by id, so a caller can page through all of them (``after_id``): web users
    who are away keep theirs due until they come back, and must not hide the others.
    """
    moment = now or utcnow()
    query = (
        select(Decision.id, ChannelIdentity.sender_id, ChannelIdentity.channel)
        .join(ChannelIdentity, ChannelIdentity.jobseeker_id == Decision.jobseeker_id)
        .join(JobSeeker, JobSeeker.id == Decision.jobseeker_id)
        .where(
            JobSeeker.consent.is_(True),  # consent withdrawn: no more follow-ups
            Decision.followup_at.is_not(None),
            Decision.followup_at <= moment,
            Decision.followup_sent_at.is_(None),
            Decision.status.in_(("agreed", "later")),
            Decision.id > after_id,
        )
        .order_by(Decision.id)
        .limit(limit)
    )
    if sender_id is not None:
        query = query.where(ChannelIdentity.sender_id == sender_id)
    with session_scope() as session:
        rows = session.execute(query).all()
        return [DueFollowup(int(i), str(s), str(c)) for i, s, c in rows]


def claim_followup(decision_id: int) -> bool:
    """Mark a follow-up as sent; only one caller wins, also across replicas."""
    with session_scope() as session:
        result = session.execute(
            update(Decision)
            .where(Decision.id == decision_id, Decision.followup_sent_at.is_(None))
            .values(followup_sent_at=utcnow())
        )
        return bool(result.rowcount)


def release_followup(decision_id: int) -> None:
    """Sending failed: let the next round try again."""
    with session_scope() as session:
        session.execute(
            update(Decision).where(Decision.id == decision_id).values(followup_sent_at=None)
        )
