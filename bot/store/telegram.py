"""Queries for the Telegram channel: the chat-id link and the durable update inbox.

Every function is synchronous and short; the channel calls them through
:func:`bot.store.db.run_db`. The chat id is stored here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.privacy.masking import mask
from bot.store.db import session_scope
from bot.store.models import TelegramChat, TelegramUpdate, utcnow

# Telegram keeps an undelivered update for 24 hours; twice that is enough to
# recognise a redelivery, and short enough to keep the table small.
KEEP_HANDLED = timedelta(hours=48)


@dataclass(frozen=True)
class ChatLink:
    chat_id: int
    blocked: bool


def accept_update(update_id: int, payload: dict[str, Any]) -> bool:
    """Store a new update; False when this update_id was accepted before.

    The stored copy has its text masked (:func:`masked_update`): the live turn
    gets the raw update in memory, but a replay after a crash works on the
    masked text, like every later turn does.
    """
    try:
        with session_scope() as session:
            session.add(TelegramUpdate(update_id=update_id, payload=masked_update(payload)))
    except IntegrityError:
        return False
    return True


def masked_update(payload: dict[str, Any]) -> dict[str, Any]:
    """A copy with the message texts and captions masked (also of the message a button was on).

    Ids, chat and user fields and button data ("/affirm") stay, so a replay still
    reaches the right conversation.
    """
    masked = dict(payload)
    for kind in ("message", "edited_message"):
        if isinstance(payload.get(kind), dict):
            masked[kind] = _masked_message(payload[kind])
    query = payload.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("message"), dict):
        masked["callback_query"] = {**query, "message": _masked_message(query["message"])}
    return masked


def _masked_message(message: dict[str, Any]) -> dict[str, Any]:
    return {
        key: mask(value) if key in ("text", "caption") and isinstance(value, str) else value
        for key, value in message.items()
    }


def mark_handled(update_id: int) -> None:
    """Done: keep the id (for idempotency), erase the message itself."""
    with session_scope() as session:
        session.execute(
            update(TelegramUpdate)
            .where(TelegramUpdate.update_id == update_id)
            .values(handled_at=utcnow(), payload=None)
        )


def pending_updates(received_before: datetime) -> list[tuple[int, dict[str, Any]]]:
    """Updates accepted but never handled (the process stopped), oldest first."""
    with session_scope() as session:
        rows = session.execute(
            select(TelegramUpdate.update_id, TelegramUpdate.payload)
            .where(TelegramUpdate.handled_at.is_(None))
            .where(TelegramUpdate.received_at < received_before)
            .order_by(TelegramUpdate.update_id)
        ).all()
    return [(update_id, payload or {}) for update_id, payload in rows]


def prune_handled(keep: timedelta = KEEP_HANDLED) -> int:
    """Forget handled updates older than ``keep``; returns how many went."""
    with session_scope() as session:
        result = session.execute(
            delete(TelegramUpdate).where(TelegramUpdate.handled_at < utcnow() - keep)
        )
        return int(result.rowcount or 0)


def link_chat(conversation_id: str, chat_id: int) -> None:
    """Create or refresh the one link between a conversation and a chat.

    A user who writes is reachable again, so this also clears ``blocked_at``.
    """
    try:
        _link_chat(conversation_id, str(chat_id))
    except IntegrityError:  # a parallel first message linked it just now
        _link_chat(conversation_id, str(chat_id))


def _link_chat(conversation_id: str, chat_id: str) -> None:
    with session_scope() as session:
        stale = session.scalars(
            select(TelegramChat).where(
                TelegramChat.chat_id == chat_id, TelegramChat.conversation_id != conversation_id
            )
        ).first()
        if stale is not None:  # the pseudonym key changed: the old link is useless
            session.delete(stale)
            session.flush()
        row = session.get(TelegramChat, conversation_id)
        if row is None:
            session.add(TelegramChat(conversation_id=conversation_id, chat_id=chat_id))
        else:
            row.chat_id = chat_id
            row.blocked_at = None


def chat_for(conversation_id: str) -> ChatLink | None:
    with session_scope() as session:
        row = session.get(TelegramChat, conversation_id)
        if row is None:
            return None
        return ChatLink(chat_id=int(row.chat_id), blocked=row.blocked_at is not None)


def set_blocked(chat_id: int, blocked: bool) -> bool:
    """The user blocked (or unblocked) the bot; False when we do not know the chat."""
    with session_scope() as session:
        result = session.execute(
            update(TelegramChat)
            .where(TelegramChat.chat_id == str(chat_id))
            .values(blocked_at=utcnow() if blocked else None)
        )
        return bool(result.rowcount)
