"""The learning loop: coaches label what the assistant did not understand, an admin
accepts the labels and exports them as NLU training data (``data/nlu/review/``).

Coaches see masked messages of consenting job-seekers of their own team
(:mod:`bot.store.review`); labelling, accepting, rejecting and exporting are audited
without text. Only admins review and export.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.coach.auth import login_required
from bot.coach.ids import parse_id
from bot.coach.render import gettext, locale_of, page
from bot.coach.texts import d_
from bot.coach.words import INTENT_NAMES, display_name, named
from bot.config import PROJECT_ROOT
from bot.store import review
from bot.store.db import run_db

DOMAIN_DIR = PROJECT_ROOT / "domain"
# The form's value for "no intent fits": never an intent name (those have no spaces).
NEW_TOPIC = "new topic"
REVIEW_PAGE = "/coach/review"
ADMIN_PAGE = "/coach/review/labelled"
FLASHES = {
    "labelled": d_("Label opgeslagen."),
    "gone": d_("Dit bericht kan niet (meer) gelabeld worden."),
    "nothing": d_("Niets nieuws om te exporteren."),
}


def domain_intents(folder: Path = DOMAIN_DIR) -> set[str]:
    """The intents of ``domain/*.yml`` (a name, or a mapping with the name as key)."""
    names: set[str] = set()
    for path in sorted(folder.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in content.get("intents") or []:
            names.update(entry if isinstance(entry, dict) else [entry])
    return {str(name) for name in names}


@lru_cache(maxsize=1)
def offered_intents() -> tuple[str, ...]:
    """The domain's intents the classifier learns: those with training examples.

    Intents only the overlays set (``distress``, ``menu``, ``other_language``...) are
    left out: an example for them would teach the classifier a class it must not have.
    """
    trained: set[Any] = set()
    for path in sorted(review.NLU_DIR.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        trained.update(b.get("intent") for b in content.get("nlu") or [] if isinstance(b, dict))
    return tuple(sorted(domain_intents() & {str(name) for name in trained if name}))


def intent_choices(locale: str) -> list[dict[str, str]]:
    return [
        {"value": name, "label": f"{named(INTENT_NAMES, name, locale)} ({name})"}
        for name in offered_intents()
    ]


def flash_of(request: Request) -> str | None:
    key = request.query_params.get("flash", "")
    if key == "exported":
        return gettext(request, d_("Geëxporteerd naar {file}.")).format(
            file=request.query_params.get("file", "")
        )
    return gettext(request, FLASHES[key]) if key in FLASHES else None


def item_row(item: review.Item, locale: str) -> dict[str, Any]:
    confidence = "" if item.confidence is None else f"{item.confidence:.2f}"
    return {
        "event_id": item.event_id,
        "name": display_name(item.jobseeker_id, locale),
        "text": item.text,
        "at": item.at,
        "predicted": item.predicted if item.predicted in offered_intents() else "",
        "predicted_name": named(INTENT_NAMES, item.predicted, locale) if item.predicted else "",
        "confidence": confidence,
        "fallback": item.fallback,
    }


@login_required()
async def label_page(request: Request) -> Response:
    locale = locale_of(request)
    items = await run_db(review.to_label, request.state.viewer)
    return page(
        request,
        "review.html",
        rows=[item_row(item, locale) for item in items],
        intents=intent_choices(locale),
        new_topic=NEW_TOPIC,
        threshold=f"{review.threshold():.2f}",
        flash=flash_of(request),
    )


@login_required()
async def label(request: Request) -> Response:
    """One click: the chosen intent (or "new topic") for one message."""
    form = await request.form()
    event_id = parse_id(form.get("event_id", ""))
    choice = str(form.get("intent", ""))
    if form.get("new_topic"):
        choice = NEW_TOPIC
    if event_id is None or (choice != NEW_TOPIC and choice not in offered_intents()):
        return RedirectResponse(f"{REVIEW_PAGE}?flash=gone", status_code=303)
    intent = None if choice == NEW_TOPIC else choice
    done = await run_db(review.label, request.state.viewer, event_id, intent)
    return RedirectResponse(f"{REVIEW_PAGE}?flash={'labelled' if done else 'gone'}", 303)


@login_required(admin=True)
async def admin_page(request: Request) -> Response:
    locale = locale_of(request)
    labelled = await run_db(review.to_review)
    return page(
        request,
        "review_admin.html",
        rows=[
            {
                "id": row.id,
                "text": row.text,
                "intent": row.intent,
                "intent_name": named(INTENT_NAMES, row.intent, locale) if row.intent else "",
                "status": row.status,
                "labelled_by": row.labelled_by or "",
                "labelled_at": row.labelled_at,
            }
            for row in labelled
        ],
        new_topics=await run_db(review.new_topics),
        flash=flash_of(request),
    )


@login_required(admin=True)
async def decide(request: Request) -> Response:
    form = await request.form()
    accept = form.get("decision") == "accept"
    label_id = parse_id(form.get("label_id", ""))
    if label_id is not None:
        await run_db(review.decide, request.state.coach.id, label_id, accept)
    return RedirectResponse(ADMIN_PAGE, status_code=303)


@login_required(admin=True)
async def export(request: Request) -> Response:
    result = await run_db(review.export, request.state.coach.id)
    if result.path is None:
        return RedirectResponse(f"{ADMIN_PAGE}?flash=nothing", status_code=303)
    return RedirectResponse(f"{ADMIN_PAGE}?flash=exported&file={result.path.name}", 303)


def routes() -> list[BaseRoute]:
    return [
        Route(REVIEW_PAGE, label_page, name="coach_review"),
        Route(REVIEW_PAGE + "/label", label, methods=["POST"], name="coach_review_label"),
        Route(ADMIN_PAGE, admin_page, name="coach_review_labelled"),
        Route(REVIEW_PAGE + "/decide", decide, methods=["POST"], name="coach_review_decide"),
        Route(REVIEW_PAGE + "/export", export, methods=["POST"], name="coach_review_export"),
    ]
