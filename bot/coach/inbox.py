"""The inbox: escalations by tab, as a page, as JSON for live updates, and its event stream."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot import hours
from bot.coach import live
from bot.coach.auth import login_required
from bot.coach.render import json_answer, locale_of, page
from bot.coach.texts import (
    PRIORITY_NAMES,
    STATUS_NAMES,
    d_,
    format_moment,
    format_waiting,
    reason_name,
    translations,
)
from bot.coach.words import channel_name, display_name, region_name
from bot.config import settings
from bot.store import escalations
from bot.store.db import run_db
from bot.store.escalations import InboxItem, Viewer
from bot.store.models import utcnow

TABS = ("waiting", "with_coach", "snoozed", "resolved", "mine")
# Polled by the inbox page: a new message changes "last seen" but not the escalation.
POLL_SECONDS = 15


def response_target() -> timedelta:
    """The team's promise: a coach answers within this much coach time (working hours).

    ``COACH_RESPONSE_TARGET_HOURS``, default 4: half a working day.
    """
    return timedelta(hours=settings().coach_response_target_hours)


def tab_of(request: Request) -> str:
    value = request.query_params.get("status", "waiting")
    return value if value in TABS else "waiting"


def load_items(viewer: Viewer, tab: str) -> list[InboxItem]:
    if tab == "mine":
        return [i for i in escalations.inbox(viewer) if i.assigned_to == viewer.coach_id]
    return escalations.inbox(viewer, tab)


def waiting_against_target(item: InboxItem, now: datetime, locale: str) -> dict[str, Any]:
    """Coach time a waiting user has waited, against the target; nights and weekends
    do not count (bot.hours)."""
    if item.status != "waiting":
        return {"target_text": "", "over_target": False}
    target, gettext = response_target(), translations(locale).gettext
    waited = hours.working_time(item.created_at, now, item.region)
    text = gettext(d_("{waited} van {target} werktijd")).format(
        waited=format_waiting(waited, locale, days=False),
        target=format_waiting(target, locale, days=False),
    )
    return {"target_text": text, "over_target": waited > target}


def last_message(item: InboxItem, locale: str) -> str:
    if item.last_was_button:
        return translations(locale).gettext(d_("(koos een knop)"))
    return item.last_message or ""


def row(item: InboxItem, locale: str) -> dict[str, Any]:
    """One inbox row, the same for the page and the JSON (the script renders both alike).

    Never the sender id: a name made from the pseudonym tells rows apart. The last
    message is masked (bot.store.rasa_events) and short.
    """
    gettext = translations(locale).gettext
    now = utcnow()
    return {
        "id": item.id,
        "url": f"/coach/escalations/{item.id}",
        "jobseeker_url": f"/coach/jobseekers/{item.jobseeker_id}",
        "name": display_name(item.jobseeker_id, locale),
        "priority": item.priority,
        "priority_name": gettext(PRIORITY_NAMES.get(item.priority, item.priority)),
        "status": item.status,
        "status_name": gettext(STATUS_NAMES.get(item.status, item.status)),
        "reason": reason_name(item.reason, locale),
        "region": region_name(item.region, locale),
        "channel": channel_name(item.channel, locale),
        "waiting": format_waiting(now - item.created_at, locale),
        **waiting_against_target(item, now, locale),
        "last_seen": format_moment(item.last_seen, locale),
        "last_seen_ago": format_waiting(now - item.last_seen, locale) if item.last_seen else "",
        "last_message": last_message(item, locale),
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
        poll_seconds=POLL_SECONDS,
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
