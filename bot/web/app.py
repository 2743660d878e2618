"""The web app factory: route modules composed into one Starlette app.

The widget and the coach dashboard (/coach) are separate route modules.
Every response gets security headers, and pages get a strict Content-Security-Policy:
the widget has no inline script, so only files from this app run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import coach
from bot.config import settings, widget_frame_ancestors
from bot.escalation import crisis_watch
from bot.web import media, privacy, widget

STATIC = Path(__file__).parent / "static"


def content_security_policy(public_rasa_url: str, frame_ancestors: str) -> str:
    """Only this app's files; the socket may go to Rasa (http for polling, ws upgraded)."""
    parts = urlsplit(public_rasa_url)
    ws = "wss" if parts.scheme == "https" else "ws"
    rasa = f"{parts.scheme}://{parts.netloc} {ws}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: https:",
            f"connect-src 'self' {rasa}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


class SecurityHeaders:
    """Pure ASGI middleware (no response buffering) that adds headers a route did not set."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(*, rasa_url: str | None = None, frame_ancestors: str | None = None) -> Starlette:
    """Build the app.

    ``rasa_url`` is where this server reaches Rasa's HTTP API (not the browser's
    address, which is ``PUBLIC_RASA_URL``). ``frame_ancestors`` lists the pages
    that may embed the widget in an iframe: by default this app's own and those in
    ``WIDGET_EMBED_ORIGINS`` (a partner's site shows the widget without a code change).
    """
    config = settings()
    frame_ancestors = frame_ancestors or widget_frame_ancestors(config)
    internal_rasa = rasa_url or f"http://localhost:{config.rasa_port}"

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        watcher = asyncio.create_task(crisis_watch.watch())
        try:
            async with httpx.AsyncClient(base_url=internal_rasa, timeout=10) as client:
                app.state.rasa = client
                yield
        finally:
            watcher.cancel()

    app = Starlette(
        routes=[
            Route("/health", health, name="health"),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            *widget.routes(),
            *media.routes(),
            *privacy.routes(),
            *coach.routes(),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(
        SecurityHeaders,
        headers={
            "Content-Security-Policy": content_security_policy(
                config.public_rasa_url, frame_ancestors
            ),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
    return app
