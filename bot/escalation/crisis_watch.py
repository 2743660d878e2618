"""A crisis while a coach has the conversation still raises the alarm.

During a handoff Rasa is paused: it stores and parses the user's messages (the
crisis safety net runs in NLU) but runs no action, so ``action_crisis`` cannot
mark the escalation urgent. This watcher, run by the web app, reads crisis
messages from the tracker store and makes the job-seeker's open escalation
urgent, so the inbox raises its urgent alert for the whole team. It is
idempotent: outside a handoff ``action_crisis`` has already done the same.
"""

from __future__ import annotations

import asyncio
import logging

from bot.store import escalations, rasa_events
from bot.store.db import run_db

logger = logging.getLogger(__name__)

INTERVAL = 2.0


def raise_new_crises(after: int) -> int:
    """Make escalations urgent for crisis messages after event ``after``; return the last id."""
    for event_id, conversation_id in rasa_events.user_messages_with_intent("crisis", after):
        escalations.open_escalation(conversation_id, "crisis", None, "urgent")
        after = event_id
    return after


async def watch(interval: float = INTERVAL) -> None:
    """Runs for the web app's lifetime; starts at the newest event (older ones were handled)."""
    after = await run_db(rasa_events.newest_event_id_overall) or 0
    while True:
        await asyncio.sleep(interval)
        try:
            after = await run_db(raise_new_crises, after)
        except Exception:  # keep watching: a database hiccup must not end the watch
            logger.exception("Crisis watch failed; trying again")
