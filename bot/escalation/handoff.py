"""The dashboard's side of a handoff: it talks to Rasa over HTTP, never imports it.

Rasa's side is :mod:`bot.channels.push` (``/webhooks/push/...``): it pauses and
resumes the conversation and delivers a coach's message on the user's own
channel, all under the conversation lock, so a bot reply can never slip in
between a coach taking over and the pause.

Order matters for "the bot never talks after a human took over":
- take over: pause in Rasa first, then mark the escalation (a failed pause
  changes nothing);
- hand back: mark the escalation first, then resume (the action server checks
  the escalation when a new session starts and pauses again while a coach has it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from bot.config import settings

HANDBACK_RESPONSE = "utter_coach_handback"
SNOOZE_RESPONSE = "utter_coach_snoozed"


class HandoffError(Exception):
    """Rasa could not be reached or refused; the coach sees a clear message."""


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {settings().rasa_api_token}"}


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    try:
        answer = await client.post(path, json=body, headers=_auth())
    except httpx.HTTPError as error:
        raise HandoffError(f"Rasa not reachable: {type(error).__name__}") from error
    if answer.status_code != 200:
        raise HandoffError(f"Rasa answered {answer.status_code} on {path}")
    result = answer.json()
    return result if isinstance(result, dict) else {}


async def erase(
    client: httpx.AsyncClient, jobseeker_id: str, conversation_id: str | None, coach_id: int
) -> None:
    """An admin's erasure, run by Rasa under the conversation's lock (bot.channels.push)."""
    body = {"jobseeker_id": jobseeker_id, "conversation_id": conversation_id, "coach_id": coach_id}
    await _post(client, "/webhooks/push/erase", body)


async def take_over(
    client: httpx.AsyncClient, conversation_id: str, coach_name: str | None = None
) -> None:
    """Pause the bot for this conversation: it stores the user's messages but says nothing.

    With ``coach_name`` the user is told, on their own channel, which coach answers now.
    """
    body = {"conversation_id": conversation_id}
    if coach_name:
        body["coach_name"] = coach_name
    await _post(client, "/webhooks/push/pause", body)


async def hand_back(
    client: httpx.AsyncClient, conversation_id: str, response: str = HANDBACK_RESPONSE
) -> None:
    """Resume the bot, which bridges with ``response`` (a domain response) on the user's channel."""
    body = {"conversation_id": conversation_id, "response": response}
    await _post(client, "/webhooks/push/resume", body)


async def send_reply(
    client: httpx.AsyncClient, conversation_id: str, text: str, coach_name: str
) -> dict[str, Any]:
    """Deliver a coach's message on the user's channel and add it to the conversation."""
    body = {
        "conversation_id": conversation_id,
        "messages": [{"text": text}],
        "sent_by": "coach",
        "coach_name": coach_name,
    }
    return await _post(client, "/webhooks/push/send", body)


async def conversation_events(
    client: httpx.AsyncClient, conversation_id: str
) -> list[dict[str, Any]]:
    """Every event of the conversation (all sessions), from Rasa's HTTP API."""
    path = f"/conversations/{quote(conversation_id, safe='')}/tracker"
    # Rasa's HTTP API takes its token as a query parameter (a Bearer header means JWT).
    params = {"include_events": "ALL", "token": settings().rasa_api_token}
    try:
        answer = await client.get(path, params=params)
        answer.raise_for_status()
        events = answer.json().get("events") or []
    except (httpx.HTTPError, ValueError, AttributeError) as error:
        raise HandoffError(f"conversation not available: {type(error).__name__}") from error
    return [event for event in events if isinstance(event, dict)]
