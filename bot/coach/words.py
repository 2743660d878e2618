"""Words instead of keys: what the dashboard shows for the ids the bot stores.

Coaches read "geld, vaste uren" and "Nederland", not ``money, fixed_hours`` and
``nl_NL``. Every name is a dashboard text (Dutch source, English in the catalogue).
An id without a name still shows, as itself: a new key must never hide data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from bot.coach.texts import REVIEW_ANSWERS, REVIEW_NEXT, REVIEW_REASONS, d_, translations

REGION_NAMES = {"nl_NL": d_("Nederland"), "nl_BE": d_("Vlaanderen")}
CHANNEL_NAMES = {
    "telegram": d_("Telegram"),
    "webchat": d_("Webchat"),
    "rest": d_("Testkanaal (REST)"),
    "unknown": d_("Kanaal onbekend"),
}
# data/content/decision_terms.yml: what matters to the job-seeker in a choice.
PREFERENCE_NAMES = {
    "money": d_("geld"),
    "fixed_hours": d_("vaste uren"),
    "learning": d_("iets nieuws leren"),
    "people": d_("met mensen"),
    "close_to_home": d_("dichtbij huis"),
    "own_pace": d_("eigen tempo"),
    "certificate": d_("diploma"),
    "hands": d_("met de handen"),
}
# bot/store/jobseekers.log_progress kinds, and the keys of their details.
PROGRESS_NAMES = {
    "onboarded": d_("Kennismaking afgerond"),
    "decision": d_("Keuze gemaakt (Samen Beslissen)"),
    "decision_review": d_("Keuze geëvalueerd"),
    "exercise": d_("Oefening gedaan"),
}
DETAIL_NAMES = {
    "region": d_("regio"),
    "status": d_("status"),
    "worked": d_("gelukt"),
    "still_good": d_("past nog"),
    "exercise": d_("oefening"),
    "score": d_("score"),
    "passed": d_("gehaald"),
    "level": d_("niveau"),
    "competence": d_("competentie"),
    "reasons": d_("waarom"),
    "next": d_("wil nu"),
}
VALUE_NAMES: dict[Any, str] = {
    True: d_("ja"),
    False: d_("nee"),
    "agreed": d_("afgesproken"),
    "talk_to_coach": d_("wil eerst met coach praten"),
    "later": d_("kiest later"),
    **REVIEW_ANSWERS,
    **REVIEW_REASONS,
    **REVIEW_NEXT,
}
INTENT_NAMES = {
    "greet": d_("groet"),
    "goodbye": d_("neemt afscheid"),
    "thanks": d_("bedankt"),
    "affirm": d_("ja"),
    "deny": d_("nee"),
    "bot_challenge": d_("vraagt of het een computer is"),
    "ask_capabilities": d_("vraagt wat de bot kan"),
    "not_understood": d_("snapt het niet"),
    "request_coach": d_("wil een coach"),
    "crisis": d_("crisis"),
    "share_problem": d_("vertelt over een probleem"),
    "mood_good": d_("voelt zich goed"),
    "mood_bad": d_("voelt zich niet goed"),
    "start_decision": d_("wil een stap kiezen"),
    "start_exercise": d_("wil oefenen"),
    "ask_progress": d_("vraagt naar voortgang"),
    "privacy_export": d_("vraagt welke gegevens we hebben"),
    "privacy_delete": d_("wil gegevens wissen"),
    "pause": d_("wil pauzeren"),
    "out_of_scope": d_("iets anders"),
    "inform": d_("antwoord"),
    "inform_age": d_("noemt leeftijd"),
    "ask_agreement": d_("vraagt naar de afspraak"),
    "EXTERNAL_followup": d_("opvolging door de bot"),
    "menu": d_("wil het menu"),
    "other_language": d_("andere taal"),
    "inform_region": d_("noemt regio"),
    "distress": d_("wanhopig, geen crisis gezegd"),
    "ask_rules": d_("vraag over regels"),
    "nlu_fallback": d_("niet begrepen"),
}
AUDIT_ACTIONS = {
    "view_escalation": d_("melding bekeken"),
    "view_transcript": d_("gesprek bekeken"),
    "view_jobseeker": d_("werkzoekende bekeken"),
    "export_jobseeker": d_("gegevens gedownload"),
    "erase_jobseeker": d_("gegevens gewist"),
    "export_caseload": d_("kerncijfers gedownload"),
    "review_label": d_("bericht gelabeld"),
    "review_accept": d_("label goedgekeurd"),
    "review_reject": d_("label afgewezen"),
    "review_export": d_("trainingsdata geëxporteerd"),
    "claim": d_("overgenomen"),
    "assign": d_("toegewezen"),
    "reply": d_("bericht gestuurd"),
    "note": d_("notitie"),
    "labels": d_("labels"),
    "handback": d_("teruggegeven aan de bot"),
    "snooze": d_("uitgesteld"),
    "resolve": d_("afgerond"),
    "login": d_("ingelogd"),
    "login_failed": d_("inloggen mislukt"),
    "logout": d_("uitgelogd"),
}

# Letters and digits nobody mixes up (no 0/O, 1/I/L): read aloud between coaches.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def named(names: Mapping[Any, str], key: Any, locale: str) -> str:
    """The name of ``key`` in the coach's language; an unknown key shows as itself."""
    name = names.get(key)
    return translations(locale).gettext(name) if name else str(key)


def region_name(region: str | None, locale: str) -> str:
    if not region:
        return translations(locale).gettext(d_("regio onbekend"))
    return named(REGION_NAMES, region, locale)


def channel_name(channel: str | None, locale: str) -> str:
    return named(CHANNEL_NAMES, channel or "unknown", locale)


def preference_names(ids: list[str], locale: str) -> str:
    """``["money", "fixed_hours"]`` reads "geld, vaste uren"."""
    return ", ".join(named(PREFERENCE_NAMES, i, locale) for i in ids)


def intent_name(intent: str | None, locale: str) -> str | None:
    return named(INTENT_NAMES, intent, locale) if intent else None


def progress_counts(counts: Mapping[str, Any], locale: str) -> list[str]:
    """``{"onboarded": 1}`` reads ["Kennismaking afgerond: 1 keer"]."""
    times = translations(locale).gettext(d_("{what}: {n} keer"))
    return [times.format(what=named(PROGRESS_NAMES, k, locale), n=v) for k, v in counts.items()]


def progress_details(data: Mapping[str, Any], locale: str) -> str:
    """A progress event's details as "regio: Nederland, status: afgesproken"."""
    parts = []
    for key, value in data.items():
        if key == "region":
            shown = region_name(str(value), locale)
        elif isinstance(value, (bool, str)) and value in VALUE_NAMES:
            shown = named(VALUE_NAMES, value, locale)
        elif isinstance(value, list):
            shown = ", ".join(named(VALUE_NAMES, item, locale) for item in value) or "–"
        else:
            shown = str(value)
        parts.append(f"{named(DETAIL_NAMES, key, locale)}: {shown}")
    return ", ".join(parts)


def display_name(jobseeker_id: str, locale: str) -> str:
    """'Werkzoekende 4F2': the same job-seeker always gets the same name.

    The project stores no first names (docs/privacy.md). Three characters of a hash
    of the pseudonym (itself a keyed hash of the address) cannot lead back to the
    sender id; they only tell rows apart.
    """
    digest = hashlib.sha256(f"display-name:{jobseeker_id}".encode()).digest()
    number = int.from_bytes(digest[:4], "big")
    code = ""
    for _ in range(3):
        number, index = divmod(number, len(_ALPHABET))
        code += _ALPHABET[index]
    return translations(locale).gettext(d_("Werkzoekende {code}")).format(code=code)
