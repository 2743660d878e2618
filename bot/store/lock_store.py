"""Rasa's Redis lock store, made safe for several Rasa replicas and Redis restarts.

Configure in the endpoints file (``make prod`` generates it)::

    lock_store:
      type: bot.store.lock_store.ReplicaSafeRedisLockStore
      url: 127.0.0.1
      port: 26379

Two things Rasa's ``RedisLockStore`` does not do:

* **Atomic tickets.** Rasa reads the lock, changes it in Python and writes it
  back. Two replicas taking a ticket for the same conversation at the same
  moment can both get ticket *n*, or one's ``cleanup`` deletes the ticket the
  other just took; then two messages of one conversation are processed at once.
  Here every change is one optimistic Redis transaction (``WATCH``/``MULTI``).
* **Redis restarts.** A connection error used to end the request (HTTP 500).
  Here each Redis call is retried with backoff for up to ``retry_seconds``
  (asynchronously, so the replica keeps serving other conversations). Redis
  keeps no data across a restart here, so a waiting message whose ticket was
  lost takes a new one at the end of the queue.

Rasa also polls for its turn once a second; ``poll_seconds`` makes queued
messages of one conversation follow each other faster.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.store.backoff import Backoff

logger = logging.getLogger(__name__)

T = TypeVar("T")
RETRYABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
FIRST_BACKOFF_S = 0.05  # a lock is wanted now; the first retry comes sooner


class ReplicaSafeRedisLockStore(RedisLockStore):
    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        retry_seconds: float = 10.0,
        poll_seconds: float = 0.05,
        **kwargs: Any,
    ) -> None:
        """From the endpoints file (``endpoint_config``, as Rasa calls it) or keywords."""
        if endpoint_config is not None:
            options = dict(endpoint_config.kwargs)
            retry_seconds = float(options.pop("retry_seconds", retry_seconds))
            poll_seconds = float(options.pop("poll_seconds", poll_seconds))
            kwargs = {"host": endpoint_config.url or "localhost", **options, **kwargs}
        self.retry_seconds = retry_seconds
        self.poll_seconds = poll_seconds
        super().__init__(**kwargs)

    # ---- atomic changes ----

    def _change(
        self,
        conversation_id: str,
        change: Callable[[TicketLock | None], tuple[TicketLock | None, T]],
    ) -> T:
        """Apply ``change`` to the stored lock in one transaction (retried on conflict).

        ``change`` returns the lock to store (``None``: delete the key) and a result.
        """
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    current = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(current)
                    pipe.multi()
                    if new is None or not new.tickets:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except redis.exceptions.WatchError:
                    continue  # another replica changed it first: read again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self._change(conversation_id, take)

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Drop the ticket; the key goes with the last one (in the same transaction)."""

        def drop(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, drop)

    # ---- retries around every Redis call of a turn ----

    async def _retried(self, call: Callable[..., T], *args: Any) -> T:
        """Run a Redis call; on a connection error wait (backoff) and try again, bounded."""
        backoff = Backoff(self.retry_seconds, first=FIRST_BACKOFF_S)
        while True:
            try:
                return call(*args)
            except RETRYABLE as error:
                delay = backoff.next_delay()
                if delay is None:
                    raise LockError(f"Redis unreachable for {self.retry_seconds} s") from error
                logger.warning("Redis lock store unreachable (%s); retrying", type(error).__name__)
                await asyncio.sleep(delay)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ticket lock: wait for the turn, hold it, give it back."""
        wait = min(wait_time_in_seconds, self.poll_seconds)
        ticket = await self._retried(self.issue_ticket, conversation_id, lock_lifetime)
        try:
            while True:
                lock = await self._retried(self.get_lock, conversation_id)
                if lock is None or lock._ticket_for_ticket_number(ticket) is None:
                    # Lost in a Redis restart (or expired): queue again, at the end.
                    logger.warning("Lock ticket lost; taking a new one")
                    ticket = await self._retried(self.issue_ticket, conversation_id, lock_lifetime)
                    continue
                if not lock.is_locked(ticket):
                    break
                await asyncio.sleep(wait)
                await self._retried(self.update_lock, conversation_id)
            yield lock
        finally:
            await self._retried(self.cleanup, conversation_id, ticket)

    # Rasa's own waiting loop is replaced by the one in ``lock``.
    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        raise NotImplementedError("use lock()")
