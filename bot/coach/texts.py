"""The dashboard's language: its own gettext domain, separate from the bot's texts.

Job-seeker texts (domain ``messages``) must pass the plain-language rules; coach
texts need not, so they live in the ``dashboard`` domain. Source strings are
Dutch; ``locales/en`` holds English. Python code marks texts with :func:`d_`
(extracted with ``-k d_``) and translates them when a page is built, so the bot's
``messages`` extraction never picks them up.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.support import NullTranslations, Translations

from bot.config import LOCALES_DIR

DOMAIN = "dashboard"
LOCALES = ("nl", "en")
DEFAULT = "nl"
# Coaches work in the Netherlands and Flanders: one clock for both.
ZONE = ZoneInfo("Europe/Amsterdam")
_CATALOGUE = {"nl": "nl_NL", "en": "en"}


def d_(message: str) -> str:
    """Mark a text for the dashboard catalogue; translate it later with ``gettext``."""
    return message


def locale_or_default(value: str | None) -> str:
    return value if value in LOCALES else DEFAULT


@lru_cache(maxsize=4)
def translations(locale: str) -> NullTranslations:
    """The catalogue for ``nl`` or ``en``; without a compiled catalogue, the Dutch source."""
    return Translations.load(str(LOCALES_DIR), [_CATALOGUE[locale_or_default(locale)]], DOMAIN)


def format_moment(value: datetime | None, locale: str) -> str:
    if value is None:
        return ""
    return format_datetime(value, format="short", tzinfo=ZONE, locale=_CATALOGUE[locale])


def format_waiting(delta: timedelta, locale: str) -> str:
    """'12 min', '3 u 5 min', '2 d': short enough for an inbox row."""
    gettext = translations(locale).gettext
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return gettext(d_("{n} min")).format(n=minutes)
    if minutes < 24 * 60:
        return gettext(d_("{h} u {m} min")).format(h=minutes // 60, m=minutes % 60)
    return gettext(d_("{d} d")).format(d=minutes // (24 * 60))


STATUS_NAMES = {
    "waiting": d_("Wachtend"),
    "with_coach": d_("Bij coach"),
    "snoozed": d_("Uitgesteld"),
    "resolved": d_("Afgerond"),
}
PRIORITY_NAMES = {"urgent": d_("Urgent"), "normal": d_("Normaal")}
REASON_NAMES = {
    "request": d_("Vraagt om een coach"),
    "problem": d_("Probleem"),
    "mood": d_("Voelt zich niet goed"),
    "crisis": d_("Crisis"),
    "privacy_delete": d_("Wil gegevens wissen"),
    "not_understood": d_("Bot begreep het niet"),
}


# Where the user was (summary "step": a running form or the last response).
STEP_NAMES = {
    "onboarding_form": d_("Kennismaking (toestemming en regio)"),
    "utter_disclosure": d_("Begin van het gesprek"),
    "utter_capabilities": d_("Uitleg wat de bot kan"),
    "utter_menu": d_("Menu"),
    "utter_greet": d_("Begroeting"),
    "utter_ask_consent": d_("Vraag om toestemming"),
    "utter_ask_region": d_("Vraag naar de regio"),
    "utter_ask_rephrase": d_("Bot vroeg het anders te zeggen"),
    "utter_mood_bad": d_("Voelt zich niet goed"),
    "utter_share_problem": d_("Vertelde over een probleem"),
    "utter_coach_handback": d_("Terug bij de bot na een coach"),
}


def step_name(step: str | None, locale: str) -> str:
    """A readable step; unknown steps show their technical name, nothing is hidden."""
    if not step:
        return "–"
    name = STEP_NAMES.get(step.removesuffix("_simple"))
    return translations(locale).gettext(name) if name else step


def reason_name(reason: str, locale: str) -> str:
    """``problem:rent`` reads 'Probleem: rent'; unknown reasons show as they are."""
    base, _sep, topic = reason.partition(":")
    name = REASON_NAMES.get(base)
    if name is None:
        return reason
    text = translations(locale).gettext(name)
    return f"{text}: {topic}" if topic else text


# Samen Beslissen records in the job-seeker view (bot/store/decisions.py).
DECISION_STATUS = {
    "agreed": d_("Afgesproken"),
    "talk_to_coach": d_("Wil eerst met coach praten"),
    "later": d_("Kiest later"),
    "evaluated": d_("Geëvalueerd"),
    "replaced": d_("Vervangen door een nieuwe keuze"),
}
DECISION_GOALS = {
    "work": d_("Werk vinden"),
    "learn": d_("Iets leren"),
    "sort_out": d_("Eerst iets regelen"),
    "explore": d_("Weet het nog niet"),
}
REVIEW_ANSWERS = {
    "yes": d_("gelukt"),
    "partly": d_("deels gelukt"),
    "no": d_("niet gelukt"),
}
