"""Digital-skills exercises as a coach reads them: the progress summary, a chart, the attempts.

The same numbers as the job-seeker's own "Hoe ver ben ik?" (bot.exercises.progress),
counted on the catalogue of the region they last practised in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.coach.charts import (
    SKILLS_WIDTH,
    CompetenceBar,
    competence_bars,
    competence_chart_height,
)
from bot.coach.texts import d_, translations
from bot.exercises.catalogue import Catalogue, catalogue
from bot.exercises.progress import results_of, summarise
from bot.i18n import region_or_default
from bot.store.escalations import aware
from bot.store.exercises import Attempt

EXERCISE_STATUS = {
    "passed": d_("gehaald"),
    "failed": d_("niet gehaald"),
    "stopped": d_("halverwege gestopt"),
}


@dataclass(frozen=True)
class AttemptRow:
    created_at: datetime | None
    title: str
    competence: str
    level: int
    score: int  # 0-100
    correct: int
    questions: int
    skipped: int
    answers: int  # answers given, retries included
    time: str  # "m:ss"
    status: str
    state: str  # passed / failed / stopped: for the row's class


@dataclass(frozen=True)
class ExercisesView:
    region: str
    done: int  # exercises finished at least once
    passed: int
    badges: int
    competences: int
    bars: list[CompetenceBar]
    chart_width: int
    chart_height: int
    digcomp: dict[str, str]  # DigComp 2.2's own (English) name per competence code
    rows: list[AttemptRow]  # newest first


def duration(seconds: int) -> str:
    """'3:07': minutes and seconds."""
    minutes, rest = divmod(max(0, int(seconds)), 60)
    return f"{minutes}:{rest:02d}"


def state_of(attempt: Attempt) -> str:
    if not attempt.finished:
        return "stopped"
    return "passed" if attempt.passed else "failed"


def _title(attempt: Attempt) -> str:
    try:
        return catalogue(attempt.region).get(attempt.exercise_id).title
    except KeyError:  # an exercise removed from the catalogue since: show its id
        return attempt.exercise_id


def attempt_row(attempt: Attempt, locale: str) -> AttemptRow:
    state = state_of(attempt)
    return AttemptRow(
        created_at=aware(attempt.created_at),
        title=_title(attempt),
        competence=attempt.competence,
        level=attempt.level,
        score=attempt.score,
        correct=attempt.correct,
        questions=attempt.questions,
        skipped=attempt.skipped,
        answers=attempt.answers,
        time=duration(attempt.seconds),
        status=translations(locale).gettext(EXERCISE_STATUS[state]),
        state=state,
    )


def region_of(attempts: list[Attempt], profile_region: str | None) -> str:
    """The region of the latest attempt (its catalogue), else the profile's, else nl_NL."""
    return region_or_default(attempts[-1].region if attempts else profile_region)


def exercises_view(
    attempts: list[Attempt], profile_region: str | None, locale: str
) -> ExercisesView | None:
    """None without attempts (none done, or no consent to store them).

    ``attempts`` oldest first, as bot.store.exercises.for_jobseeker gives them.
    """
    if not attempts:
        return None
    region = region_of(attempts, profile_region)
    offered: Catalogue = catalogue(region)
    summary = summarise(offered, results_of(attempts))
    bars = competence_bars(summary.competences)
    return ExercisesView(
        region=region,
        done=summary.done,
        passed=summary.passed,
        badges=len(summary.badges),
        competences=len(summary.competences),
        bars=bars,
        chart_width=SKILLS_WIDTH,
        chart_height=competence_chart_height(bars),
        digcomp={c.code: c.digcomp for c in offered.competences},
        rows=[attempt_row(attempt, locale) for attempt in reversed(attempts)],
    )
