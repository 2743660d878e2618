"""Right to erasure (AVG art. 17): remove a job-seeker everywhere, at once.

One transaction deletes every row that names the job-seeker (profile, identity,
progress, decisions, exercises, escalations with their notes, the Telegram chat
link, Rasa's ``events`` of their conversations) and erases the payload of
Telegram updates not yet handled. Audit rows that pointed at them lose their
target. One new audit row says that an erasure happened, when, by whom (the user,
or the admin's coach id) and how many rows went: no pseudonym, no sender id, no text.

Callers hold the conversation lock (the erasure action runs inside Rasa's turn;
the dashboard goes through ``/webhooks/push/erase``). Rasa would write the
in-memory tracker back after the turn: :mod:`bot.store.tracker_store` prevents that.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.privacy.export import audit_targets, conversation_ids
from bot.store.db import session_scope
from bot.store.jobseekers import forget_progress
from bot.store.models import (
    AuditEntry,
    ChannelIdentity,
    CoachRequest,
    EscalationNote,
    JobSeeker,
    TelegramChat,
    TelegramUpdate,
)
from bot.store.pseudonym import pseudonym
from bot.store.rasa_events import delete_events
from bot.store.review import forget_jobseeker as forget_review_labels
from bot.telegram_ids import chat_id_of

AUDIT_ACTION = "erasure"


def _delete(session: Session, statement: Any) -> int:
    return int(session.execute(statement).rowcount or 0)


def _forget_telegram(session: Session, conversations: list[str]) -> tuple[int, int]:
    """The chat link, and the payload of updates from that chat still in the inbox."""
    chats = session.scalars(
        select(TelegramChat).where(TelegramChat.conversation_id.in_(conversations))
    ).all()
    chat_ids = {int(chat.chat_id) for chat in chats}
    cleared = 0
    if chat_ids:
        pending = session.scalars(
            select(TelegramUpdate).where(TelegramUpdate.payload.is_not(None))
        ).all()
        for row in pending:
            if chat_id_of(row.payload or {}) in chat_ids:
                row.payload, cleared = None, cleared + 1
    removed = _delete(
        session, delete(TelegramChat).where(TelegramChat.conversation_id.in_(conversations))
    )
    return removed, cleared


def erase(
    sender_id: str | None = None,
    jobseeker_id: str | None = None,
    by_coach: int | None = None,
) -> dict[str, int]:
    """Erase by conversation id (chat) or pseudonym (dashboard). Returns rows removed per table.

    Also erases the conversation's events when there is no profile row yet.
    """
    jid = jobseeker_id or pseudonym(sender_id or "")
    with session_scope() as session:
        conversations = conversation_ids(session, jid, sender_id)
        escalation_ids = list(
            session.scalars(select(CoachRequest.id).where(CoachRequest.jobseeker_id == jid))
        )
        counts: dict[str, int] = {}
        counts["audit_cleared"] = _delete(
            session,
            update(AuditEntry)
            .where(AuditEntry.target.in_(audit_targets(jid, escalation_ids)))
            .values(target=None),
        )
        counts["escalation_notes"] = _delete(
            session, delete(EscalationNote).where(EscalationNote.escalation_id.in_(escalation_ids))
        )
        counts |= forget_progress(session, jid)  # the consent-based records
        counts["review_labels"] = forget_review_labels(session, jid)
        for model in (CoachRequest, ChannelIdentity):
            counts[model.__tablename__] = _delete(
                session, delete(model).where(model.jobseeker_id == jid)
            )
        counts["telegram_chats"], counts["telegram_updates"] = _forget_telegram(
            session, conversations
        )
        counts["events"] = delete_events(session, conversations)
        counts["jobseekers"] = _delete(session, delete(JobSeeker).where(JobSeeker.id == jid))
        session.add(
            AuditEntry(
                coach_id=by_coach,
                action=AUDIT_ACTION,
                target=None,
                detail={"by": "admin" if by_coach else "user", "rows": counts},
            )
        )
    return counts


def conversation_of(jobseeker_id: str) -> str | None:
    """The Rasa conversation id of a job-seeker, for the dashboard's erasure."""
    with session_scope() as session:
        found = conversation_ids(session, jobseeker_id)
    return found[0] if found else None
