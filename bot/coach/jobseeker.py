"""A job-seeker as a coach may see them: profile, escalations and progress.

An admin may also download the job-seeker's export (right of access) and erase
them (right to erasure); both are audited, without content. Erasure goes through
Rasa (``/webhooks/push/erase``) so it waits for a message in flight.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.coach.auth import login_required
from bot.coach.charts import HEIGHT, WIDTH, weekly_bars
from bot.coach.decisions import decision_row
from bot.coach.exercises import exercises_view
from bot.coach.inbox import row
from bot.coach.render import gettext, locale_of, page
from bot.coach.texts import d_
from bot.coach.words import (
    PROGRESS_NAMES,
    channel_name,
    display_name,
    named,
    progress_details,
    region_name,
)
from bot.escalation import handoff
from bot.escalation.handoff import HandoffError
from bot.privacy import erasure, export
from bot.store import coaches, decisions, escalations, exercises
from bot.store.db import run_db
from bot.store.models import utcnow

ERASE_FAILED = d_("Wissen lukte niet. De bot is niet bereikbaar.")


def forbidden() -> Response:
    return PlainTextResponse("Forbidden", status_code=403)


def target(jobseeker_id: str) -> str:
    return f"jobseeker:{jobseeker_id[:16]}"


def jobseeker_id_of(request: Request) -> str:
    return str(request.path_params["jobseeker_id"])  # a pseudonym: the route's convertor


@login_required()
async def view(request: Request) -> Response:
    jobseeker_id = jobseeker_id_of(request)
    found = await run_db(escalations.jobseeker_view, jobseeker_id, request.state.viewer)
    if found is None:
        return forbidden()
    await run_db(coaches.audit, request.state.coach.id, "view_jobseeker", target(jobseeker_id))
    locale = locale_of(request)
    records = await run_db(decisions.for_jobseeker, jobseeker_id)
    attempts = await run_db(exercises.for_jobseeker, jobseeker_id)
    return page(
        request,
        "jobseeker.html",
        jobseeker=found,
        name=display_name(found.id, locale),
        region=region_name(found.region, locale),
        channel=channel_name(found.channel, locale),
        progress_rows=[
            (when, named(PROGRESS_NAMES, kind, locale), progress_details(data, locale))
            for kind, data, when in reversed(found.progress)
        ],
        escalation_rows=[row(item, locale) for item in found.escalations],
        decision_rows=[decision_row(record, locale) for record in records],
        exercises=exercises_view(attempts, found.region, locale),
        bars=weekly_bars([moment for _, _, moment in found.progress], utcnow()),
        chart_width=WIDTH,
        chart_height=HEIGHT,
        flash=gettext(request, ERASE_FAILED) if request.query_params.get("flash") else None,
        flash_error=True,
    )


@login_required(page=False, admin=True)
async def export_json(request: Request) -> Response:
    """The job-seeker's whole export, as the job-seeker gets it."""
    jobseeker_id = jobseeker_id_of(request)
    data = await run_db(lambda: export.collect(jobseeker_id=jobseeker_id))
    if data is None:
        return forbidden()
    await run_db(coaches.audit, request.state.coach.id, "export_jobseeker", target(jobseeker_id))
    name = f"{export.FILENAME}-{jobseeker_id[:12]}.json"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(export.to_json(data), media_type="application/json", headers=headers)


@login_required(page=False, admin=True)
async def erase(request: Request) -> Response:
    """Erase after the confirm box was ticked; the audit row is written by the erasure."""
    jobseeker_id = jobseeker_id_of(request)
    back = f"/coach/jobseekers/{jobseeker_id}"
    form = await request.form()
    if form.get("confirm") != "yes":
        return RedirectResponse(back, status_code=303)
    conversation_id = await run_db(erasure.conversation_of, jobseeker_id)
    try:
        await handoff.erase(
            request.app.state.rasa, jobseeker_id, conversation_id, request.state.coach.id
        )
    except HandoffError:
        return RedirectResponse(f"{back}?flash=erase_failed", status_code=303)
    return RedirectResponse("/coach/audit", status_code=303)


def privacy_routes() -> list[BaseRoute]:
    """The admin's export and erasure of a job-seeker."""
    return [
        Route(
            "/coach/jobseekers/{jobseeker_id:pseudonym}/export.json",
            export_json,
            name="coach_jobseeker_export",
        ),
        Route(
            "/coach/jobseekers/{jobseeker_id:pseudonym}/erase",
            erase,
            methods=["POST"],
            name="coach_jobseeker_erase",
        ),
    ]
