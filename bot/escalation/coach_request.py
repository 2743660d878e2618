"""Asking for a person, and saying no to one, read from the words themselves.

A request for a human is the one wish an assistant must never miss: the classifier learns it
well from short phrasings, but a long one ("ja hallo ik wil graag even iemand spreken van de
gemeente want ...") or a Flemish one ("efkes met iemand echt babbelen") can land between
``request_coach`` and ``bot_challenge``. A person word with a wish to talk to them is a
request, whatever the scores; "ben jij een mens?" is a question, not a wish, and stays one.
"""

from __future__ import annotations

import re

from bot.decision.understand import normalise

_PERSON = (
    r"(iemand|mens|persoon|coach|jobcoach|begeleider|begeleidster|consulent|klantmanager"
    r"|medewerker|werkcoach|hulpverlener|trajectbegeleider|bemiddelaar|mentor|werker)"
)
_TO = r"(met|tegen|naar) (een |de |mijn |mn |m n |me |uw |ne |nen |iemand |echte? |levende? )*"
# Infinitives only: "praat ik met een mens?" asks what this is; "ik wil met een mens praten"
# asks for one. "gesproken" and "gebeld" tell what happened, not what is wished.
_TALK = r"(praten|prate|spreken|spreke|babbelen|babbele|klappen|bellen|belle|chatten|contacteren)"
_ASKS = re.compile(
    rf"\b{_TO}{_PERSON}\b( \w+){{0,5}} {_TALK}\b"  # "met een echt mens praten"
    # "iemand spreken", "mijn coach bellen"
    rf"|\b(iemand|een (echte? )?(mens|persoon|coach)|(mijn|mn) {_PERSON})\b( \w+){{0,3}} {_TALK}\b"
    rf"|\b{_TALK}( \w+){{0,2}} {_TO}{_PERSON}\b"  # "praten met een coach"
    r"|\b(echte?|levende?) (mens|persoon)\b( \w+){0,3} (aub|graag|alstublieft|please|pls)\b"
    r"|\b(ipv|in plaats van|i p v) (een |de |die )?(bot|robot|computer|chatbot)\b"
    # English: the coach is one tap away in every language, and so is this wish
    r"|\b(talk|speak|chat) (to|with) (a |an |the |my )?(real |actual |human |live )?"
    r"(person|human|coach|someone|somebody|people|agent)\b"
    r"|\b(real|actual|live) (person|human)\b"
)
_WISH = re.compile(
    r"\b(wil|wou|wilt|graag|kan ik|kan je|kun je|kunt u|mag ik|liever|moet ik|ga ik|"
    r"kunnen we|kan iemand|wens|aub|alstublieft|please|pls|efkes|effe|even|ff"
    r"|can i|could i|i want|i would like|id like|i need|let me)\b"
)

# "ik wil geen coach", "hoeft niet met een coach", "zonder coach": a no to a person.
_NO_COACH = re.compile(
    r"\b(wil|wou|hoef|hoeft|moet|nodig|liever|nee|neen)( \w+){0,3} (geen|niet|nie|zonder)"
    r"( \w+){0,3} (coach|coaches|mens|persoon|begeleider|consulent|iemand)\b"
    r"|\bgeen (coach|begeleider|consulent)( \w+){0,2} (nodig|hoeven|willen|aub|bedankt)\b"
    r"|\bzonder (een |de |mijn )?(coach|begeleider)\b"
)


def refuses_coach(text: str) -> bool:
    return bool(_NO_COACH.search(normalise(text[:500])))


def asks_for_person(text: str) -> bool:
    """True when the message wishes to talk with a person (and does not refuse one)."""
    if text.startswith("/"):
        return False
    cleaned = normalise(text[:500])
    return bool(_ASKS.search(cleaned) and _WISH.search(cleaned)) and not refuses_coach(text)
