"""/media/: the drawn exercise screens and progress cards (see bot/media.py)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot import media

# Exercise screens change only with a new build; a card is the user's own progress.
PUBLIC_CACHE = "public, max-age=3600"
PRIVATE_CACHE = "private, max-age=600"


def _png(data: bytes | None, cache: str) -> Response:
    if data is None:
        return PlainTextResponse("Not found", status_code=404)
    return Response(data, media_type="image/png", headers={"Cache-Control": cache})


async def exercise_image(request: Request) -> Response:
    return _png(media.exercise_image(request.path_params["name"]), PUBLIC_CACHE)


async def progress_card(request: Request) -> Response:
    # Drawing takes some milliseconds of CPU: keep the event loop free meanwhile.
    data = await run_in_threadpool(media.card_image, request.path_params["token"])
    return _png(data, PRIVATE_CACHE)


def routes() -> list[BaseRoute]:
    return [
        Route("/media/exercises/{name}.png", exercise_image, name="exercise_image"),
        Route("/media/progress/{token}.png", progress_card, name="progress_card"),
    ]
