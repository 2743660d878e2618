"""The job-seeker's privacy rights in the chat: see everything we hold, or erase it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, region_of
from bot.i18n import texts
from bot.privacy import erasure, export, links
from bot.privacy.erasure_request import is_explicit_erasure_request
from bot.store.db import run_db


class ActionPrivacySummary(Action):
    """ "Welke gegevens hebben jullie?": the gist in chat, and the whole export.

    On Telegram the export arrives as files; elsewhere as a link that works 30 minutes.
    """

    def name(self) -> str:
        return "action_privacy_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        region = region_of(tracker)
        t = texts(region)
        data = await run_db(export.collect, tracker.sender_id)
        if data is None:
            dispatcher.utter_message(text=t.gettext("Ik bewaar nog niets van je."))
        else:
            dispatcher.utter_message(text=export.chat_summary(data, region))
            if channel_of(tracker) == "telegram":
                text = t.gettext("Hier zijn al je gegevens, in 2 bestanden.")
                dispatcher.utter_message(json_message={export.CHAT_PAYLOAD: True, "text": text})
            else:
                url = links.export_url(tracker.sender_id, data["jobseeker"]["first_seen"])
                text = t.gettext("Hier kun je al je gegevens downloaden: {url}")
                dispatcher.utter_message(
                    text=" ".join([text.format(url=url), t.gettext("De link werkt 30 minuten.")])
                )
        dispatcher.utter_message(response="utter_ask_change_consent")
        return []


# The questions after which the request, said again, confirms the erasure.
ERASURE_QUESTIONS = frozenset(
    {"utter_ask_erasure", "utter_ask_erasure_simple", "utter_ask_erasure_sure",
     "utter_ask_erasure_sure_simple"}
)  # fmt: skip


def erasure_confirmed(tracker: Tracker) -> bool:
    """Whether the user asked, was asked "Wil je dat ik al je gegevens wis?", and asked again.

    Checked here as well as in the rules: a policy's misprediction, or a call that did
    not come from a real conversation, must not erase anyone. A bare "ja" never confirms;
    the button "Ja, wis alles" and typed words that ask for deletion do.
    """
    user = None
    for event in reversed(tracker.events):
        if event.get("event") == "user" and user is None:
            user = event
        elif event.get("event") == "bot" and user is not None:
            asked = (event.get("metadata") or {}).get("utter_action") in ERASURE_QUESTIONS
            break
    else:
        return False
    intent = ((user.get("parse_data") or {}).get("intent") or {}).get("name")
    text = str(user.get("text") or "")
    said = text == "/privacy_delete" or is_explicit_erasure_request(text)
    return asked and intent == "privacy_delete" and said


class ActionEraseData(Action):
    """ "Verwijder mijn gegevens", confirmed: erase everything now.

    The tracker store sees this action and does not write the conversation back
    (bot.store.tracker_store), so the next message starts a new conversation.
    Without a confirmation (:func:`erasure_confirmed`) it erases nothing and asks.
    """

    def name(self) -> str:
        return "action_erase_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if not erasure_confirmed(tracker):
            dispatcher.utter_message(response="utter_ask_erasure")
            return []
        await run_db(erasure.erase, tracker.sender_id)
        dispatcher.utter_message(response="utter_erasure_done")
        return []
