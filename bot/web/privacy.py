"""/privacy/{token}: a job-seeker's export, behind a short-lived link (bot.privacy.links).

The page shows the plain summary with two downloads: the summary as .txt and the
JSON. A forged token, or one for a user who has been erased, gets 404; an expired
one 410. Nothing is cached.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.i18n import texts
from bot.privacy import export, links
from bot.store.db import run_db
from bot.web.widget import TEMPLATES

NO_STORE = {"Cache-Control": "no-store"}


def _refused(request: Request, status: int) -> Response:
    t = texts(None)
    message = (
        t.gettext("Deze link is te oud. Vraag in de chat opnieuw om je gegevens.")
        if status == 410
        else t.gettext("Deze link werkt niet. Vraag in de chat opnieuw om je gegevens.")
    )
    context = {"title": t.gettext("Je gegevens"), "message": message, "token": None, "lang": "nl"}
    return TEMPLATES.TemplateResponse(
        request, "privacy.html", context, status_code=status, headers=NO_STORE
    )


async def _load(request: Request) -> tuple[str, dict[str, Any]] | Response:
    """The token and its export, or the refusal page."""
    token = str(request.path_params["token"])
    found = links.read_token(token)
    if found is links.Refused.EXPIRED:
        return _refused(request, 410)
    if isinstance(found, links.Refused):
        return _refused(request, 404)
    data = await run_db(lambda: export.collect(jobseeker_id=found.jobseeker_id))
    if data is None or data["jobseeker"]["first_seen"] != found.first_seen:
        return _refused(request, 404)  # erased since (perhaps started anew)
    return token, data


def attachment(body: bytes, media_type: str, suffix: str) -> Response:
    headers = {
        **NO_STORE,
        "Content-Disposition": f'attachment; filename="{export.FILENAME}.{suffix}"',
    }
    return Response(body, media_type=media_type, headers=headers)


async def page(request: Request) -> Response:
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    token, data = loaded
    region = data["jobseeker"]["region"]
    t = texts(region)
    context = {
        "title": t.gettext("Je gegevens"),
        "message": export.chat_summary(data, region),
        "token": token,
        "summary": export.summary_text(data, region),
        "text_link": t.gettext("Download als tekst"),
        "json_link": t.gettext("Download alles als JSON"),
        "lang": "nl-BE" if region == "nl_BE" else "nl-NL",
    }
    return TEMPLATES.TemplateResponse(request, "privacy.html", context, headers=NO_STORE)


async def as_json(request: Request) -> Response:
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    return attachment(export.to_json(loaded[1]), "application/json", "json")


async def as_text(request: Request) -> Response:
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    data = loaded[1]
    body = export.summary_text(data, data["jobseeker"]["region"]).encode()
    return attachment(body, "text/plain; charset=utf-8", "txt")


def routes() -> list[BaseRoute]:
    return [
        Route("/privacy/{token}.json", as_json, name="privacy_json"),
        Route("/privacy/{token}.txt", as_text, name="privacy_text"),
        Route("/privacy/{token}", page, name="privacy_page"),
    ]
