"""Rasa NLU component: a message in another language becomes `other_language`.

Deterministic, like the crisis safety net (bot/nlp/crisis_component.py): the
classifier only knows Dutch, and would map "I need a job" to some Dutch intent or a
fallback answered in Dutch. bot/languages.py decides, for precision: a Dutch or
Flemish message is never taken for another language. The code (ISO 639-1) goes into
the parse data as ``language``; actions/languages.py answers in that language.

Placed after the intent guard in config.yml, before the FallbackClassifier: a crisis
(also in English), distress, a stated age and a button payload are never overridden.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import languages
from bot.escalation.crisis import safety_net
from bot.nlp import crisis_meaning
from bot.nlp.crisis_component import EXPLICIT
from bot.nlp.overlay import IntentOverlay, set_intent

OTHER_LANGUAGE = "other_language"
LANGUAGE_KEY = "language"
NEVER_OVERRIDE = {"crisis", "distress", "inform_age"}
# crisis_level: the crisis meaning was recognised in another language (bot/nlp/crisis_meaning.py).
MEANING = "meaning"


def other_language(text: str, intent: str | None, crisis_level: str | None = None) -> str | None:
    """The language code to answer in, or None to keep the intent.

    A crisis read by the safety net stays one, answered in the person's language when it can
    tell which (and English gets the protocol, as Dutch does). A "distress"
    only the classifier saw is noise in a language it never learned: the answer in that
    language, with its coach button, serves the person better than a Dutch question.
    """
    if text.startswith("/"):
        return None
    if intent == "crisis" and crisis_level == EXPLICIT:
        # The net read a crisis in a language we answer in ("Ich will nicht mehr leben"):
        # that language's answer, the line and an urgent coach (crisis_level_elsewhere).
        # English keeps the protocol, as Dutch does; so does a message too short to tell
        # its language ("quiero morir").
        code = languages.detect(text)
        return None if code in (None, "en") else code
    if intent in NEVER_OVERRIDE and not (intent == "distress" and crisis_level == "classifier"):
        return None
    return languages.detect(text)


def crisis_level_elsewhere(text: str, level: str | None) -> str | None:
    """The crisis level of a message answered in another language.

    ``meaning`` when its meaning is a crisis and it is no idiom the net knows ("Artık yaşamak
    istemiyorum": the line and a coach beside the answer, actions/languages.py);
    ``classifier`` (the line, to be safe) when the classifier feared one and the meaning
    does not contradict it; else none.
    """
    net = safety_net()
    by_net = net.level(text)
    if by_net == "crisis":
        return MEANING  # the net's own patterns for that language
    similarity = crisis_meaning.crisis_similarity(text)
    if (
        similarity >= crisis_meaning.OTHER_LANGUAGE_THRESHOLD
        and by_net is None
        and not net.only_idiom(text)
    ):
        return MEANING
    if level == "classifier" and similarity >= crisis_meaning.CLASSIFIER_AGREES:
        return level
    return None


def sounds_like_crisis_elsewhere(text: str) -> bool:
    """Whether the meaning alone makes a message in another language a crisis."""
    return crisis_level_elsewhere(text, None) == MEANING


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageSwitch(IntentOverlay):
    @classmethod
    def check_content(cls) -> None:
        # Load the models (seconds) and check the content at start-up, not on a message.
        languages.detector()
        languages.answers()
        crisis_meaning.load()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            code = other_language(message.get(TEXT) or "", intent, message.get("crisis_level"))
            if code is None:
                continue
            set_intent(message, OTHER_LANGUAGE)
            message.set(LANGUAGE_KEY, code, add_to_output=True)
            level = crisis_level_elsewhere(message.get(TEXT) or "", message.get("crisis_level"))
            message.set("crisis_level", level, add_to_output=True)
            message.set("language_switch", {"classifier_intent": intent}, add_to_output=True)
        return messages
