"""Rasa's SQL tracker store, pointed at the same database as our own tables.

Configure with ``type: bot.store.tracker_store.WerkmaatjeTrackerStore`` in
endpoints.yml; the database comes from ``DATABASE_URL`` (SQLite by default).
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot.config import settings
from bot.store.db import sqlite_pragmas


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
