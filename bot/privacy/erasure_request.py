"""Whether a message explicitly asks to delete one's data.

Erasure cannot be undone, so the classifier's guess is not enough: "stop", "klaar" or
"stop met bewaren" must never start it. A request counts only when it names deleting
("verwijder", "wis", "vergeet mij", "delete") or data going away ("mijn gegevens weg").
The Rasa component (bot/nlp/guard_component.py) and the erasure action both ask this.
"""

from __future__ import annotations

import re

from bot.text.normalise import normalise

# Verbs and nouns that themselves say "delete" (their inflections by prefix).
_DELETE = re.compile(
    r"\b(verwijder\w*|wis|wist|wissen|gewist|uitwissen|wisse|delete\w*|deleet\w*|vernietig\w*"
    r"|vergeet|vergeten|vergetelheid|erase|remove|uitschrijven|schrap\w*"
    r"|leegmaken|leeg ?maken|maak \w+ ?\w* ?leeg|weggooien|gooi \w+ ?\w* ?weg"
    r"|uit (het|jullie|je|uw) systeem|weg ermee|weg met (mijn|al|alle|alles|die|dat))\b"
)
# Going away only counts next to what would go: "mijn data weg", "haal alles weg".
_DATA = re.compile(
    r"\b(gegevens|gegevns|data|info|informatie|berichten|gesprek\w*|chat\w*|profiel|account"
    r"|dossier|nummer|persoonsgegevens|resultaten|database)\b"
)
_AWAY = re.compile(r"\b(weg|weghalen|weghale|wegdoen|wegsmijten|kwijt)\b")
_EVERYTHING_AWAY = re.compile(r"\balles\b.*\b(weg|weghalen|weghale|wegdoen|wegsmijten)\b")
# What people ask other assistants to delete: "wis de voicemail", "verwijder alle wekkers".
_THEIR_THINGS = re.compile(
    r"\b(voicemail\w*|wekker\w*|alarm\w*|timer\w*|e-?mails?|mailtje\w*|foto\w*|spam\w*"
    r"|apps?|playlist\w*|afspeellijst\w*|liedje\w*|herinnering\w*|routine\w*|contact\w*"
    r"|sms\w*|notitie\w*|boodschappen\w*|belgeschiedenis|zoekgeschiedenis|agenda\w*)\b"
)
_NEGATION = re.compile(r"\b(niet|nie|geen|nooit|niks|niets|not|dont)\b")
_CLAUSES = re.compile(r"[,.;:!?()\n]+|\bmaar\b")


def is_explicit_erasure_request(text: str) -> bool:
    """True for "verwijder mijn gegevens", "wis alles", "mijn data weg aub"; False for "stop".

    Read per clause, so "niet bewaren, verwijderen" asks. A clause with a negation does not
    ask ("nee, niet wissen", "ik wil niet dat je iets wist"): when in doubt, erase nothing.
    """
    return any(_asks(normalise(clause)) for clause in _CLAUSES.split(text[:500].lower()))


def _asks(clause: str) -> bool:
    """A clause asks when it names deleting, or data going away, and denies neither."""
    if not clause or _NEGATION.search(clause):
        return False
    if _THEIR_THINGS.search(clause) and not _DATA.search(clause):
        return False  # a device's things, not what we keep
    if _DELETE.search(clause) or _EVERYTHING_AWAY.search(clause):
        return True
    return bool(_AWAY.search(clause) and _DATA.search(clause))
