"""Reading Rasa's tracker store table (``events``) in our database, without Rasa.

Rasa writes one row per event with the intent name in its own column. Before
Rasa has run (unit tests, a fresh install) the table does not exist: the
readers then answer as if it were empty.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, Text, column, table, text
from sqlalchemy.engine import Row
from sqlalchemy.exc import SQLAlchemyError

from bot.store.db import engine

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
