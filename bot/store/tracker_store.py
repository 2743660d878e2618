"""Rasa's SQL tracker store, pointed at the same database as our own tables.

Configure with ``type: bot.store.tracker_store.WerkmaatjeTrackerStore`` in
endpoints.yml; the database comes from ``DATABASE_URL`` (SQLite by default).

Personal identifiers are masked in every event before it is written: the turn itself
runs on the raw text in memory, the stored copy (and so every later turn, transcript and
export) has placeholders.

On PostgreSQL the store also rides out a database restart: Rasa's
engine has no ``pool_pre_ping``, so the first request after a restart failed on
a dead pooled connection. Here the engine checks connections before use, waits
(bounded) for a database that is starting up, and a turn's load or save that
still fails on a lost connection is tried again; ``save`` may be repeated
because Rasa writes only the events the database does not have yet.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import sessionmaker

from bot.config import settings
from bot.store.backoff import Backoff
from bot.store.db import RECONNECT_SECONDS, pooled_engine
from bot.store.rasa_events import delete_events
from bot.text.events import mask_event

ERASURE_ACTION = "action_erase_data"
# What the action says once the erasure is committed; an action that failed says nothing.
ERASURE_DONE = "utter_erasure_done"

logger = logging.getLogger(__name__)
T = TypeVar("T")


class WerkmaatjeTrackerStore(SQLTrackerStore):
    engine: Any  # set by Rasa's (untyped) SQLTrackerStore

    def __init__(self, domain: Any = None, event_broker: Any = None, **kwargs: Any) -> None:
        url = make_url(settings().database_url)
        kwargs.pop("host", None)  # the endpoint's url field; DATABASE_URL wins
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database or "",
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query) or None,
            **kwargs,
        )
        # Rasa's engine, with our pool: SQLite keeps its connections open (Rasa's
        # NullPool closed one per load and save), PostgreSQL survives a restart.
        self._restartable = not url.drivername.startswith("sqlite")
        self.engine.dispose()
        self.engine = pooled_engine(self.engine.url, future=False)
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._retried(lambda: self._save(tracker))

    async def _save(self, tracker: DialogueStateTracker) -> None:
        if self._erased(tracker):
            return
        await super().save(tracker)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        return await self._retried(lambda: self._load(sender_id, fetch_events_from_all_sessions))

    async def _load(self, sender_id: str, all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's ``_retrieve``, reading only the JSON column.

        Rasa builds a full ORM object per stored event just to read ``data``; that
        was a fifth of the time spent loading a tracker (docs/performance.md).
        """
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, all_sessions)
            rows = query.with_entities(self.SQLEvent.data).all()
        events = [json.loads(row.data) for row in rows]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def _retried(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run a load or save again when the database connection was lost (bounded)."""
        if not self._restartable:
            return await attempt()
        backoff = Backoff(RECONNECT_SECONDS)
        while True:
            try:
                return await attempt()
            except (OperationalError, DBAPIError) as error:
                lost = isinstance(error, OperationalError) or error.connection_invalidated
                delay = backoff.next_delay() if lost else None
                if delay is None:
                    raise
                logger.warning("Tracker store lost the database: %s", type(error).__name__)
                await asyncio.sleep(delay)

    def _erased(self, tracker: DialogueStateTracker) -> bool:
        """After the erasure action, delete the conversation's events and store nothing.

        The action (``action_erase_data``) has deleted the user's rows and events,
        but Rasa still holds the whole tracker in memory and saves it after the turn:
        ``SQLTrackerStore.save`` stores ``tracker.events[stored:]``, and with nothing
        stored any more that is every event again. So a tracker that ran the erasure
        is never written; its events are deleted once more (the turn's lock is still
        held), and the next message starts a new, empty conversation.
        """
        if not erasure_done(tracker):
            return False
        with self.session_scope() as session:
            delete_events(session, [tracker.sender_id])
            session.commit()
        return True

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Any]:
        """The events Rasa's ``save`` writes, each with its free text masked.

        One masked stand-in per event: Rasa counts the stored events to know
        which ones are new, so the number must not change.
        """
        for stored in super()._additional_events(session, tracker):
            yield MaskedEvent(stored.type_name, mask_event(stored.as_dict()))


def erasure_done(tracker: DialogueStateTracker) -> bool:
    """Whether the erasure action ran *and succeeded* in this tracker.

    Rasa logs the action as run even when the action server failed; then the
    rows are still there, so the conversation must be stored as usual.
    """
    ran = False
    for done in tracker.events:  # the action's messages follow its ActionExecuted
        if isinstance(done, ActionExecuted):
            ran = done.action_name == ERASURE_ACTION
        elif (
            ran
            and isinstance(done, BotUttered)
            and done.metadata.get("utter_action") == ERASURE_DONE
        ):
            return True
    return False


class MaskedEvent:
    """What Rasa's ``SQLTrackerStore.save`` reads from an event: its type and its dict."""

    def __init__(self, type_name: str, data: dict[str, Any]) -> None:
        self.type_name = type_name
        self._data = data

    def as_dict(self) -> dict[str, Any]:
        return self._data
