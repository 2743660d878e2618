"""Session start: reload what the user told us before, and disclose we are a program.

A new session resets Rasa's pause. While a coach has the conversation the
session start pauses it again, so the bot never talks over a coach.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    EventType,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, is_onboarded, start_metadata
from bot.regions import parse_region
from bot.store import escalations, jobseekers
from bot.store.db import run_db

# Slots kept from the previous session (Rasa's own carry-over only works in its
# default session start): notices said once per user, and the age group.
CARRIED_OVER = ("telegram_notice", "web_chat_url", "age_group")


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        metadata = start_metadata(tracker)
        # A deep link (/start be) or the web page may preset the region.
        region = parse_region(str(metadata.get("region") or "")) if metadata else None
        profile = await run_db(jobseekers.touch, tracker.sender_id, channel_of(tracker), region)
        invite = metadata.get("invite") if metadata else None
        if isinstance(invite, str) and invite:
            await run_db(escalations.join_team, tracker.sender_id, invite)
        with_coach = await run_db(escalations.handoff_active, tracker.sender_id)
        if not profile.disclosed and not with_coach:
            # EU AI Act art. 50: say at the first contact that this is a program.
            dispatcher.utter_message(response="utter_disclosure")
            await run_db(jobseekers.mark_disclosed, tracker.sender_id)
        events: list[EventType] = [SessionStarted()]
        if with_coach:
            events.append(ConversationPaused())
        if metadata:
            events.append(SlotSet("session_started_metadata", metadata))
        events += [
            SlotSet("region", profile.region),
            SlotSet("consent", profile.consent),
            SlotSet("onboarded", is_onboarded(profile.consent, profile.region)),
            *(
                SlotSet(name, tracker.get_slot(name))
                for name in CARRIED_OVER
                if tracker.get_slot(name) is not None
            ),
            ActionExecuted("action_listen"),
        ]
        return events
