"""Follow-ups of agreed steps, fired inside the Rasa server on the agreed day.

Due follow-ups live in the database (``decisions.followup_at``), so they survive
a restart, unlike Rasa's in-memory reminders. Every ``FOLLOWUP_POLL_S`` seconds
the server looks for due ones and triggers the intent ``EXTERNAL_followup`` in
the user's conversation, under the conversation lock, on the user's own channel:

- Telegram: pushed at once;
- web widget: live when the user has the chat open, else at the next visit
  (the widget's ``session_request`` calls :func:`visit`);
- a conversation a coach has taken over, or a user in the middle of a form
  (onboarding, another journey), is left alone until that ends.

Claiming a follow-up is one conditional UPDATE, so two replicas never send it twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel

from bot.channels import push
from bot.config import settings
from bot.store import decisions
from bot.store.db import run_db

logger = logging.getLogger(__name__)

FOLLOWUP_INTENT = "EXTERNAL_followup"
VISIT_DELAY_S = 1.5  # let the widget show the conversation first
PAGE = 200

# channel name -> "is this conversation open right now?"; channels that cannot
# tell (Telegram keeps messages for the user) are not registered.
_presence: dict[str, Callable[[str], bool]] = {}
_agent: dict[str, Any] = {}
_tasks: set[asyncio.Task[Any]] = set()  # keep visit tasks referenced until they finish


def register_presence(channel: str, online: Callable[[str], bool]) -> None:
    _presence[channel] = online


def reachable(channel: str, sender_id: str) -> bool:
    online = _presence.get(channel)
    return online is None or online(sender_id)


async def fire(agent: Any, due: decisions.DueFollowup) -> bool:
    """Trigger one follow-up. False when it has to wait (paused, offline, taken)."""
    async with agent.lock_store.lock(due.sender_id):
        output: OutputChannel = push.output_for(due.channel) or CollectingOutputChannel()
        tracker = await agent.processor.fetch_tracker_and_update_session(due.sender_id, output)
        if tracker.is_paused() or tracker.active_loop_name:
            return False  # a coach has the conversation, or the user is in the middle of a form
        if not await run_db(decisions.claim_followup, due.decision_id):
            return False
        entities = [{"entity": "decision_id", "value": str(due.decision_id)}]
        try:
            await agent.trigger_intent(FOLLOWUP_INTENT, entities, output, tracker)
        except Exception:
            await run_db(decisions.release_followup, due.decision_id)
            raise
    logger.info("Follow-up %s sent on %s", due.decision_id, due.channel)
    return True


async def fire_due(agent: Any, only_sender: str | None = None) -> int:
    """Send every due follow-up whose user can be reached now. Returns how many were sent."""
    sent, after = 0, 0
    while True:
        page = await run_db(decisions.due_followups, None, PAGE, only_sender, after)
        for due in page:
            if only_sender is None and not reachable(due.channel, due.sender_id):
                continue
            try:
                sent += await fire(agent, due)
            except Exception as error:  # one broken conversation must not stop the others
                logger.warning("Follow-up %s failed: %s", due.decision_id, type(error).__name__)
        if len(page) < PAGE:
            return sent
        after = page[-1].decision_id


def visit(sender_id: str) -> None:
    """A web user opened the chat: send their due follow-ups (the next-visit promise)."""
    agent = _agent.get("agent")
    if agent is None:
        return

    async def later() -> None:
        await asyncio.sleep(VISIT_DELAY_S)
        await fire_due(agent, only_sender=sender_id)

    task = asyncio.get_running_loop().create_task(later())
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def _poll(app: Any) -> None:
    interval = settings().followup_poll_s
    while True:
        await asyncio.sleep(interval)
        agent = getattr(app.ctx, "agent", None)
        if agent is None or not getattr(agent, "is_ready", lambda: False)():
            continue
        _agent["agent"] = agent
        try:
            await fire_due(agent)
        except Exception as error:  # the database may be restarting: try again next round
            logger.warning("Follow-up round failed: %s", type(error).__name__)


def install(blueprint: Any) -> None:
    """Start the polling task with the server (called by the push channel's blueprint)."""

    @blueprint.listener("after_server_start")
    async def start(app: Any, _loop: Any) -> None:
        _agent["agent"] = getattr(app.ctx, "agent", None)
        app.ctx.followup_task = asyncio.get_running_loop().create_task(_poll(app))

    @blueprint.listener("before_server_stop")
    async def stop(app: Any, _loop: Any) -> None:
        task = getattr(app.ctx, "followup_task", None)
        if task is not None:
            task.cancel()
