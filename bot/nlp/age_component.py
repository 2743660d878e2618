"""Rasa NLU component: a message that states an age under 18 becomes `inform_age`.

Deterministic on purpose, like the crisis safety net (bot/nlp/crisis_component.py):
the consent age is a legal line, so a young user's "ik ben 15" must reach the
consent check whatever the classifier learned. Placed after the crisis safety net
in config.yml (before the FallbackClassifier); a crisis is never overridden. The
age itself is not added to the output: the action reads it from the text again.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.overlay import IntentOverlay, set_intent
from bot.privacy.age import ADULT, stated_age, youth_signals

INFORM_AGE = "inform_age"
# A crisis, a shared problem and a request for a coach come first: help before age.
NEVER_OVERRIDE = {"crisis", "distress", "share_problem", "request_coach"}


def states_minor_age(text: str) -> bool:
    age = stated_age(text)
    return age is not None and age < ADULT


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AgeStatement(IntentOverlay):
    @classmethod
    def check_content(cls) -> None:
        youth_signals()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get("name")
            if text.startswith("/") or intent in NEVER_OVERRIDE or not states_minor_age(text):
                continue
            set_intent(message, INFORM_AGE)
            message.set("age_statement", {"classifier_intent": intent}, add_to_output=True)
        return messages
