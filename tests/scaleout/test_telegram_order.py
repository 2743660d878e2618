"""Telegram updates in order per chat across two Rasa replicas.

Each chat's updates go alternately to replica 0 and replica 1, several chats at
once, faster than Rasa answers, so both replicas hold updates of one chat at the
same time. Whatever replica accepted an update, the chat must see its turns one
after the other in update order: the tracker has the user messages in order, each
once, each turn finished before the next began, and the fake Telegram received
exactly the tracker's bot messages, in that order, and one typing action per update.
"""

from __future__ import annotations

import itertools
import random
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from bot.channels.telegram import chat_lock_key, conversation_id_for
from bot.config import settings
from bot.store import telegram as store
from bot.store.db import session_scope
from bot.store.models import TelegramUpdate
from tests.integration.fake_telegram import FakeTelegram
from tests.scaleout.conftest import Cluster

# A first conversation: greeting, consent, region, then "I do not understand".
MESSAGES = ["hoi", "ja", "Nederland", "ik snap het niet", "wat kun je?"]
CHATS = 4
HANDLED_TIMEOUT_S = 300.0
HTTP_TIMEOUT_S = 30
_update_ids = itertools.count(random.randrange(10**8, 10**9, 10**6))


def update_for(chat_id: int, message_id: int, text: str) -> dict[str, Any]:
    chat = {"id": chat_id, "type": "private", "first_name": "Sam"}
    sender = {"id": chat_id, "is_bot": False, "first_name": "Sam", "language_code": "nl"}
    message = {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": sender}
    return {"update_id": next(_update_ids), "message": {**message, "text": text}}


def post(replica: str, update: dict[str, Any]) -> None:
    answer = requests.post(
        f"{replica}/webhooks/telegram/webhook",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": settings().telegram_secret},
        timeout=HTTP_TIMEOUT_S,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "accepted"}


def unhandled(update_ids: list[int]) -> int:
    with session_scope() as session:
        rows = [session.get(TelegramUpdate, update_id) for update_id in update_ids]
        return sum(1 for row in rows if row is None or row.handled_at is None)


def wait_all_handled(update_ids: list[int]) -> None:
    deadline = time.monotonic() + HANDLED_TIMEOUT_S
    while (left := unhandled(update_ids)) > 0:
        assert time.monotonic() < deadline, f"{left} updates not handled"
        time.sleep(0.2)


def tracker(replica: str, conversation_id: str) -> list[dict[str, Any]]:
    answer = requests.get(
        f"{replica}/conversations/{conversation_id}/tracker",
        params={"token": settings().rasa_api_token},
        timeout=HTTP_TIMEOUT_S,
    )
    assert answer.status_code == 200, answer.text
    events: list[dict[str, Any]] = answer.json()["events"]
    return events


def turns(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The events from each user message up to the next one."""
    starts = [i for i, event in enumerate(events) if event["event"] == "user"]
    ends = [*starts[1:], len(events)]
    return [events[start:end] for start, end in zip(starts, ends, strict=True)]


def test_each_chat_is_handled_in_update_order_across_two_replicas(
    cluster: Cluster, fake_telegram: FakeTelegram
) -> None:
    fake_telegram.clear()
    chats = random.sample(range(7_000_000_000, 8_000_000_000), CHATS)
    updates = {
        chat: [update_for(chat, n + 1, text) for n, text in enumerate(MESSAGES)] for chat in chats
    }

    def send_chat(index: int, chat: int) -> None:
        """One chat's updates in order, each to the other replica than the one before."""
        for n, update in enumerate(updates[chat]):
            post(cluster.replicas[(index + n) % len(cluster.replicas)], update)

    with ThreadPoolExecutor(max_workers=CHATS) as pool:
        for done in [pool.submit(send_chat, i, chat) for i, chat in enumerate(chats)]:
            done.result(timeout=HANDLED_TIMEOUT_S)
    wait_all_handled([u["update_id"] for chat in chats for u in updates[chat]])

    for index, chat in enumerate(chats):
        conversation_id = conversation_id_for(chat)
        # Both replicas read the one tracker store: ask the other one than the first post.
        events = tracker(cluster.replicas[(index + 1) % len(cluster.replicas)], conversation_id)
        said = [turn[0]["text"] for turn in turns(events)]
        assert said == MESSAGES, f"chat {index}: user messages in update order, each once"
        for turn in turns(events)[:-1]:
            actions = [e.get("name") for e in turn if e["event"] == "action"]
            assert actions and actions[-1] == "action_listen", "a turn ended before the next"
            assert any(e["event"] == "bot" for e in turn), "every message got an answer"
        bot_texts = [e["text"] for e in events if e["event"] == "bot" and e.get("text")]
        sent = [c.params["text"] for c in fake_telegram.calls_of("sendMessage", chat)]
        assert sent == bot_texts, f"chat {index}: replies sent in the tracker's order"
        typing = fake_telegram.calls_of("sendChatAction", chat)
        assert len(typing) == len(MESSAGES), "one turn per update: none handled twice"
    # The order came from the chat's lock in Rasa's lock store: Redis, shared.
    commands = cluster.redis_log.read_text(errors="replace").splitlines()
    clients: set[str] = set()  # "[db address:port]" of each Redis connection
    for index, chat in enumerate(chats):
        key = f'"lock:{chat_lock_key(store.chat_key(chat))}"'
        touched = [line.split("[", 1)[1].split("]")[0] for line in commands if key in line]
        assert touched, f"chat {index}'s lock was taken in Redis"
        clients.update(touched)
        assert not [line for line in commands if str(chat) in line], "Redis never sees a chat id"
    assert len(clients) >= 2, "both replicas took chat locks"
