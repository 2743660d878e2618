"""Live updates over Server-Sent Events: the browser is told *that* something changed.

Each stream checks a cheap fingerprint about once a second and sends an event
when it changes; the page then fetches the JSON it shows. A stream ends when its
session does (logout, idle or absolute timeout, account switched off): it was
authorised once, at its start, and must not outlive that. SSE needs no extra
port or library, reconnects by itself and passes the strict CSP (connect-src 'self').
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import StreamingResponse

from bot.coach import auth
from bot.store import coaches, escalations
from bot.store.db import run_db, session_scope
from bot.store.escalations import Viewer, aware
from bot.store.models import CoachRequest
from bot.store.rasa_events import newest_event_id

INTERVAL = 1.0
KEEPALIVE = 15.0
SESSION_CHECK = 30.0


def escalation_changed_at(escalation_id: int) -> str | None:
    with session_scope() as session:
        row = session.get(CoachRequest, escalation_id)
        return str(aware(row.updated_at)) if row is not None else None


def transcript_version(escalation_id: int, conversation_id: str | None) -> tuple[Any, ...]:
    return newest_event_id(conversation_id), escalation_changed_at(escalation_id)


def inbox_payload(viewer: Viewer) -> tuple[tuple[Any, ...], dict[str, Any]]:
    version = escalations.inbox_version(viewer)
    data = {"count": version.count, "urgent": version.urgent, "newest": version.newest}
    return (version.count, version.newest, version.urgent, version.waiting), data


async def changes(
    request: Request,
    name: str,
    check: Callable[[], Awaitable[tuple[tuple[Any, ...], dict[str, Any]]]],
    interval: float = INTERVAL,
    keepalive: float = KEEPALIVE,
    alive: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[str]:
    """Send ``event: <name>`` whenever ``check``'s fingerprint changes, until the client
    leaves or the session ends."""
    last: tuple[Any, ...] | None = None
    quiet_since = checked = time.monotonic()
    yield "retry: 3000\n\n"
    while not await request.is_disconnected():
        if alive is not None and time.monotonic() - checked >= SESSION_CHECK:
            checked = time.monotonic()
            if not await alive():
                return
        version, data = await check()
        if version != last:
            last, quiet_since = version, time.monotonic()
            yield f"event: {name}\ndata: {json.dumps(data)}\n\n"
        elif time.monotonic() - quiet_since >= keepalive:
            quiet_since = time.monotonic()
            yield ": keepalive\n\n"
        await asyncio.sleep(interval)


def session_alive(request: Request) -> Callable[[], Awaitable[bool]]:
    """Whether the session that opened the stream is still valid (not extending it)."""
    token = auth.read_cookie(request, auth.COOKIE)

    async def alive() -> bool:
        return await run_db(coaches.session_alive, token)

    return alive


def stream(events: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def inbox_stream(request: Request, viewer: Viewer) -> StreamingResponse:
    async def check() -> tuple[tuple[Any, ...], dict[str, Any]]:
        return await run_db(inbox_payload, viewer)

    return stream(changes(request, "inbox", check, alive=session_alive(request)))


def transcript_stream(
    request: Request, escalation_id: int, conversation_id: str | None
) -> StreamingResponse:
    async def check() -> tuple[tuple[Any, ...], dict[str, Any]]:
        version = await run_db(transcript_version, escalation_id, conversation_id)
        return version, {"event_id": version[0], "changed": version[1]}

    return stream(changes(request, "transcript", check, alive=session_alive(request)))
