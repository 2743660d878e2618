"""The job-seeker's privacy rights in the chat: see everything we hold, or erase it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, region_of
from bot.i18n import texts
from bot.privacy import erasure, export, links
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


class ActionEraseData(Action):
    """ "Verwijder mijn gegevens", confirmed: erase everything now.

    The tracker store sees this action and does not write the conversation back
    (bot.store.tracker_store), so the next message starts a new conversation.
    """

    def name(self) -> str:
        return "action_erase_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        await run_db(erasure.erase, tracker.sender_id)
        dispatcher.utter_message(response="utter_erasure_done")
        return []
