"""Rasa NLU component: the crisis safety net sets the rung of the crisis ladder.

Placed after DIETClassifier and before FallbackClassifier in config.yml, so in every
form and flow (GUIDE §5, "do not over-refer"):

- an explicit crisis pattern (thoughts, plans, danger) is ``crisis`` with confidence 1:
  the fixed crisis text and an urgent coach, at once;
- a vague-hopelessness pattern ("ik zie het nut er niet meer van in") is ``distress``:
  a gentle, direct question about suicidal thoughts together with the region's line;
- the classifier alone saying ``crisis`` is not sure enough for the protocol: it becomes
  ``distress`` too (the line is given, and a "ja" leads to the protocol), unless the text
  is only an idiom ("ik schrok me dood"), which gets neither, or names violence at home
  ("mijn vader slaat mij"), which gets the violence help line and a coach (share_problem).

The rung travels as ``crisis_level`` in the parse data: forms let a typed button title
through when only the classifier saw a crisis in it ("kies zelf").
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.escalation.crisis import safety_net
from bot.escalation.regional_help import problem_help
from bot.nlp.overlay import IntentOverlay, drop_intents, set_intent

CRISIS = "crisis"
DISTRESS = "distress"
SHARE_PROBLEM = "share_problem"
VIOLENCE = "geweld"
# crisis_level values: which part of the net (or only the classifier) saw it.
EXPLICIT, VAGUE, CLASSIFIER = "explicit", "vague", "classifier"


def crisis_rung(text: str, classified: str | None) -> tuple[str, str] | None:
    """(intent, crisis_level) for the ladder; ``("", "")`` drops a crisis guess; None keeps."""
    if text.startswith("/"):
        return None
    net = safety_net()
    level = net.level(text)
    if level == "crisis":
        return CRISIS, EXPLICIT
    if level == "distress":
        return DISTRESS, VAGUE
    if classified != CRISIS:
        return None
    if net.only_idiom(text):
        return "", ""
    if problem_help().topic(None, text) == VIOLENCE:
        # "thuis is het niet veilig, mijn vader slaat mij": the violence line and a coach,
        # not a question about suicide. Words of danger (trigger) got the protocol above.
        return SHARE_PROBLEM, ""
    return DISTRESS, CLASSIFIER


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisSafetyNet(IntentOverlay):
    @classmethod
    def check_content(cls) -> None:
        safety_net()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            classified = (message.get(INTENT) or {}).get("name")
            rung = crisis_rung(message.get(TEXT) or "", classified)
            if rung is None:
                continue
            intent, level = rung
            if not intent:  # an idiom: the classifier's next guess, at its own confidence
                drop_intents(message, {CRISIS})
                continue
            if not level:  # not a crisis after all, but a problem with its own help
                set_intent(message, intent)
                continue
            # Alone in the ranking: else the FallbackClassifier would call a crisis
            # "ambiguous" when the classifier was sure of something else.
            set_intent(message, intent)
            message.set("crisis_safety_net", level != CLASSIFIER, add_to_output=True)
            message.set("crisis_level", level, add_to_output=True)
        return messages
