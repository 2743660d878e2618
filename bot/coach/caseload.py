"""Caseload figures for team leads: per week and team, as charts and as a CSV download.

Counts only. The figures are made from moments (bot.store.caseload) and bucketed
per ISO week by :func:`bot.coach.charts.weekly_bars`, the helper of the job-seeker
page's chart, so the page, its table and the CSV always agree.

Who: a lead sees their own team, an admin any team (``?team=``); a plain coach, or
a lead asking for another team, gets 403. The CSV leaves the dashboard (mail, shared
drives), so there counts from 1 to 4 read ``<5``: in a small team a "1" next to a
reason and a week can point at a person. On the page the exact numbers stay: whoever
sees them may already read every escalation of the team.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.coach.auth import login_required
from bot.coach.charts import HEIGHT, WIDTH, Bar, weekly_bars
from bot.coach.inbox import response_target
from bot.coach.render import NO_STORE, locale_of, page
from bot.coach.texts import REASON_NAMES, d_
from bot.coach.words import named
from bot.store import caseload, coaches
from bot.store.caseload import Figures
from bot.store.db import run_db
from bot.store.models import utcnow

WEEKS = 12
ROLES = ("lead", "admin")
# Counts below this are not written to the CSV (see the module's docstring).
SMALL = 5
SUPPRESSED = f"<{SMALL}"
# The charts, in the order shown: CSV column, title. Escalations by reason follow.
SERIES = {
    "conversations": d_("Gesprekken (werkzoekenden actief)"),
    "journeys_started": d_("Keuzetrajecten begonnen"),
    "journeys_finished": d_("Keuzetrajecten afgerond"),
    "steps_agreed": d_("Stappen afgesproken"),
    "steps_evaluated": d_("Stappen geëvalueerd"),
    "exercises_done": d_("Oefeningen gedaan"),
    "badges_earned": d_("Badges verdiend"),
    "escalations": d_("Meldingen voor een coach"),
    "replies_on_time": d_("Eerste antwoord binnen de norm"),
    "replies_late": d_("Eerste antwoord later dan de norm"),
}


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    bars: list[Bar]


@dataclass(frozen=True)
class Week:
    """One week's figures: the page's table and one CSV row."""

    week: str  # ISO week, "2026-W49"
    number: int
    counts: dict[str, int]  # per SERIES key
    reasons: dict[str, int]  # escalations per reason
    median_hours: float | None  # coach hours to the first reply; None without replies


@dataclass(frozen=True)
class Report:
    team_id: int
    team_name: str
    target: timedelta
    charts: list[Chart]
    weeks: list[Week]
    reasons: list[str]  # reasons with escalations in the period, known ones first


def first_monday(now: datetime, weeks: int = WEEKS) -> datetime:
    """Midnight (UTC) on the Monday of the oldest week shown."""
    start = now - timedelta(weeks=weeks - 1)
    start -= timedelta(days=start.weekday())
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def series(figures: Figures, target: timedelta) -> dict[str, list[datetime]]:
    """The moments each chart counts."""
    return {
        "conversations": figures.conversations,
        "journeys_started": figures.journeys_started,
        "journeys_finished": figures.journeys_finished,
        "steps_agreed": figures.steps_agreed,
        "steps_evaluated": figures.steps_evaluated,
        "exercises_done": figures.exercises_done,
        "badges_earned": figures.badges_earned,
        "escalations": [m for moments in figures.escalations.values() for m in moments],
        "replies_on_time": [r.opened for r in figures.first_replies if r.waited <= target],
        "replies_late": [r.opened for r in figures.first_replies if r.waited > target],
    }


def medians(figures: Figures, now: datetime) -> list[float | None]:
    """Per week shown, the median coach hours to the first reply."""
    keys = [b.week for b in weekly_bars([], now, WEEKS)]
    waits: dict[str, list[float]] = {key: [] for key in keys}
    for reply in figures.first_replies:
        year, week = reply.opened.isocalendar()[:2]
        key = f"{year}-W{week:02d}"
        if key in waits:
            waits[key].append(reply.waited.total_seconds() / 3600)
    return [round(statistics.median(waits[k]), 1) if waits[k] else None for k in keys]


def report(team_id: int, team_name: str, now: datetime) -> Report:
    target = response_target()
    figures = caseload.figures(team_id, first_monday(now))
    charts = [
        Chart(key, SERIES[key], weekly_bars(moments, now, WEEKS))
        for key, moments in series(figures, target).items()
    ]
    reasons = sorted(figures.escalations, key=lambda r: (r not in REASON_NAMES, r))
    by_reason = {r: weekly_bars(figures.escalations[r], now, WEEKS) for r in reasons}
    weeks = [
        Week(
            week=bar.week,
            number=bar.number,
            counts={chart.key: chart.bars[index].count for chart in charts},
            reasons={r: by_reason[r][index].count for r in reasons},
            median_hours=median,
        )
        for index, (bar, median) in enumerate(
            zip(charts[0].bars, medians(figures, now), strict=True)
        )
    ]
    return Report(team_id, team_name, target, charts, weeks, reasons)


def suppressed(count: int) -> str:
    return SUPPRESSED if 0 < count < SMALL else str(count)


def spreadsheet_safe(text: str) -> str:
    """A team name a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(found: Report) -> str:
    """The figures of the page, one row per week; small counts suppressed, never text or ids."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    reason_columns = [f"escalations_{reason}" for reason in found.reasons]
    writer.writerow(
        ["week", "team", *SERIES, *reason_columns, "target_hours", "first_reply_median_hours"]
    )
    team, target = spreadsheet_safe(found.team_name), found.target.total_seconds() / 3600
    for week in found.weeks:
        replies = week.counts["replies_on_time"] + week.counts["replies_late"]
        median = "" if week.median_hours is None or replies < SMALL else week.median_hours
        writer.writerow(
            [
                week.week,
                team,
                *(suppressed(week.counts[key]) for key in SERIES),
                *(suppressed(week.reasons[reason]) for reason in found.reasons),
                f"{target:g}",
                median,
            ]
        )
    return out.getvalue()


def chosen_team(request: Request) -> int | None:
    """A lead's own team (another one is refused); an admin's ``?team=``, else the first."""
    coach, asked = request.state.coach, request.query_params.get("team", "")
    wanted = int(asked) if asked.isdigit() else None
    if coach.role != "admin":
        return coach.team_id if wanted in (None, coach.team_id) else None
    return wanted


async def load(request: Request) -> Report | Response:
    """The report of the team asked for, or the answer to give instead (403, 404)."""
    team_id = chosen_team(request)
    if request.state.coach.role != "admin" and team_id is None:
        return PlainTextResponse("Forbidden", status_code=403)
    if team_id is None:
        found = await run_db(caseload.teams)
        if not found:
            return PlainTextResponse("No teams yet", status_code=404)
        team_id = found[0][0]
    name = await run_db(caseload.team_name, team_id)
    if name is None:
        return PlainTextResponse("Not found", status_code=404)
    return await run_db(report, team_id, name, utcnow())


def reason_label(locale: str) -> Callable[[str], str]:
    return lambda reason: named(REASON_NAMES, reason, locale)


@login_required(roles=ROLES)
async def view(request: Request) -> Response:
    found = await load(request)
    if isinstance(found, Response):
        return found
    admin = request.state.coach.role == "admin"
    return page(
        request,
        "caseload.html",
        report=found,
        teams=await run_db(caseload.teams) if admin else [],
        chart_width=WIDTH,
        chart_height=HEIGHT,
        series=SERIES,
        target_hours=f"{found.target.total_seconds() / 3600:g}",
        reason_name=reason_label(locale_of(request)),
    )


@login_required(roles=ROLES)
async def export_csv(request: Request) -> Response:
    found = await load(request)
    if isinstance(found, Response):
        return found
    await run_db(
        coaches.audit,
        request.state.coach.id,
        "export_caseload",
        f"team:{found.team_id}",
        {"weeks": WEEKS},
    )
    day = utcnow().date().isoformat()
    return Response(
        csv_text(found),
        media_type="text/csv; charset=utf-8",
        headers={
            **NO_STORE,
            "Content-Disposition": f'attachment; filename="caseload-team{found.team_id}-{day}.csv"',
        },
    )
