"""Routes of the chat widget: the page, and the conversation it shows after a reload."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from bot.config import settings
from bot.regions import parse_region
from bot.transcript import chat_messages

logger = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
# The same rule as bot.channels.webchat (not imported: the web app does not load Rasa).
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
STORAGE_KEY = "werkmaatje.session"
# The session id reads the whole conversation, so it travels in a header: a query
# string ends up in access logs, proxies and browser history.
SESSION_HEADER = "X-Chat-Session"


def page_region(value: str | None) -> str | None:
    """``?regio=be`` / ``vl`` / ``nl`` (or a place name); None lets the bot ask."""
    return parse_region(value) if value else None


def socket_target(public_rasa_url: str) -> tuple[str, str]:
    """Origin and socket.io path: a path in the URL means Rasa runs behind a proxy prefix."""
    parts = urlsplit(public_rasa_url)
    return f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/") + "/socket.io/"


async def chat_page(request: Request) -> Response:
    region = page_region(request.query_params.get("regio"))
    rasa_url, socket_path = socket_target(settings().public_rasa_url)
    config: dict[str, Any] = {
        "rasaUrl": rasa_url,
        "socketPath": socket_path,
        "region": region,
        "historyUrl": str(request.url_for("chat_history").path),
        "sessionHeader": SESSION_HEADER,
        "storageKey": STORAGE_KEY,
    }
    lang = {"nl_BE": "nl-BE", "nl_NL": "nl-NL"}.get(region or "", "nl")
    return TEMPLATES.TemplateResponse(request, "chat.html", {"config": config, "lang": lang})


async def chat_history(request: Request) -> Response:
    """The conversation so far, including messages pushed while the page was closed.

    Read server-side, so the Rasa API token never reaches the browser. The old form
    ``?session_id=`` is refused, not served: serving it would keep the id in logs,
    and the only client, our widget, ships with this server.
    """
    if "session_id" in request.query_params:
        error = f"send the session id in the {SESSION_HEADER} header, not in the URL"
        return JSONResponse({"error": error}, status_code=400)
    session_id = request.headers.get(SESSION_HEADER, "")
    if not SESSION_ID.fullmatch(session_id):
        return JSONResponse({"error": "invalid session id"}, status_code=400)
    client: httpx.AsyncClient = request.app.state.rasa
    try:
        answer = await client.get(
            "/webhooks/webchat/history",
            params={"session_id": session_id},
            headers={"Authorization": f"Bearer {settings().rasa_api_token}"},
        )
        answer.raise_for_status()
        events = answer.json().get("events") or []
    except (httpx.HTTPError, ValueError, AttributeError) as error:
        logger.warning("History from Rasa failed: %s", type(error).__name__)
        return JSONResponse({"error": "conversation not available"}, status_code=502)
    return JSONResponse(chat_messages(events), headers={"Cache-Control": "no-store"})


def routes() -> list[BaseRoute]:
    return [
        Route("/chat", chat_page, name="chat"),
        Route("/chat/history", chat_history, name="chat_history"),
    ]
