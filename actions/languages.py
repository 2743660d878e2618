"""A message in another language: a short answer in that language.

bot/nlp/language_component.py put the language code in the parse data; the text and
the buttons (a coach, or go on in Dutch) come from data/content/languages.yml.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import languages

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


class ActionOtherLanguage(Action):
    def name(self) -> str:
        return "action_other_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answer = languages.answer(language_of(tracker))
        dispatcher.utter_message(text=answer.text, buttons=answer.buttons)
        return stray_answer(tracker)
