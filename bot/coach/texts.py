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


def format_waiting(delta: timedelta, locale: str, days: bool = True) -> str:
    """'12 min', '3 u 5 min', '2 d': short enough for an inbox row.

    Working time is counted in hours only (``days=False``): 30 working hours are
    almost a working week, not "1 d".
    """
    gettext = translations(locale).gettext
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return gettext(d_("{n} min")).format(n=minutes)
    if minutes % 60 == 0 and (minutes < 24 * 60 or not days):
        return gettext(d_("{h} u")).format(h=minutes // 60)
    if minutes < 24 * 60 or not days:
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
    "decision": d_("Wil samen met een coach kiezen"),
    "decision_review": d_("Evaluatie van een keuze: wil een coach"),
    "language": d_("Schrijft in een andere taal"),
}

# data/content/problem_help.yml: the topic after "problem:" in a reason.
TOPIC_NAMES = {
    "schulden": d_("schulden"),
    "wonen": d_("wonen"),
    "uitkering": d_("uitkering"),
    "gezondheid": d_("gezondheid"),
    "verslaving": d_("verslaving"),
    "geweld": d_("geweld"),
    "zorg": d_("zorg"),
}


# Where the user was (summary "step": a running form or the last response).
STEP_NAMES = {
    "onboarding_form": d_("Kennismaking (toestemming en regio)"),
    "decision_form": d_("Samen Beslissen: een stap kiezen"),
    "exercise_form": d_("Oefening digitale vaardigheden"),
    "utter_disclosure": d_("Begin van het gesprek"),
    "utter_capabilities": d_("Uitleg wat de bot kan"),
    "utter_menu": d_("Menu"),
    "utter_greet": d_("Begroeting"),
    "utter_greet_back": d_("Begroeting"),
    "utter_ask_consent": d_("Vraag om toestemming"),
    "utter_ask_region": d_("Vraag naar de regio"),
    "utter_ask_rephrase": d_("Bot vroeg het anders te zeggen"),
    "utter_mood_bad": d_("Voelt zich niet goed"),
    "utter_share_problem": d_("Vertelde over een probleem"),
    "utter_coach_handback": d_("Terug bij de bot na een coach"),
    "utter_coach_snoozed": d_("Coach stelde het uit; terug bij de bot"),
    "utter_coach_requested": d_("Coach gevraagd"),
    "utter_coach_later": d_("Coach gevraagd, buiten de coachtijden"),
    "utter_crisis": d_("Crisis: de hulplijn is genoemd"),
    "utter_crisis_coach": d_("Crisis: hulplijn genoemd en coach gewaarschuwd"),
    "utter_distress_line": d_("Zware gevoelens: hulplijn genoemd"),
    "utter_distress_question": d_("Zware gevoelens: gevraagd naar zelfmoordgedachten"),
    "utter_distress_not_suicidal": d_("Zware gevoelens, geen zelfmoordgedachten"),
    "utter_telegram_notice": d_("Uitleg: Telegram is niet helemaal veilig"),
    "utter_resume_decision": d_("Aanbod om verder te gaan met Samen Beslissen"),
    "utter_resume_exercise": d_("Aanbod om verder te oefenen"),
    "utter_explain_again": d_("Bot legde het eenvoudiger uit"),
    "utter_still_hard": d_("Bot legde het eenvoudiger uit"),
}
# Responses without their own name: named after the part of the conversation they belong to.
STEP_FAMILIES = (
    ("crisis", d_("Crisis")),
    ("distress", d_("Zware gevoelens")),
    ("erasure", d_("Gegevens wissen")),
    ("consent", d_("Toestemming")),
    ("age", d_("Leeftijd en toestemming")),
    ("region", d_("Regio")),
    ("decision", d_("Samen Beslissen")),
    ("exercise", d_("Oefening")),
    ("coach", d_("Coach")),
    ("mood", d_("Stemming")),
    ("fallback", d_("Bot begreep het niet")),
    ("default", d_("Bot begreep het niet")),
    ("out_of_scope", d_("Vraag buiten wat de bot kan")),
)


def step_name(step: str | None, locale: str) -> str:
    """A readable step: its own name, else its family, else "a message of the bot"."""
    if not step:
        return "–"
    gettext = translations(locale).gettext
    key = step.removesuffix("_simple")
    name = STEP_NAMES.get(key)
    if name:
        return gettext(name)
    family = next((text for word, text in STEP_FAMILIES if word in key), None)
    if family:
        return gettext(family)
    if key.startswith("utter_"):
        return gettext(d_("Een bericht van de bot"))
    if key.startswith("action_"):
        return gettext(d_("Een stap van de bot"))
    return step


def reason_name(reason: str, locale: str) -> str:
    """``problem:schulden`` reads 'Probleem: schulden'; unknown reasons show as they are."""
    base, _sep, topic = reason.partition(":")
    name = REASON_NAMES.get(base)
    if name is None:
        return reason
    gettext = translations(locale).gettext
    text = gettext(name)
    if not topic:
        return text
    topic_name = TOPIC_NAMES.get(topic)
    return f"{text}: {gettext(topic_name) if topic_name else topic}"


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
# The follow-up's reasons (bot/decision/flow.py REASONS): what helped, what got in the way.
REVIEW_REASONS = {
    "someone": d_("hulp van iemand"),
    "clear": d_("het was duidelijk"),
    "had_time": d_("had er tijd voor"),
    "no_time": d_("geen tijd"),
    "too_hard": d_("te moeilijk"),
    "no_answer": d_("geen antwoord gekregen"),
    "health": d_("gezondheid of zorgen"),
}
REVIEW_NEXT = {
    "continue": d_("gaat door, met een nieuwe stap"),
    "adjust": d_("past de stap aan"),
    "choose_again": d_("kiest iets anders"),
    "coach": d_("wil met de coach praten"),
}
DECIDED_WITH = {
    "alone": d_("alleen, in de chat"),
    "with_coach": d_("samen met de coach"),
    "coach_asked": d_("op vraag van de coach"),
    "coach": d_("wil samen met de coach kiezen"),
    "not_asked": d_("niet gezegd"),
}
