"""Rasa's SQL tracker store, pointed at the same database as our own tables.

Configure with ``type: bot.store.tracker_store.WerkmaatjeTrackerStore`` in
endpoints.yml; the database comes from ``DATABASE_URL`` (SQLite by default).

Personal identifiers are masked in every event before it is written (issue 7
§1): the turn itself runs on the raw text in memory, the stored copy (and so
every later turn, transcript and export) has placeholders.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot.config import settings
from bot.privacy.events import mask_event
from bot.store.db import sqlite_pragmas

ERASURE_ACTION = "action_erase_data"
# What the action says once the erasure is committed; an action that failed says nothing.
ERASURE_DONE = "utter_erasure_done"


class WerkmaatjeTrackerStore(SQLTrackerStore):
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
        if url.drivername.startswith("sqlite"):
            event.listen(self.engine, "connect", sqlite_pragmas)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self._erased(tracker):
            return
        await super().save(tracker)

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
        from bot.privacy.erasure import delete_events  # imports Telegram rendering

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
