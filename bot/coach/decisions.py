"""Decision records as a coach reads them: words instead of ids, dates for the region."""

from __future__ import annotations

from dataclasses import dataclass

from bot.coach.texts import DECISION_GOALS, DECISION_STATUS, REVIEW_ANSWERS, d_, translations
from bot.coach.words import preference_names
from bot.decision.catalogue import catalogue
from bot.i18n import format_day
from bot.store.decisions import DecisionRecord


@dataclass(frozen=True)
class DecisionRow:
    created_at: object
    goal: str
    choice: str
    options_shown: str
    preferences: str
    decided_with: str
    next_step: str
    next_step_on: str
    helper: str
    review_on: str
    status: str
    outcome: str
    catalogue_version: str


def _title(region: str, option_id: str | None) -> str:
    if not option_id:
        return ""
    try:
        return catalogue(region).get(option_id).title
    except KeyError:  # an option removed from the catalogue since: show its id
        return option_id


def decision_row(record: DecisionRecord, locale: str) -> DecisionRow:
    gettext = translations(locale).gettext
    outcome = ""
    if record.outcome:
        worked = REVIEW_ANSWERS.get(str(record.outcome.get("worked")), "")
        still = record.outcome.get("still_good")
        parts = [gettext(worked)] if worked else []
        if still is not None:
            parts.append(gettext(d_("past nog")) if still else gettext(d_("kiest opnieuw")))
        outcome = ", ".join(parts)
    with_coach = record.decided_with == "coach"
    return DecisionRow(
        created_at=record.created_at,
        goal=gettext(DECISION_GOALS.get(record.goal or "", d_("onbekend"))),
        choice=_title(record.region, record.choice),
        options_shown=", ".join(_title(record.region, i) for i in record.options_shown),
        preferences=preference_names(list(record.preferences), locale),
        decided_with=gettext(d_("met coach")) if with_coach else gettext(d_("zelf, in de chat")),
        next_step=record.next_step or "",
        next_step_on=format_day(record.next_step_on, record.region) if record.next_step_on else "",
        helper=record.helper or "",
        review_on=format_day(record.review_on, record.region) if record.review_on else "",
        status=gettext(DECISION_STATUS.get(record.status, record.status)),
        outcome=outcome,
        catalogue_version=record.catalogue_version,
    )
