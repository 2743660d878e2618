"""The inbox: escalations by tab, as a page, as JSON for live updates, and its event stream."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.coach import live
from bot.coach.auth import login_required
from bot.coach.render import json_answer, locale_of, page
from bot.coach.texts import PRIORITY_NAMES, STATUS_NAMES, format_waiting, reason_name, translations
from bot.store import escalations
from bot.store.db import run_db
from bot.store.escalations import InboxItem, Viewer
from bot.store.models import utcnow

TABS = ("waiting", "with_coach", "snoozed", "resolved", "mine")


def tab_of(request: Request) -> str:
    value = request.query_params.get("status", "waiting")
    return value if value in TABS else "waiting"


def load_items(viewer: Viewer, tab: str) -> list[InboxItem]:
    if tab == "mine":
        return [i for i in escalations.inbox(viewer) if i.assigned_to == viewer.coach_id]
    return escalations.inbox(viewer, tab)


def row(item: InboxItem, locale: str) -> dict[str, Any]:
    """One inbox row, the same for the page and the JSON (the script renders both alike)."""
    gettext = translations(locale).gettext
    return {
        "id": item.id,
        "url": f"/coach/escalations/{item.id}",
        "jobseeker_url": f"/coach/jobseekers/{item.jobseeker_id}",
        "priority": item.priority,
        "priority_name": gettext(PRIORITY_NAMES.get(item.priority, item.priority)),
        "status": item.status,
        "status_name": gettext(STATUS_NAMES.get(item.status, item.status)),
        "reason": reason_name(item.reason, locale),
        "region": item.region or "",
        "channel": item.channel,
        "waiting": format_waiting(utcnow() - item.created_at, locale),
        "labels": item.labels,
        "assignee": item.assignee_name or "",
        "team": item.team_name or "",
    }


def counts(viewer: Viewer) -> dict[str, int]:
    """The nav badge (waiting) and the alert's count (urgent, waiting or with a coach)."""
    version = escalations.inbox_version(viewer)
    return {"waiting": version.waiting, "urgent": version.urgent}


@login_required()
async def inbox_page(request: Request) -> Response:
    viewer, tab, locale = request.state.viewer, tab_of(request), locale_of(request)
    items = await run_db(load_items, viewer, tab)
    numbers = await run_db(counts, viewer)
    return page(
        request,
        "inbox.html",
        tab=tab,
        tabs=TABS,
        rows=[row(item, locale) for item in items],
        counts=numbers,
    )


@login_required(page=False)
async def inbox_json(request: Request) -> Response:
    viewer, tab, locale = request.state.viewer, tab_of(request), locale_of(request)
    items = await run_db(load_items, viewer, tab)
    numbers = await run_db(counts, viewer)
    return json_answer({"tab": tab, "rows": [row(i, locale) for i in items], **numbers})


@login_required(page=False)
async def inbox_events(request: Request) -> Response:
    return live.inbox_stream(request, request.state.viewer)
