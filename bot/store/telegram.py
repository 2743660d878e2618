"""Queries for the Telegram channel: the chat-id link and the durable update inbox.

Every function is synchronous and short; the channel calls them through
:func:`bot.store.db.run_db`. The chat id is stored here and nowhere else; the inbox
has it in the payload only until the update has been handled, and beside it a keyed
hash of it (:func:`chat_key_of`), so erasing a chat leaves no chat id behind.

Several Rasa replicas share the inbox: each handles a chat's updates oldest first
under the chat's lock (:func:`claim_next`), and a claim in the row makes sure no
update is handled twice, even if the lock store lets two replicas in at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from bot.store.db import session_scope
from bot.store.models import TelegramChat, TelegramUpdate, utcnow
from bot.store.pseudonym import pseudonym
from bot.telegram_ids import chat_id_of
from bot.text.masking import mask

# Telegram keeps an undelivered update for 24 hours; twice that is enough to
# recognise a redelivery, and short enough to keep the table small.
KEEP_HANDLED = timedelta(hours=48)


BUSY: Literal["busy"] = "busy"  # another handler has the update in hand


@dataclass(frozen=True)
class ChatLink:
    chat_id: int
    blocked: bool


@dataclass(frozen=True)
class Claim:
    """An update this handler may now handle, with its stored (masked) payload."""

    update_id: int
    payload: dict[str, Any]


def accept_update(update_id: int, payload: dict[str, Any]) -> bool:
    """Store a new update; False when this update_id was accepted before.

    The stored copy has its text masked (:func:`masked_update`): the live turn
    gets the raw update in memory, but a replay after a crash works on the
    masked text, like every later turn does.
    """
    row = TelegramUpdate(
        update_id=update_id, payload=masked_update(payload), chat_key=chat_key_of(payload)
    )
    try:
        with session_scope() as session:
            session.add(row)
    except IntegrityError:
        return False
    return True


def chat_key(chat_id: int) -> str:
    """The inbox's key of a chat: keyed like a pseudonym, unlike the conversation id."""
    return pseudonym(f"telegram-chat:{chat_id}")


def chat_key_of(payload: dict[str, Any]) -> str | None:
    """The key of the chat an update belongs to; None for an update without a chat."""
    chat_id = chat_id_of(payload)
    return None if chat_id is None else chat_key(chat_id)


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
    """Done: keep the id (for idempotency), erase the message and its chat key."""
    with session_scope() as session:
        session.execute(
            update(TelegramUpdate)
            .where(TelegramUpdate.update_id == update_id)
            .values(handled_at=utcnow(), payload=None, chat_key=None, claimed_by=None)
        )


def pending_updates(received_before: datetime) -> list[tuple[int, str | None]]:
    """Updates accepted but never handled (the process stopped), oldest first, with chat key."""
    with session_scope() as session:
        rows = session.execute(
            select(TelegramUpdate.update_id, TelegramUpdate.chat_key)
            .where(TelegramUpdate.handled_at.is_(None))
            .where(TelegramUpdate.received_at < received_before)
            .order_by(TelegramUpdate.update_id)
        ).all()
    return [(int(update_id), key) for update_id, key in rows]


def waiting_in_chat(key: str) -> bool:
    """Whether the chat has an unhandled update: a drain needs the chat's lock only then."""
    with session_scope() as session:
        return (
            session.execute(
                select(TelegramUpdate.update_id)
                .where(TelegramUpdate.chat_key == key, TelegramUpdate.handled_at.is_(None))
                .limit(1)
            ).first()
            is not None
        )


def claim_next(
    key: str, owner: str, lease: timedelta, others_alive: bool = True
) -> Claim | Literal["busy"] | None:
    """Claim the oldest unhandled update of the chat ``key`` for ``owner``; None when there is none.

    Only the oldest: a later update of the chat waits until it has been handled, so
    order holds even when two handlers get here at once. ``BUSY`` when another
    claim on it is younger than ``lease`` (someone is handling it now). Without
    ``others_alive`` (one process, in-memory lock store) a claim by another owner
    is a leftover of a dead process and is taken over at once.
    """
    oldest = (
        select(TelegramUpdate.update_id, TelegramUpdate.payload)
        .where(TelegramUpdate.chat_key == key, TelegramUpdate.handled_at.is_(None))
        .order_by(TelegramUpdate.update_id)
        .limit(1)
    )
    return _claim(oldest, owner, lease, others_alive)


def claim_update(
    update_id: int, owner: str, lease: timedelta, others_alive: bool = True
) -> Claim | Literal["busy"] | None:
    """Claim one update without a chat (it has no order to keep); see :func:`claim_next`."""
    this = select(TelegramUpdate.update_id, TelegramUpdate.payload).where(
        TelegramUpdate.update_id == update_id, TelegramUpdate.handled_at.is_(None)
    )
    return _claim(this, owner, lease, others_alive)


def _claim(
    query: Any, owner: str, lease: timedelta, others_alive: bool
) -> Claim | Literal["busy"] | None:
    now = utcnow()
    with session_scope() as session:
        row = session.execute(query).first()
        if row is None:
            return None
        free: ColumnElement[bool] = or_(
            TelegramUpdate.claimed_by.is_(None), TelegramUpdate.claimed_at < now - lease
        )
        if not others_alive:
            free = or_(free, TelegramUpdate.claimed_by != owner)
        # One conditional UPDATE: of two handlers that get here at once, one wins.
        taken = session.execute(
            update(TelegramUpdate)
            .where(
                TelegramUpdate.update_id == row.update_id,
                TelegramUpdate.handled_at.is_(None),
                free,
            )
            .values(claimed_by=owner, claimed_at=now)
        )
        if not taken.rowcount:
            return BUSY
    return Claim(update_id=int(row.update_id), payload=row.payload or {})


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
