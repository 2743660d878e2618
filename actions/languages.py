"""A message in another language: a short answer in that language.

bot/nlp/language_component.py put the language code in the parse data; the text and
the buttons (a coach, or go on in Dutch) come from data/content/languages.yml. A message
that itself asks for a person opens the coach request at once, and says so in that language.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.support import coach_summary
from bot import languages
from bot.store import escalations
from bot.store.db import run_db

LANGUAGE_KEY = "language"  # the key bot/nlp/language_component.py sets
FALLBACK = "en"


def language_of(tracker: Tracker) -> str:
    code = str((tracker.latest_message or {}).get(LANGUAGE_KEY) or "")
    return code if code in languages.SUPPORTED else FALLBACK


def stray_answer(tracker: Tracker) -> list[EventType]:
    """A form's from_text mapping took the message as the answer it asked for: undo it."""
    slot = tracker.get_slot("requested_slot")
    text = (tracker.latest_message or {}).get("text")
    if slot and text and tracker.get_slot(slot) == text:
        return [SlotSet(slot, None)]
    return []


def asked_for_a_person(tracker: Tracker) -> bool:
    """The intent guard heard a wish for a person before the language switch took over."""
    switch = (tracker.latest_message or {}).get("language_switch") or {}
    return isinstance(switch, dict) and switch.get("classifier_intent") == "request_coach"


class ActionOtherLanguage(Action):
    def name(self) -> str:
        return "action_other_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answer = languages.answer(language_of(tracker))
        if asked_for_a_person(tracker):  # "can I talk to a real person": asked at once
            details = await coach_summary(tracker)
            await run_db(escalations.open_escalation, tracker.sender_id, "language", details)
            dispatcher.utter_message(text=answer.coach_asked)
        else:
            dispatcher.utter_message(text=answer.text, buttons=answer.buttons)
        crisis_level = (tracker.latest_message or {}).get("crisis_level")
        if crisis_level == "meaning":
            # a crisis recognised by its meaning in another language: a coach looks at once
            details = await coach_summary(tracker)
            await run_db(
                escalations.open_escalation, tracker.sender_id, "crisis", details, "urgent"
            )
        if crisis_level in ("classifier", "meaning"):
            # distress in words the classifier cannot read: the line, to be safe
            dispatcher.utter_message(response="utter_distress_line")
        return stray_answer(tracker)
