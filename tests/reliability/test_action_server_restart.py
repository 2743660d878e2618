"""The action server is killed (SIGKILL) under load and started again.

While it is gone every message still gets an answer (the friendly "Dat lukt nu even
niet", bot/runtime/), no 5xx, and every message is in the tracker. After the restart
the same conversations go on normally, and a user whose first message came during
the outage gets the real session start (the AI disclosure) with the next one.
"""

from __future__ import annotations

import asyncio
import signal
import time
from dataclasses import dataclass
from uuid import uuid4

import aiohttp

from tests.reliability.client import (
    FRIENDLY,
    Conversation,
    Reply,
    bot_texts,
    gather_limited,
    received_texts,
    session,
    tracker,
    user_texts,
)
from tests.reliability.conftest import FULL, Stack
from tests.reliability.test_load import QUESTIONS

CHATS = 60 if FULL else 20
NEWCOMERS = 10 if FULL else 4
OUTAGE_S = 30.0 if FULL else 8.0
ONBOARDING = ["hoi", "/affirm", '/inform{"region": "nl_NL"}']


@dataclass
class Said:
    """One message of the load: when it was sent and answered, and the answer."""

    sent_at: float
    answered_at: float
    reply: Reply


def has_friendly(reply: Reply) -> bool:
    return any(m.get("text") == FRIENDLY for m in reply.messages)


async def keep_talking(
    http: aiohttp.ClientSession, base: str, chat: Conversation, stop: asyncio.Event
) -> list[Said]:
    said: list[Said] = []
    turn = 0
    while not stop.is_set():
        sent_at = time.monotonic()
        reply = await chat.say(http, base, QUESTIONS[turn % len(QUESTIONS)])
        said.append(Said(sent_at, time.monotonic(), reply))
        turn += 1
    return said


def test_killed_action_server_gives_friendly_answers_then_recovers(stack: Stack) -> None:
    base = stack.rasa

    async def main() -> None:
        async with session() as http:
            chats = [Conversation(f"kill-{uuid4().hex[:12]}") for _ in range(CHATS)]
            for text in ONBOARDING:
                await asyncio.gather(*(c.say(http, base, text) for c in chats))
            stop = asyncio.Event()
            load = [asyncio.create_task(keep_talking(http, base, c, stop)) for c in chats]
            await asyncio.sleep(3)

            assert stack.actions.process is not None
            stack.actions.process.send_signal(signal.SIGKILL)
            await asyncio.to_thread(stack.actions.process.wait, 30)
            killed_at = time.monotonic()
            newcomers = [Conversation(f"kill-new-{uuid4().hex[:10]}") for _ in range(NEWCOMERS)]
            first = await asyncio.gather(*(n.say(http, base, "hoi") for n in newcomers))
            await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - killed_at)))
            restarting_at = time.monotonic()
            await asyncio.to_thread(stack.restart_actions)
            await asyncio.sleep(3)
            stop.set()
            said = [s for batch in await asyncio.gather(*load) for s in batch]

            # After the restart the same conversations go on normally.
            after = await asyncio.gather(*(c.say(http, base, "/ask_progress") for c in chats))
            welcomed = await asyncio.gather(*(n.say(http, base, "hallo") for n in newcomers))
            states = await gather_limited(
                10, [lambda c=c: tracker(http, base, c.sender) for c in chats + newcomers]
            )

        errors = [f"{c.sender}: {e}" for c in chats + newcomers for e in c.errors]
        assert not errors, errors[:10]
        during = [s for s in said if s.sent_at > killed_at and s.answered_at < restarting_at]
        assert during, "no message was answered while the action server was down"
        assert sum(has_friendly(s.reply) for s in during) > 0
        # A newcomer during the outage: Rasa's session start stood in, and the
        # first message's actions could not run.
        assert all(has_friendly(r) for r in first)
        assert not any(has_friendly(r) for r in after)
        for reply in welcomed:  # the real session start now ran: the AI disclosure
            assert "computerprogramma" in " ".join(m.get("text") or "" for m in reply.messages)
        for chat, state in zip(chats + newcomers, states, strict=True):
            assert user_texts(state) == chat.sent, chat.sender
            assert received_texts(chat.received) == bot_texts(state), chat.sender
        assert stack.all_healthy()

    asyncio.run(asyncio.wait_for(main(), 900))
