"""Engine and sessions. One engine per database URL, created lazily."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.config import PRIVATE_FILE_MODE, private_file, settings
from bot.store.backoff import Backoff

T = TypeVar("T")
logger = logging.getLogger(__name__)


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the Rasa server and the action server read while the other writes;
    # foreign keys make ON DELETE CASCADE work, which erasure relies on.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# How long a new connection waits for a restarting database before it fails.
RECONNECT_SECONDS = 15.0


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    return pooled_engine(url)


def pooled_engine(url: str | URL, future: bool = True) -> Engine:
    """Our engine settings, shared by our tables and Rasa's tracker store.

    SQLite: a few connections kept open (SQLAlchemy 1.4 opens and closes one per
    session for a file: a third of each tracker save went to closing them), WAL and
    foreign keys on each. PostgreSQL: connections checked before use, and a new one
    waits (bounded) for a database that is restarting instead of failing the turn.
    """
    url = make_url(url)
    config = settings()
    if url.drivername.startswith("sqlite"):
        in_memory = url.database in (None, "", ":memory:")
        if not in_memory:
            _private_sqlite_file(url.database)
        engine = create_engine(
            url,
            future=future,
            connect_args={"check_same_thread": False},
            **({} if in_memory else {"poolclass": QueuePool}),
        )
        event.listen(engine, "connect", sqlite_pragmas)
        return engine
    engine = create_engine(
        url,
        future=future,
        pool_pre_ping=True,
        pool_size=config.sql_pool_size,
        max_overflow=config.sql_max_overflow,
    )
    event.listen(engine, "do_connect", _connect_patiently)
    return engine


def _private_sqlite_file(database: str) -> None:
    """Create the SQLite file private (0600) before SQLite does, or make it so.

    It holds every conversation. SQLite gives its -wal and -shm files the mode of
    the database file, so they follow. Alembic's migrations come through here too.
    """
    if database.startswith("file:"):
        return  # a URI: SQLite opens it with its own options
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite says so in its own words
    os.close(private_file(path, os.O_RDONLY | os.O_CREAT))
    for companion in ("-wal", "-shm", "-journal"):  # left from before, maybe laxer
        other = path.with_name(path.name + companion)
        if other.exists():
            other.chmod(PRIVATE_FILE_MODE)


def _connect_patiently(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    backoff = Backoff(RECONNECT_SECONDS)
    while True:
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.dbapi.OperationalError:
            delay = backoff.next_delay()
            if delay is None:
                raise
            logger.warning("Database refuses connections; trying again")
            time.sleep(delay)


def engine() -> Engine:
    return engine_for(settings().database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back on error."""
    factory = sessionmaker(bind=engine(), future=True, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


async def run_db(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking database work in a thread so the event loop stays free."""
    return await asyncio.to_thread(fn, *args)
