"""The Telegram inbox's drain: a chat's updates once each, in order, whichever process took them.

Two ``UpdateProcessor`` objects in one event loop stand in for two Rasa replicas;
they share the test database and a lock store. ``handle`` is recorded instead of
reaching Rasa, so what is tested is the drain itself: lock, claim, order, marking.
The real replicas (Redis lock store, two Rasa servers) are in tests/scaleout/.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from types import SimpleNamespace
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore

from bot.channels import telegram as channel
from bot.store import telegram as store
from bot.store.db import session_scope
from bot.store.models import TelegramUpdate, utcnow

T = TypeVar("T")
TIMEOUT_S = 30.0
_update_ids = itertools.count(random.randrange(10**10, 10**11, 10**6))


class Replica(channel.UpdateProcessor):
    """A processor whose turns are recorded (and may be slow) instead of sent to Rasa."""

    def __init__(self, name: str, seen: list[tuple[str, int, str]], slow: set[str]) -> None:
        async def unused(_: Any) -> None:
            raise AssertionError("handle() is replaced")

        super().__init__(unused)
        self.name = name
        self.seen = seen
        self.slow = slow

    async def handle(self, update: dict[str, Any]) -> None:
        message = update.get("message") or {}
        text = str(message.get("text", ""))
        chat_id = (message.get("chat") or {}).get("id", 0)
        if text in self.slow:  # a slow turn: the chat's next update must wait for it
            await asyncio.sleep(0.3)
        self.seen.append((self.name, chat_id, text))


class OpenDoor(LockStore):
    """A shared lock store that lets everyone in at once, like a lost race on Redis tickets."""

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = 60, wait_time_in_seconds: float = 1
    ) -> AsyncIterator[TicketLock]:
        await asyncio.sleep(0)
        yield TicketLock(conversation_id)


def app_with(locks: LockStore) -> Any:
    """What the channel reads from Sanic: ``app.ctx.agent`` with its lock store."""
    return SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(lock_store=locks)))


def new_chat() -> int:
    return random.randrange(9_000_000_000, 9_900_000_000)


def text_update(chat_id: int, text: str) -> dict[str, Any]:
    chat = {"id": chat_id, "type": "private"}
    message = {"message_id": 1, "date": 1, "chat": chat, "from": {"id": chat_id}, "text": text}
    return {"update_id": next(_update_ids), "message": message}


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, TIMEOUT_S))


def row(update_id: int) -> TelegramUpdate:
    with session_scope() as session:
        found = session.get(TelegramUpdate, update_id)
        assert found is not None
        return found


async def deliver_alternately(
    replicas: list[Replica], updates: list[dict[str, Any]], app: Any
) -> None:
    """Accept each update on the next replica in turn, as a load balancer would, then wait."""
    for replica, update in zip(itertools.cycle(replicas), updates):
        assert store.accept_update(update["update_id"], update)
        replica.schedule(update["update_id"], update, app)
        await asyncio.sleep(0)
    for replica in replicas:
        await replica.idle()


def interleaved(chats: list[int], per_chat: int) -> list[dict[str, Any]]:
    return [text_update(chat, f"{chat}-{n}") for n in range(per_chat) for chat in chats]


def assert_in_order_once(
    seen: list[tuple[str, int, str]], updates: list[dict[str, Any]], chats: list[int]
) -> None:
    for chat in chats:
        texts = [text for _, chat_id, text in seen if chat_id == chat]
        assert texts == [f"{chat}-{n}" for n in range(len(texts))], "in update order"
    assert len(seen) == len(updates), "each update handled once"
    for update in updates:
        stored = row(update["update_id"])
        assert stored.handled_at is not None
        assert stored.payload is None and stored.chat_key is None, "erased once handled"


def test_two_processes_sharing_a_lock_store_handle_each_chat_in_order_once() -> None:
    chats = [new_chat() for _ in range(3)]
    updates = interleaved(chats, 4)
    seen: list[tuple[str, int, str]] = []
    slow = {f"{chat}-0" for chat in chats}
    replicas = [Replica("a", seen, slow), Replica("b", seen, slow)]
    run(deliver_alternately(replicas, updates, app_with(InMemoryLockStore())))
    assert_in_order_once(seen, updates, chats)
    assert {name for name, _, _ in seen} <= {"a", "b"}


def test_the_claim_keeps_order_when_the_lock_store_lets_both_in() -> None:
    chats = [new_chat() for _ in range(2)]
    updates = interleaved(chats, 4)
    seen: list[tuple[str, int, str]] = []
    slow = {f"{chat}-{n}" for chat in chats for n in range(4)}
    replicas = [Replica("a", seen, slow), Replica("b", seen, slow)]
    run(deliver_alternately(replicas, updates, app_with(OpenDoor())))
    assert_in_order_once(seen, updates, chats)


def test_one_process_behaves_as_before_with_the_raw_text_and_without_an_agent() -> None:
    chat = new_chat()
    updates = [text_update(chat, f"{chat}-{n}") for n in range(3)]
    updates[1]["message"]["text"] = "bel 0612345678"
    seen: list[tuple[str, int, str]] = []
    replica = Replica("a", seen, {f"{chat}-0"})
    no_agent = SimpleNamespace(ctx=SimpleNamespace())  # tests and start-up: in memory
    run(deliver_alternately([replica], updates, no_agent))
    assert [text for _, _, text in seen] == [f"{chat}-0", "bel 0612345678", f"{chat}-2"]


def test_an_update_taken_by_another_process_is_handled_on_the_masked_copy() -> None:
    chat = new_chat()
    first, second = text_update(chat, f"{chat}-0"), text_update(chat, "bel 0612345678")
    seen: list[tuple[str, int, str]] = []
    a, b = Replica("a", seen, {f"{chat}-0"}), Replica("b", seen, set())
    app = app_with(InMemoryLockStore())

    async def both() -> None:
        assert store.accept_update(first["update_id"], first)
        a.schedule(first["update_id"], first, app)
        await asyncio.sleep(0.1)  # a is in the slow first turn, holding the chat's lock
        assert store.accept_update(second["update_id"], second)  # b's webhook stored it
        await a.idle()  # a's drain goes on to the chat's next update: b's
        b.schedule(second["update_id"], second, app)  # b's own drain finds nothing left
        await b.idle()

    run(both())
    assert seen == [("a", chat, f"{chat}-0"), ("a", chat, "bel [telefoon]")]
    assert not b._raw, "b forgets the raw text of an update another process handled"


def test_an_update_without_a_chat_is_handled_alone_and_once() -> None:
    chat = new_chat()
    lonely: dict[str, Any] = {"update_id": next(_update_ids), "poll": {"id": "1"}}
    blocked = text_update(chat, f"{chat}-0")
    seen: list[tuple[str, int, str]] = []
    a, b = Replica("a", seen, {f"{chat}-0"}), Replica("b", seen, set())
    app = app_with(InMemoryLockStore())

    async def both() -> None:
        for update in (blocked, lonely):
            assert store.accept_update(update["update_id"], update)
        a.schedule(blocked["update_id"], blocked, app)
        b.schedule(lonely["update_id"], lonely, app)
        await b.idle()
        await a.idle()
        await b._drain(None, lonely["update_id"], b._locks(app))  # again: nothing to do

    run(both())
    assert seen == [("b", 0, ""), ("a", chat, f"{chat}-0")], "alone: not behind the slow chat"
    assert row(lonely["update_id"]).handled_at is not None


def test_claims_respect_a_live_handler_and_take_over_a_dead_one() -> None:
    chat = new_chat()
    first, second = text_update(chat, "een"), text_update(chat, "twee")
    for update in (first, second):
        assert store.accept_update(update["update_id"], update)
    key = store.chat_key(chat)
    assert row(first["update_id"]).chat_key == key, "the chat is stored for the indexed query"
    assert str(chat) not in key, "as a keyed hash: the chat id itself lives in telegram_chats"
    lease = timedelta(seconds=60)
    claim = store.claim_next(key, "a" * 32, lease)
    assert isinstance(claim, store.Claim) and claim.update_id == first["update_id"]
    assert claim.payload["message"]["text"] == "een"
    # Another replica may not take the oldest, and not the next one either: order first.
    assert store.claim_next(key, "b" * 32, lease) == store.BUSY
    assert store.claim_next(key, "a" * 32, lease) == store.BUSY, "not twice by the owner"
    # One process (in-memory lock store): a claim by another owner is a dead process's.
    taken = store.claim_next(key, "c" * 32, lease, others_alive=False)
    assert isinstance(taken, store.Claim) and taken.update_id == first["update_id"]
    # Across replicas a claim is taken over only after its lease: the handler crashed.
    with session_scope() as session:
        session.get(TelegramUpdate, first["update_id"]).claimed_at = utcnow() - 2 * lease
    again = store.claim_next(key, "b" * 32, lease)
    assert isinstance(again, store.Claim) and again.update_id == first["update_id"]
    store.mark_handled(first["update_id"])
    after = store.claim_next(key, "b" * 32, lease)
    assert isinstance(after, store.Claim) and after.update_id == second["update_id"]
    store.mark_handled(second["update_id"])
    assert store.claim_next(key, "b" * 32, lease) is None


def test_recovery_after_a_crash_in_the_middle_handles_the_rest_in_order() -> None:
    chat = new_chat()
    updates = [text_update(chat, f"{chat}-{n}") for n in range(3)]
    for update in updates:
        assert store.accept_update(update["update_id"], update)
    # The dead process had claimed the first update and never finished it.
    dead = store.claim_next(store.chat_key(chat), "d" * 32, timedelta(seconds=60))
    assert isinstance(dead, store.Claim)
    seen: list[tuple[str, int, str]] = []
    restarted = Replica("a", seen, set())
    ready = SimpleNamespace(is_ready=lambda: True, lock_store=InMemoryLockStore())

    async def restart() -> None:
        await restarted.recover(SimpleNamespace(ctx=SimpleNamespace(agent=ready)))
        await restarted.idle()

    run(restart())
    assert [text for _, chat_id, text in seen if chat_id == chat] == [
        f"{chat}-{n}" for n in range(3)
    ]
    assert all(row(update["update_id"]).handled_at is not None for update in updates)
