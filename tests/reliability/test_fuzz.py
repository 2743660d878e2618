"""Fuzz the channels with hostile inputs: never a 5xx, and the bot keeps answering.

SHORT: about 1,000 inputs over REST; FULL: 10,000. Some also go through the Telegram
webhook and the web chat socket. Inputs come from a seeded RNG (fuzz_inputs.py), so a
failure can be replayed; a failure names the case's kind and index.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import queue
import random
import time
from typing import Any

import requests
import socketio

from bot.config import settings
from tests.integration.test_telegram import TgUser, handled, webhook_url
from tests.reliability.client import FRIENDLY, Conversation, gather_limited, post_rest, session
from tests.reliability.conftest import FULL, Stack
from tests.reliability.fuzz_inputs import Case, cases

REST_CASES = 10_000 if FULL else 1_000
TELEGRAM_CASES = 1_000 if FULL else 120
SOCKET_CASES = 500 if FULL else 60
SEED = 8_2026
SENDERS = 40  # fuzz conversations the REST cases rotate over
TIMEOUT_S = 60
# A Telegram turn on a loaded 2-core machine, generously: the backlog's time limit.
BACKLOG_S_PER_UPDATE = 1.0


def failures(results: list[tuple[int, Case, int]]) -> list[str]:
    return [f"#{i} {case.kind} -> {status}" for i, case, status in results if status >= 500]


def assert_answers_normally(base: str) -> None:
    """A normal conversation right after the fuzz: answered, and by the assistant itself."""

    async def main() -> list[dict[str, Any]]:
        async with session() as http:
            chat = Conversation(f"after-fuzz-{random.randrange(10**9)}")
            reply = await chat.say(http, base, "hoi")
            assert reply.status == 200 and not chat.errors, chat.errors
            return reply.messages

    messages = asyncio.run(asyncio.wait_for(main(), 300))
    text = " ".join(m.get("text") or "" for m in messages)
    assert "computerprogramma" in text and FRIENDLY not in text


def test_rest_fuzz_never_gives_a_5xx(stack: Stack) -> None:
    async def main() -> list[tuple[int, Case, int]]:
        async with session(limit=8) as http:

            async def one(i: int, case: Case) -> tuple[int, Case, int]:
                sender = f"fuzz-{i % SENDERS}"
                if case.raw is not None:
                    reply = await post_rest(http, stack.rasa, data=case.raw)
                else:
                    reply = await post_rest(http, stack.rasa, body=case.body(sender))
                return i, case, reply.status

            jobs = [lambda i=i, c=c: one(i, c) for i, c in enumerate(cases(REST_CASES, SEED))]
            return await gather_limited(8, jobs)

    results = asyncio.run(asyncio.wait_for(main(), 3600 if FULL else 600))
    assert len(results) == REST_CASES
    bad = failures(results)
    assert not bad, f"{len(bad)} server errors: {bad[:20]}"
    statuses = {status for _, _, status in results}
    assert 200 in statuses  # most inputs are answered, not just refused
    # A message that is no text is refused plainly (bot/channels/limits.py), not met
    # with silence.
    no_text = [s for _, c, s in results if c.kind in ("wrong_type", "no_message")]
    assert no_text and set(no_text) == {400}
    assert stack.all_healthy()
    assert_answers_normally(stack.rasa)


def test_telegram_webhook_fuzz_never_gives_a_5xx(stack: Stack) -> None:
    user = TgUser(stack.telegram)
    headers = {"X-Telegram-Bot-Api-Secret-Token": settings().telegram_secret}
    rng = random.Random(SEED + 1)
    update_ids = itertools.count(rng.randrange(10**8, 10**9))

    def body(case: Case) -> dict[str, Any] | bytes:
        if case.raw is not None:
            return case.raw
        shape = rng.randrange(6)
        update: dict[str, Any] = {"update_id": next(update_ids)}
        if shape == 0:  # text of any JSON type, as the message's text
            update["message"] = user.message(text=case.value)
        elif shape == 1:  # a button press with garbage data
            update["callback_query"] = {
                "id": str(rng.randrange(10**9)),
                "from": user.user(),
                "chat_instance": "1",
                "data": case.value,
                "message": user.message(text="Kies een knop"),
            }
        elif shape == 2:  # a message without text or with odd fields
            update["message"] = {**user.message(), "sticker": {"file_id": "x"}}
        elif shape == 3:  # no message at all, or a wrong type in its place
            update["edited_message"] = case.value
        elif shape == 4:  # a broken chat
            update["message"] = {**user.message(text="hoi"), "chat": case.value}
        else:
            update["message"] = user.message(text=case.text or "hoi")
        return update

    statuses = []
    accepted: list[int] = []
    for i, case in enumerate(cases(TELEGRAM_CASES, SEED + 1)):
        payload = body(case)
        if isinstance(payload, bytes):
            answer = requests.post(webhook_url(), data=payload, headers=headers, timeout=TIMEOUT_S)
        else:
            answer = requests.post(webhook_url(), json=payload, headers=headers, timeout=TIMEOUT_S)
        statuses.append((i, case.kind, answer.status_code))
        if answer.status_code == 200 and answer.json().get("status") == "accepted":
            accepted.append(payload["update_id"])  # type: ignore[index]
    bad = [s for s in statuses if s[2] >= 500]
    assert not bad, bad[:20]
    # The webhook answers at once; the chat's turns run after it, one at a time and
    # in order. Every accepted update gets handled (none lost, none stuck), then
    # the fuzzed chat answers a normal message.
    assert_all_handled(accepted, timeout=max(120.0, BACKLOG_S_PER_UPDATE * len(accepted)))
    assert stack.all_healthy()
    assert user.say("hoi"), "no reply in the fuzzed chat"
    assert_answers_normally(stack.rasa)


def assert_all_handled(update_ids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(update_ids)
    while waiting and time.monotonic() < deadline:
        waiting = [update_id for update_id in waiting if handled(update_id) is None]
        time.sleep(0.5)
    assert not waiting, f"{len(waiting)} of {len(update_ids)} updates not handled in {timeout} s"


def test_web_chat_socket_fuzz_keeps_the_socket_working(stack: Stack) -> None:
    client = socketio.Client(reconnection=False)
    replies: queue.Queue[dict[str, Any]] = queue.Queue()
    confirmed: queue.Queue[Any] = queue.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", confirmed.put)
    client.connect(
        stack.rasa,
        socketio_path="/socket.io",
        transports=["polling"],
        headers={"Origin": f"http://localhost:{settings().web_port}"},
        wait_timeout=TIMEOUT_S,
    )
    try:
        rng = random.Random(SEED + 2)
        for case in cases(SOCKET_CASES, SEED + 2):
            odd = case.value if case.raw is None else case.raw.decode(errors="replace")
            # call(): one packet at a time, acknowledged (a burst of emits over polling
            # is refused by engine.io: "Too many packets in payload").
            if rng.random() < 0.2:
                client.call("session_request", {"session_id": odd}, timeout=TIMEOUT_S)
            else:
                custom = rng.choice([None, {}, odd, {"region": odd}, [odd]])
                data = {"message": odd, "session_id": odd, "customData": custom}
                client.call("user_uttered", data, timeout=240)
        while not confirmed.empty():
            confirmed.get_nowait()
        client.emit("session_request", {"session_id": None})
        session_id = confirmed.get(timeout=TIMEOUT_S)
        while not replies.empty():
            replies.get_nowait()
        client.emit("user_uttered", {"message": "hoi", "session_id": session_id, "customData": {}})
        first = replies.get(timeout=240)
        assert client.connected
        assert first.get("text")
    finally:
        client.disconnect()
    assert stack.all_healthy()


def test_fuzz_inputs_are_the_same_every_run() -> None:
    a = [json.dumps(c.body("x"), default=str) + repr(c.raw) for c in cases(200, SEED)]
    b = [json.dumps(c.body("x"), default=str) + repr(c.raw) for c in cases(200, SEED)]
    assert a == b
    kinds = {c.kind for c in cases(REST_CASES, SEED)}
    assert {"huge", "binary", "wrong_type", "payload", "zalgo", "sql", "markup"} <= kinds
