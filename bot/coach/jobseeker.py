"""A job-seeker as a coach may see them: profile, escalations and progress."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.coach.auth import login_required
from bot.coach.charts import HEIGHT, WIDTH, weekly_bars
from bot.coach.decisions import decision_row
from bot.coach.exercises import exercises_view
from bot.coach.inbox import row
from bot.coach.render import locale_of, page
from bot.store import coaches, decisions, escalations, exercises
from bot.store.db import run_db
from bot.store.models import utcnow


@login_required()
async def view(request: Request) -> Response:
    jobseeker_id = str(request.path_params["jobseeker_id"])[:64]
    found = await run_db(escalations.jobseeker_view, jobseeker_id, request.state.viewer)
    if found is None:
        return PlainTextResponse("Forbidden", status_code=403)
    await run_db(
        coaches.audit, request.state.coach.id, "view_jobseeker", f"jobseeker:{jobseeker_id[:16]}"
    )
    locale = locale_of(request)
    records = await run_db(decisions.for_jobseeker, jobseeker_id)
    attempts = await run_db(exercises.for_jobseeker, jobseeker_id)
    return page(
        request,
        "jobseeker.html",
        jobseeker=found,
        escalation_rows=[row(item, locale) for item in found.escalations],
        decision_rows=[decision_row(record, locale) for record in records],
        exercises=exercises_view(attempts, found.region, locale),
        bars=weekly_bars([moment for _, _, moment in found.progress], utcnow()),
        chart_width=WIDTH,
        chart_height=HEIGHT,
    )
