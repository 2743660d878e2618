"""200 conversations at once over REST: every message answered once, nothing lost.

Each simulated user goes through the onboarding with buttons or typed answers, then
asks questions from the menu until the time is up (SHORT ~30 s, FULL ~3 min). The
client's record is then compared with each conversation's tracker in Rasa.
"""

from __future__ import annotations

import asyncio
import random
import time
from uuid import uuid4

import aiohttp

from tests.reliability.client import (
    Conversation,
    bot_texts,
    gather_limited,
    received_texts,
    session,
    tracker,
    user_texts,
)
from tests.reliability.conftest import FULL, Stack

USERS = 200
DURATION_S = 180.0 if FULL else 30.0
SEED = 20260801

GREETINGS = ["hoi", "hallo", "goedemorgen", "hey"]
CONSENTS = ["/affirm", "ja hoor", "nee liever niet", "/deny", "ja dat mag"]
REGIONS = ["Nederland", "ik woon in Gent", '/inform{"region": "nl_NL"}', "Vlaanderen"]
QUESTIONS = [
    "/ask_progress",
    "hoe ver ben ik",
    "/ask_capabilities",
    "wat kun je allemaal",
    "wie wint de champions league dit jaar",
    "ik snap het niet",
    "dank je wel",
    "ben jij een robot?",
    "/start_exercise",
    "ik weet het niet",
    "welke gegevens hebben jullie?",
    "/start_decision",
    "stop",
]


def script(rng: random.Random) -> tuple[list[str], list[str]]:
    """The onboarding of one user, and the questions they cycle through."""
    onboarding = [rng.choice(GREETINGS), rng.choice(CONSENTS), rng.choice(REGIONS)]
    questions = rng.sample(QUESTIONS, k=len(QUESTIONS))
    return onboarding, questions


async def converse(
    http: aiohttp.ClientSession, base: str, rng: random.Random, deadline: float
) -> Conversation:
    chat = Conversation(f"load-{uuid4().hex[:12]}")
    onboarding, questions = script(rng)
    await asyncio.sleep(rng.random() * 2)  # users do not all arrive in the same ms
    for text in onboarding:
        await chat.say(http, base, text)
    turn = 0
    while time.monotonic() < deadline:
        await chat.say(http, base, questions[turn % len(questions)])
        turn += 1
    return chat


def test_200_conversations_at_once_lose_nothing_and_repeat_nothing(stack: Stack) -> None:
    async def main() -> list[tuple[Conversation, dict]]:
        rng = random.Random(SEED)
        async with session() as http:
            deadline = time.monotonic() + DURATION_S
            users = [random.Random(rng.random()) for _ in range(USERS)]
            chats = await asyncio.gather(*(converse(http, stack.rasa, u, deadline) for u in users))
            states = await gather_limited(
                10, [lambda c=c: tracker(http, stack.rasa, c.sender) for c in chats]
            )
        return list(zip(chats, states, strict=True))

    # Bounded: the load, then every answer still in flight (REQUEST_TIMEOUT_S each).
    results = asyncio.run(asyncio.wait_for(main(), DURATION_S + 900))

    errors = [f"{c.sender}: {e}" for c, _ in results for e in c.errors]
    assert not errors, f"{len(errors)} failed or unanswered messages: {errors[:10]}"
    for chat, state in results:
        # Every message reached the tracker exactly once, in order.
        assert user_texts(state) == chat.sent, chat.sender
        # What the client got is exactly what the tracker says the bot said.
        assert received_texts(chat.received) == bot_texts(state), chat.sender
    sent = sum(len(c.sent) for c, _ in results)
    assert sent >= USERS * 3
    assert stack.all_healthy()
