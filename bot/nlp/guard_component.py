"""Rasa NLU component: control words and the erasure guard, after the classifier.

- A control word ("stop", "laat maar", "kap ermee") becomes its intent (``pause``) with
  confidence 1, whatever the classifier learned: it never reaches "erase my data".
- "ik wil geen coach" is no request for a coach: the classifier's next guess instead; a
  wish to talk with a person ("kan ik efkes met iemand babbelen") is one, whatever the scores.
- "ik ben verhuisd naar Antwerpen" sets the region (an entity the slot maps from, in any
  state) and, unless something weightier was said, becomes ``inform_region``.
- A question about rules ("wanneer betaalt de RVA mijn uitkering?") becomes ``ask_rules``,
  whatever the classifier guessed: the office that knows, not sympathy. A serious problem
  in the words ("ik blow elke dag") that the classifier was unsure of becomes
  ``share_problem``: help, not "wat bedoel je?". A "good mood" with a bad
  feeling word in it ("nog steeds super slecht") becomes ``mood_bad``.
- ``privacy_delete`` stands only when the message asks for deletion in so many words
  (bot/privacy/erasure_request.py). Otherwise a message about data becomes
  ``privacy_export`` (what we keep, and the choice about keeping it), and anything else
  falls back to the classifier's next guess.

Placed after the crisis safety net and the age statement in config.yml, before the
FallbackClassifier: a crisis, a shared problem or a stated age is never overridden.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.control_words import control_intent
from bot.decision.understand import normalise, phrase_command
from bot.escalation.coach_request import asks_for_person, refuses_coach
from bot.escalation.regional_help import problem_help, referrals
from bot.nlp.overlay import IntentOverlay, drop_intents, set_intent
from bot.privacy.erasure_request import is_explicit_erasure_request
from bot.regions import stated_region

ERASE = "privacy_delete"
MOVED = "inform_region"
SHOW_DATA = "privacy_export"
COACH = "request_coach"
NEVER_OVERRIDE = {"crisis", "distress", "inform_age", "share_problem", "request_coach"}
# A question that says it is one is one whatever the classifier guessed, except these.
NEVER_ASK_RULES = {"crisis", "distress", "inform_age", "request_coach"}
# Below the FallbackClassifier's threshold (config.yml) the classifier's guess would be lost.
UNSURE = 0.55
_ABOUT_DATA = re.compile(
    r"\b(gegevens|data|info|privacy|bewaar\w*|bewaren|bewaard|opslaan|opslaat|opgeslagen"
    r"|sla \w+ ?\w* ?op|database|dossier|toestemming|houden|houdt)\b"
)


# "nog steeds super slecht": a feeling word the classifier read past ("super" is good news).
_BAD_FEELING = re.compile(
    r"\b(slecht|rot|kut|klote|beroerd|ellendig|verdrietig|somber|down|depri|naar"
    r"|niet (zo |echt |zo goed |)?(goed|lekker|fijn|top))\b"
)
_NOT_BAD = re.compile(r"\b(niet|nie|nooit|geen) (zo |echt |te )?(slecht|rot|beroerd|down)\b")
# A question, not a story: a question mark, or a question word first.
_QUESTION = re.compile(
    r"^(wanneer|hoe|hoeveel|hoelang|mag|kan|kun|krijg|moet|wat|waar|wie|welke|waarom|stopt"
    r"|wordt|word|heb|is|zijn|klopt|gaat|telt|verlies)\b"
)
_A_QUESTION = re.compile(r"\b(een )?vra(a)?g (over|bij|om|van)\b|\bik vraag me af\b")


def feels_bad(text: str) -> bool:
    cleaned = normalise(text[:500])
    return bool(_BAD_FEELING.search(cleaned)) and not _NOT_BAD.search(cleaned)


def _about_rules(text: str, topics: tuple[str, ...] | None) -> bool:
    """A referral topic in the words: one of ``topics``, or any but the general one."""
    topic = referrals().topic(None, text)
    return topic in topics if topics is not None else topic not in (None, "algemeen")


def asks_about_rules(text: str, topics: tuple[str, ...] | None = None) -> bool:
    """ "wanneer betaalt de RVA mijn uitkering?": a question about rules, for the office."""
    cleaned = normalise(text[:500])
    question = "?" in text[:500] or _QUESTION.search(cleaned) or _A_QUESTION.search(cleaned)
    return bool(question) and _about_rules(text, topics)


def says_rules_question(text: str) -> bool:
    """ "ik heb een vraag over mijn uitkering": it says it is a question, about rules."""
    return bool(_A_QUESTION.search(normalise(text[:500]))) and _about_rules(text, None)


# "'k weet het nie" answers a question; it never asks what we keep about you.
DONT_KNOW: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dont_know", ("weet ik niet", "ik weet het niet", "weet niet", "geen idee", "weet ik veel")),
)


def guarded_intent(text: str, intent: str | None, confidence: float = 1.0) -> str | None:
    """The intent to use instead of the classifier's, or None to keep it."""
    if text.startswith("/"):
        return None
    if intent in (ERASE, SHOW_DATA) and phrase_command(text, DONT_KNOW):
        return ""
    if intent == COACH and refuses_coach(text):
        return ""  # negation is respected: the classifier's next guess
    if asks_for_person(text) and (intent == COACH or intent not in NEVER_OVERRIDE):
        return COACH  # also an unsure request_coach: sure now, past the FallbackClassifier
    if intent == COACH and asks_about_rules(text):
        return "ask_rules"  # "hoeveel keer moet ik solliciteren?": no person asked for
    if intent in ("share_problem", "ask_rules") and asks_about_rules(text):
        return "ask_rules"  # a question gets the office that knows, not sympathy
    if intent == "out_of_scope" and asks_about_rules(text, ("uitkering",)):
        return "ask_rules"  # "hoeveel keer moet ik solliciteren?": ours, not small talk
    if intent not in NEVER_ASK_RULES and says_rules_question(text):
        return "ask_rules"  # "ik heb een vraag over mijn uitkering": whatever was guessed
    if intent == "share_problem" and confidence < UNSURE and problem_help().serious(text):
        return "share_problem"  # "ik blow elke dag, kom er nie vanaf": heard, not "wat bedoel je?"
    unsure = confidence < UNSURE and intent not in NEVER_ASK_RULES
    if unsure and asks_about_rules(text, ("uitkering",)):
        return "ask_rules"  # an unsure guess at "hoeveel keer moet ik solliciteren?": the office
    if unsure and intent not in NEVER_OVERRIDE and is_explicit_erasure_request(text):
        return ERASE  # "ja wis alles", said in so many words; erasing still asks to confirm
    if intent in NEVER_OVERRIDE:
        return None
    if intent == "mood_good" and feels_bad(text):
        return "mood_bad"
    control = control_intent(text)
    if control:
        return control
    if stated_region(text):
        return MOVED
    if intent == ERASE and not is_explicit_erasure_request(text):
        return SHOW_DATA if _ABOUT_DATA.search(normalise(text[:500])) else ""
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentGuard(IntentOverlay):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            _add_stated_region(message)
            classified = message.get(INTENT) or {}
            instead = guarded_intent(
                message.get(TEXT) or "",
                classified.get("name"),
                float(classified.get("confidence") or 0.0),
            )
            if instead is None:
                continue
            if instead:
                set_intent(message, instead)
            else:
                drop_intents(message, {ERASE, classified.get("name")})
            message.set("intent_guard", {"classifier_intent": classified.get("name")}, True)
        return messages


def _add_stated_region(message: Message) -> None:
    """Where the user says they live now becomes the ``region`` entity: the slot follows."""
    text = message.get(TEXT) or ""
    region = stated_region(text) if not text.startswith("/") else None
    if region is None:
        return
    entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != "region"]
    entities.append(
        {
            "entity": "region",
            "role": "moved",
            "value": region,
            "start": 0,
            "end": len(text),
            "extractor": "guard",
        }
    )
    message.set(ENTITIES, entities, add_to_output=True)
