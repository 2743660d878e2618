"""Closed-loop load over Rasa's REST channel: N users, each talks without pause.

Every user runs scripted conversations back to back (a new sender id each time) until
the time is up; each message's latency is recorded. Closed loop means the offered load
follows the server: throughput is what the server sustains at that concurrency.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import aiohttp

# A step is typed text, or "press:<title start>": the payload of the first button in the
# last reply whose title starts so (the text itself when no such button came).
Script = list[str]
TIMEOUT = aiohttp.ClientTimeout(total=120)
RANDOM = random.Random(8)  # the same choices in every run


@dataclass
class LevelResult:
    concurrency: int
    duration_s: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    empty_replies: int = 0
    conversations: int = 0

    @property
    def messages(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.messages / self.duration_s if self.duration_s else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    def summary(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "duration_s": round(self.duration_s, 2),
            "messages": self.messages,
            "conversations": self.conversations,
            "throughput_msg_s": round(self.throughput, 2),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "errors": self.errors,
            "empty_replies": self.empty_replies,
        }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN when nothing was measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def next_message(step: str, last_reply: list[dict[str, Any]]) -> str:
    if not step.startswith("press:"):
        return RANDOM.choice(step.split("|"))
    wanted = step.removeprefix("press:")
    for message in reversed(last_reply):
        for button in message.get("buttons") or []:
            if str(button.get("title", "")).startswith(wanted):
                return str(button.get("payload") or button["title"])
    return wanted


class Client:
    """One REST sender; records latency per message."""

    def __init__(self, session: aiohttp.ClientSession, base: str, prefix: str) -> None:
        self.session = session
        self.url = f"{base}/webhooks/rest/webhook"
        self.sender = f"{prefix}-{uuid4().hex[:12]}"

    async def say(self, text: str) -> tuple[float, list[dict[str, Any]] | None]:
        started = time.perf_counter()
        try:
            async with self.session.post(
                self.url, json={"sender": self.sender, "message": text}
            ) as response:
                body = await response.json(content_type=None) if response.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError):
            body = None
        return (time.perf_counter() - started) * 1000, body

    async def converse(self, script: Script, result: LevelResult | None) -> list[float]:
        """Run the script once; returns the latencies (also added to ``result``)."""
        reply: list[dict[str, Any]] = []
        latencies = []
        for step in script:
            latency, body = await self.say(next_message(step, reply))
            if body is None:
                if result is not None:
                    result.errors += 1
                return latencies
            latencies.append(latency)
            if result is not None:
                result.latencies_ms.append(latency)
                result.empty_replies += not body
            reply = body
        return latencies


async def run_level(base: str, script: Script, concurrency: int, seconds: float) -> LevelResult:
    """``concurrency`` users talk for ``seconds``; conversations under way then finish."""
    result = LevelResult(concurrency, 0.0)
    limits = aiohttp.TCPConnector(limit=concurrency + 10)
    async with aiohttp.ClientSession(connector=limits, timeout=TIMEOUT) as session:
        stop_at = time.perf_counter() + seconds

        async def user(index: int) -> None:
            while time.perf_counter() < stop_at:
                await Client(session, base, f"bench{concurrency}-{index}").converse(script, result)
                result.conversations += 1

        started = time.perf_counter()
        await asyncio.gather(*(user(i) for i in range(concurrency)))
        result.duration_s = time.perf_counter() - started
    return result


async def long_conversation(
    base: str, opening: Script, turn: str, events_wanted: int, samples: int, events_of: Any
) -> dict[str, Any]:
    """Latency of the same message in a conversation of ``events_wanted`` events vs fresh ones.

    ``events_of(sender)`` returns the number of events Rasa holds for the sender.
    """
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        fresh: list[float] = []
        for _ in range(samples):
            client = Client(session, base, "bench-fresh")
            await client.converse(opening, None)
            fresh += await client.converse([turn], None)
        long = Client(session, base, "bench-long")
        await long.converse(opening, None)
        turns = 0
        while await asyncio.to_thread(events_of, long.sender) < events_wanted and turns < 2000:
            await long.converse([turn], None)
            turns += 1
        events = await asyncio.to_thread(events_of, long.sender)
        grown: list[float] = []
        for _ in range(samples):
            grown += await long.converse([turn], None)
    return {
        "events": events,
        "fresh_p50_ms": round(median(fresh), 1),
        "long_p50_ms": round(median(grown), 1),
        "ratio": round(median(grown) / median(fresh), 2) if fresh and grown else None,
    }
