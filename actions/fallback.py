"""Two-stage fallback in Dutch: 'Bedoel je ...?' with yes / no buttons.

Rasa's default asks "Did you mean 'intent_name'?" in English; we override the
default action by registering one with the same name.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import region_of, session_intents
from actions.support import escalate
from bot.escalation import triggers
from bot.i18n import texts


# What each intent means, as a question back to the user (msgids in the gettext
# catalogue, so Flemish and English variants live in locales/).
def _questions(gettext: Any) -> dict[str, str]:
    return {
        "greet": gettext("Wil je me gedag zeggen?"),
        "goodbye": gettext("Wil je stoppen met praten?"),
        "thanks": gettext("Wil je me bedanken?"),
        "bot_challenge": gettext("Wil je weten of ik een mens ben?"),
        "ask_capabilities": gettext("Wil je weten wat ik kan?"),
        "not_understood": gettext("Moet ik het makkelijker zeggen?"),
        "request_coach": gettext("Wil je met een coach praten?"),
        "share_problem": gettext("Heb je een probleem waar je hulp bij wilt?"),
        "mood_good": gettext("Gaat het goed met je?"),
        "mood_bad": gettext("Voel je je niet zo goed?"),
        "start_decision": gettext("Wil je een volgende stap kiezen?"),
        "start_exercise": gettext("Wil je oefenen met de computer?"),
        "ask_progress": gettext("Wil je weten hoe ver je bent?"),
        "privacy_export": gettext("Wil je weten wat ik van je bewaar?"),
        "privacy_delete": gettext("Wil je dat ik je gegevens wis?"),
        "pause": gettext("Wil je later verder gaan?"),
    }


def intent_to_affirm(tracker: Tracker) -> str | None:
    """The best guess that is not the fallback itself."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    for candidate in ranking:
        name = candidate.get("name")
        if name and name != "nlu_fallback":
            return str(name)
    return None


async def escalate_if_lost(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """After too many misunderstood messages: bring in a coach and show the menu."""
    if not triggers.not_understood_too_often(session_intents(tracker)):
        return None
    events = await escalate(dispatcher, tracker, "not_understood", "utter_fallback_coach")
    dispatcher.utter_message(response="utter_menu")
    return events


class ActionDefaultAskAffirmation(Action):
    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        escalated = await escalate_if_lost(dispatcher, tracker)
        if escalated is not None:
            return escalated
        t = texts(region_of(tracker))
        intent = intent_to_affirm(tracker)
        question = _questions(t.gettext).get(intent or "")
        if question is None:
            # Nothing sensible to check: ask to say it differently.
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(
            text=question,
            buttons=[
                {"title": t.gettext("Ja, dat klopt"), "payload": f"/{intent}"},
                {"title": t.gettext("Nee, iets anders"), "payload": "/out_of_scope"},
            ],
        )
        return []


class ActionDefaultFallback(Action):
    """The last stage of the fallback: after failing twice, bring in a coach.

    Rasa's default only says sorry. The unclear message is reverted, as in Rasa's
    default, so it does not steer the dialogue.
    """

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events = await escalate_if_lost(dispatcher, tracker)
        if events is None:
            dispatcher.utter_message(response="utter_default")
            events = []
        return [*events, UserUtteranceReverted()]
