"""Reading Rasa's tracker store table (``events``) in our database, without Rasa.

Rasa writes one row per event with the intent name in its own column. Before
Rasa has run (unit tests, a fresh install) the table does not exist: the
readers then answer as if it were empty.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    String,
    Text,
    column,
    delete,
    func,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.store.db import engine
from bot.text.masking import mask

# How much of a user's last message an inbox row shows.
MAX_PREVIEW = 140

# Rasa's tracker store table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent).
EVENTS = table(
    "events",
    column("id", Integer),
    column("sender_id", String),
    column("type_name", String),
    column("timestamp", Float),
    column("intent_name", String),
    column("action_name", String),
    column("data", Text),
)


def delete_events(session: Session, conversations: list[str]) -> int:
    """Delete Rasa's tracker rows of these conversations (none before Rasa ever ran).

    Here, not in the erasure, because the tracker store needs it too and the store
    never imports the features above it.
    """
    if not conversations or not inspect(session.connection()).has_table("events"):
        return 0
    return int(
        session.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(conversations))).rowcount or 0
    )


def query_rows(query: str, params: dict[str, object]) -> list[Row]:
    """The query's rows; none when Rasa's table is not there yet."""
    try:
        with engine().connect() as connection:
            return list(connection.execute(text(query), params).all())
    except SQLAlchemyError:
        return []


def _scalar(query: str, params: dict[str, object]) -> int | None:
    rows = query_rows(query, params)
    value = rows[0][0] if rows else None
    return int(value) if value is not None else None


def newest_event_id(conversation_id: str | None) -> int | None:
    """The newest event of one conversation; None without one (e.g. after erasure)."""
    if not conversation_id:
        return None
    return _scalar("select max(id) from events where sender_id = :s", {"s": conversation_id})


def newest_event_id_overall() -> int | None:
    return _scalar("select max(id) from events", {})


def user_messages_with_intent(intent: str, after: int, limit: int = 100) -> list[tuple[int, str]]:
    """(event id, conversation id) of user messages parsed as ``intent``, oldest first."""
    rows = query_rows(
        "select id, sender_id from events where type_name = 'user' and intent_name = :i "
        "and id > :after order by id limit :limit",
        {"i": intent, "after": after, "limit": limit},
    )
    return [(int(row[0]), str(row[1])) for row in rows]


@dataclass(frozen=True)
class LastMessage:
    """The newest message a user wrote in one conversation: when, and what (masked)."""

    at: datetime
    text: str | None  # None: a button was tapped (the text is its payload)


def latest_user_messages(conversation_ids: Collection[str]) -> dict[str, LastMessage]:
    """Per conversation, the user's newest message; conversations without one are left out.

    Rasa stores masked text already (bot.store.tracker_store); it is masked again
    here, so a row written before masking existed never shows an identifier.
    """
    ids = sorted({c for c in conversation_ids if c})
    if not ids:
        return {}
    newest = (
        select(func.max(EVENTS.c.id))
        .where(EVENTS.c.type_name == "user", EVENTS.c.sender_id.in_(ids))
        .group_by(EVENTS.c.sender_id)
    )
    query = select(EVENTS.c.sender_id, EVENTS.c.timestamp, EVENTS.c.data).where(
        EVENTS.c.id.in_(newest)
    )
    try:
        with engine().connect() as connection:
            rows = connection.execute(query).all()
    except SQLAlchemyError:
        return {}
    return {str(row[0]): LastMessage(_moment(row[1]), _user_text(row[2])) for row in rows}


def _moment(timestamp: float | None) -> datetime:
    return datetime.fromtimestamp(float(timestamp or 0), tz=timezone.utc)


def typed_event(data: str | None) -> dict[str, Any] | None:
    """A stored user event with typed text (not a button payload, not empty), or None."""
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return None
    text = event.get("text") if isinstance(event, dict) else None
    if not isinstance(text, str) or not text.strip() or text.startswith("/"):
        return None
    return event


def masked_text(event: dict[str, Any]) -> str:
    """The event's text for a coach's eyes: masked again, on one line."""
    return mask(" ".join(str(event["text"]).split()))


def _user_text(data: str | None) -> str | None:
    event = typed_event(data)
    return None if event is None else masked_text(event)[:MAX_PREVIEW]
