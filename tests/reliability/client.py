"""An asyncio REST client for many conversations at once, and what the tracker says."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp

from bot.config import settings

# A message may wait behind hundreds of others on a 2-core machine: generous, but bounded.
REQUEST_TIMEOUT_S = 180
FRIENDLY = "Dat lukt nu even niet. Probeer het zo opnieuw."
T = TypeVar("T")


def session(limit: int = 0) -> aiohttp.ClientSession:
    """One HTTP client for a test; ``limit`` caps its open connections (0: none)."""
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
        connector=aiohttp.TCPConnector(limit=limit),
    )


@dataclass
class Reply:
    status: int
    messages: list[dict[str, Any]]
    raw: str = ""


@dataclass
class Conversation:
    """What one REST user sent and received."""

    sender: str
    sent: list[str] = field(default_factory=list)
    received: list[list[dict[str, Any]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def say(self, http: aiohttp.ClientSession, base: str, text: str) -> Reply:
        reply = await post_rest(http, base, {"sender": self.sender, "message": text})
        self.sent.append(text)
        self.received.append(reply.messages)
        if reply.status != 200:
            self.errors.append(f"{reply.status} for message {len(self.sent)}: {reply.raw[:200]}")
        elif not reply.messages:
            self.errors.append(f"no reply to message {len(self.sent)}")
        return reply


async def post_rest(
    http: aiohttp.ClientSession, base: str, body: Any = None, data: bytes | None = None
) -> Reply:
    """POST to Rasa's REST channel: a JSON body, or raw bytes."""
    url = f"{base}/webhooks/rest/webhook"
    if data is not None:
        headers = {"Content-Type": "application/json"}
        call = http.post(url, data=data, headers=headers)
    else:
        call = http.post(url, json=body)
    async with call as response:
        raw = await response.text(errors="replace")
    try:
        messages = json.loads(raw) if response.status == 200 else []
    except ValueError:
        messages = []
    return Reply(response.status, messages if isinstance(messages, list) else [], raw)


async def tracker(http: aiohttp.ClientSession, base: str, conversation_id: str) -> dict[str, Any]:
    """A conversation's full tracker (every session) from Rasa's HTTP API."""
    url = f"{base}/conversations/{conversation_id}/tracker"
    async with http.get(url, params={"token": settings().rasa_api_token}) as response:
        assert response.status == 200, await response.text()
        return dict(await response.json())


def user_texts(state: dict[str, Any]) -> list[str]:
    return [e.get("text") or "" for e in state["events"] if e["event"] == "user"]


def bot_texts(state: dict[str, Any]) -> list[str]:
    """Texts of the bot's messages, in order (images and custom payloads have none)."""
    return [e["text"] for e in state["events"] if e["event"] == "bot" and e.get("text")]


def received_texts(replies: Iterable[list[dict[str, Any]]]) -> list[str]:
    return [m["text"] for reply in replies for m in reply if m.get("text")]


async def gather_limited(limit: int, jobs: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run coroutine factories with at most ``limit`` at a time, results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(one(job) for job in jobs)))
