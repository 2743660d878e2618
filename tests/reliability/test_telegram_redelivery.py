"""Telegram re-delivers an update when it is unsure we got it: under load, once is once.

Many chats at the same time; every update is posted three times: twice at the same
moment, and once more after it was handled. Each must give exactly one set of
replies at the (fake) Bot API, and each message must be in the tracker once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from tests.integration.test_telegram import TgUser, wait_handled
from tests.reliability.client import bot_texts, user_texts
from tests.reliability.conftest import FULL, Stack

CHATS = 60 if FULL else 16
SCRIPT = ["hoi", "ja dat mag", "Nederland", "wie wint de champions league dit jaar", "dank je"]
HANDLED_TIMEOUT_S = 240


def deliver_thrice(user: TgUser, text: str, pool: ThreadPoolExecutor) -> list[dict[str, Any]]:
    """Post one update twice at once, wait until handled, post it a third time."""
    update = user.text_update(text)
    together = [pool.submit(user.post, update) for _ in range(2)]
    answers: list[requests.Response] = [f.result(timeout=60) for f in together]
    wait_handled(update["update_id"], timeout=HANDLED_TIMEOUT_S)
    answers.append(user.post(update))
    return [{"http": a.status_code, "answer": a.json().get("status")} for a in answers]


def chat_through(user: TgUser, pool: ThreadPoolExecutor) -> list[dict[str, Any]]:
    return [answer for text in SCRIPT for answer in deliver_thrice(user, text, pool)]


def test_redelivered_updates_are_handled_once(stack: Stack) -> None:
    stack.telegram.clear()
    users = [TgUser(stack.telegram) for _ in range(CHATS)]
    with ThreadPoolExecutor(CHATS) as chats, ThreadPoolExecutor(2 * CHATS) as posts:
        answers = list(chats.map(lambda u: chat_through(u, posts), users, timeout=900))

    for per_user in answers:
        assert all(a["http"] == 200 for a in per_user), per_user
        # Of each three posts exactly one was taken, the others seen as duplicates.
        for i in range(0, len(per_user), 3):
            kinds = sorted(a["answer"] for a in per_user[i : i + 3])
            assert kinds == ["accepted", "duplicate", "duplicate"], per_user[i : i + 3]
    for user in users:
        state = user.tracker()
        assert user_texts(state) == SCRIPT
        sent = [m["text"] for m in user.sent()]
        assert sent == bot_texts(state), user.conversation_id
    assert stack.all_healthy()
