"""Decision records as a coach reads them: words instead of ids, dates for the region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.coach.texts import (
    DECIDED_WITH,
    DECISION_GOALS,
    DECISION_STATUS,
    REVIEW_ANSWERS,
    REVIEW_NEXT,
    REVIEW_REASONS,
    d_,
    translations,
)
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
    avoid: str
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


def outcome_words(outcome: dict[str, Any] | None, locale: str) -> str:
    """The follow-up in words: how it went, why, in the user's words, and what now."""
    if not outcome:
        return ""
    gettext = translations(locale).gettext
    parts = []
    worked = REVIEW_ANSWERS.get(str(outcome.get("worked")), "")
    if worked:
        parts.append(gettext(worked))
    reasons = [REVIEW_REASONS.get(str(r)) for r in outcome.get("reasons") or []]
    if named_reasons := [gettext(r) for r in reasons if r]:
        label = d_("hielp") if outcome.get("worked") == "yes" else d_("in de weg")
        parts.append(f"{gettext(label)}: {', '.join(named_reasons)}")
    if outcome.get("reason_text"):
        parts.append(f"{gettext(d_('in eigen woorden'))}: “{outcome['reason_text']}”")
    next_step = REVIEW_NEXT.get(str(outcome.get("next")))
    still = outcome.get("still_good")
    if next_step:
        parts.append(gettext(next_step))
    elif still is not None:  # records from before the reasons were asked
        parts.append(gettext(d_("past nog")) if still else gettext(d_("kiest opnieuw")))
    return "; ".join(parts)


def decision_row(record: DecisionRecord, locale: str) -> DecisionRow:
    gettext = translations(locale).gettext
    return DecisionRow(
        created_at=record.created_at,
        goal=gettext(DECISION_GOALS.get(record.goal or "", d_("onbekend"))),
        choice=_title(record.region, record.choice),
        options_shown=", ".join(_title(record.region, i) for i in record.options_shown),
        preferences=preference_names(list(record.preferences), locale),
        avoid=preference_names(list(record.avoid), locale),
        decided_with=gettext(DECIDED_WITH.get(record.decided_with, DECIDED_WITH["not_asked"])),
        next_step=record.next_step or "",
        next_step_on=format_day(record.next_step_on, record.region) if record.next_step_on else "",
        helper=record.helper or "",
        review_on=format_day(record.review_on, record.region) if record.review_on else "",
        status=gettext(DECISION_STATUS.get(record.status, record.status)),
        outcome=outcome_words(record.outcome, locale),
        catalogue_version=record.catalogue_version,
    )
