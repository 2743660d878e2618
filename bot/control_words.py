"""Control words ("stop", "laat maar") read the same way in every state, before the classifier.

A learned classifier can put a bare "stop" anywhere, even on "erase my data". These words
are too important for that: here they map, deterministically, onto the intent that means
the same everywhere. Inside a guided conversation that intent leaves it with its progress
kept (the rules say so); at the menu it pauses. A control word is only one when it is
(nearly) the whole message: "ik ben gestopt met school" and "stop met bewaren" are not.
"""

from __future__ import annotations

import re

from bot.decision.understand import first_clause, normalise, phrase_command

# Leave what we are doing, keep what was done: never delete, never alarm. Not "ik wil niet
# meer" or "ik heb er genoeg van": those can be distress, for the crisis net and the classifier.
STOP: tuple[str, ...] = (
    "stop", "stoppen", "stopen", "stopp", "stopt", "ik stop", "stop ermee", "stop hiermee",
    "ik stop ermee", "stop ermee aub", "ik wil stoppen", "ik wil nu stoppen", "stop hier",
    "stop maar", "stop oefening", "stop gesprek", "stop de chat", "stop chat", "stopzetten",
    "ophouden", "ophoude", "hou op", "houd op", "hou ermee op", "laat maar", "laat maar zitten",
    "laat het maar", "laat maar gaan", "kappen", "kappe", "kap ermee", "kap ermee nu",
    "genoeg voor vandaag", "genoeg zo", "annuleer", "annuleren", "cancel", "exit", "quit",
    # no mood for it now (Flemish: goesting); "geen zin meer" is left to the crisis net
    "geen zin", "heb geen zin", "nu geen zin", "ik heb nu geen zin", "geen goesting",
    "heb geen goesting", "nu geen goesting", "ik heb nu geen goesting",
)  # fmt: skip

# Leave what we are doing (kept) and show the menu.
MENU: tuple[str, ...] = (
    "menu", "menuu", "het menu", "hoofdmenu", "naar het menu", "terug naar het menu",
    "terug naar menu", "naar menu", "toon menu", "toon het menu", "laat het menu zien",
    "menu zien", "startscherm",
)  # fmt: skip
# Go on where we were: back into the journey or exercise that was left.
RESUME: tuple[str, ...] = (
    "verder", "ga verder", "ga maar verder", "verder gaan", "verder gaan we", "doorgaan",
    "ga door", "gaan we verder", "we gaan verder", "laten we verder", "laten we verder gaan",
    "ok verder", "oke verder", "ja verder", "verder waar ik was", "verder waar we waren",
    "waar waren we", "laten we verder oefenen", "verder oefenen", "doe maar verder",
)  # fmt: skip
# Say the question again, in simpler words.
NOT_UNDERSTOOD: tuple[str, ...] = (
    "ik snap het niet", "snap het niet", "ik snap er niks van", "ik snap er niets van",
    "ik begrijp het niet", "begrijp het niet", "ik begrijp je niet", "ik snap je niet",
    "ik versta het niet", "snappie nie", "huh", "hä", "wablief", "wa zegde",
    "wat betekent dat", "wat bedoel je", "wat bedoel je daarmee", "hoe bedoel je",
    "wat wil dat zeggen", "wa wilt da zeggen", "wat is dat",
)  # fmt: skip
# What can I do here: the capabilities, and the question again inside a journey.
HELP: tuple[str, ...] = ("help", "hulp", "help me", "helpen", "help aub", "hulp aub", "helpp")

_NO_MOOD_ANY_MORE = re.compile(r"\b(zin|goesting|gene goesting) (meer|nimmer)\b")
# "kunnen we morgen verder gaan": going on later is a pause now.
_LATER = re.compile(
    r"\b(morgen|overmorgen|straks|later|vanavond|vanmiddag|volgende (week|keer)|een andere keer"
    r"|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|na het weekend)\b"
)

# (intent, phrases): the intent a control word stands for.
CONTROL_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pause", STOP),
    ("menu", MENU),
    ("resume", RESUME),
    ("not_understood", NOT_UNDERSTOOD),
    ("ask_capabilities", HELP),
)


def control_intent(text: str) -> str | None:
    """The intent a control word stands for ("stop" -> "pause"), or None for other text."""
    if text.startswith("/"):  # a button payload or a Telegram command, handled elsewhere
        return None
    if _NO_MOOD_ANY_MORE.search(normalise(text[:300])):
        return None  # "ik heb geen zin meer": maybe more than a pause; the nets and model decide
    # "ik stop even want mijn kind huilt": the control word before its reason counts too.
    found = phrase_command(text, CONTROL_WORDS) or phrase_command(first_clause(text), CONTROL_WORDS)
    if found == "resume" and _LATER.search(normalise(text[:300])):
        return "pause"
    return found
