"""Server pushes: reach a user on their own channel at any time (coach replies, reminders).

Our channels register a factory for their output channel. The push endpoint
(``POST /webhooks/push/send``, Rasa API token as Bearer) sends the messages on
the channel the user last wrote on, and appends them to the conversation as
``BotUttered`` events, so that they appear in every transcript. A user who is
offline still finds them: Telegram keeps them, the web widget loads the
conversation from the tracker when it comes back.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import settings

logger = logging.getLogger(__name__)

OutputFactory = Callable[[], "OutputChannel | None"]
_outputs: dict[str, OutputFactory] = {}

MAX_MESSAGES = 10
MAX_TEXT = 4000
MESSAGE_KEYS = ("text", "buttons", "image", "custom")


def register_output(channel: str, factory: OutputFactory) -> None:
    """Called by a channel when Rasa builds its blueprint."""
    _outputs[channel] = factory


def output_for(channel: str | None) -> OutputChannel | None:
    factory = _outputs.get(channel or "")
    return factory() if factory else None


def authorised(request: Request) -> bool:
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(token, settings().rasa_api_token)


def clean_messages(raw: Any) -> list[dict[str, Any]] | None:
    """Keep only what a response may carry; None when the request is not usable."""
    if not isinstance(raw, list) or not 0 < len(raw) <= MAX_MESSAGES:
        return None
    messages = []
    for item in raw:
        if not isinstance(item, dict):
            return None
        message = {key: item[key] for key in MESSAGE_KEYS if item.get(key)}
        text = message.get("text", "")
        if not message or not isinstance(text, str) or len(text) > MAX_TEXT:
            return None
        messages.append(message)
    return messages


class PushInput(InputChannel):
    """Not a channel users write on: the door through which the server writes to them."""

    @classmethod
    def name(cls) -> str:
        return "push"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        push = Blueprint("push_webhook", __name__)

        @push.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @push.route("/send", methods=["POST"])
        async def send(request: Request) -> HTTPResponse:
            if not authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            conversation_id = body.get("conversation_id")
            messages = clean_messages(body.get("messages"))
            if not isinstance(conversation_id, str) or not conversation_id or not messages:
                return response.json({"error": "conversation_id and messages needed"}, status=400)
            sent_by = str(body.get("sent_by") or "server")[:64]
            result = await push_messages(request.app.ctx.agent, conversation_id, messages, sent_by)
            if result is None:
                return response.json({"error": "unknown conversation"}, status=404)
            return response.json(result)

        return push


async def push_messages(
    agent: Any, conversation_id: str, messages: list[dict[str, Any]], sent_by: str
) -> dict[str, Any] | None:
    """Send on the user's channel and record in the tracker, under the conversation lock."""
    async with agent.lock_store.lock(conversation_id):
        if not await agent.tracker_store.exists(conversation_id):
            return None
        tracker = await agent.processor.get_tracker(conversation_id)
        channel = tracker.get_latest_input_channel()
        output = output_for(channel)
        delivered = output is not None
        for message in messages:
            if output is not None:
                try:
                    await output.send_response(conversation_id, dict(message))
                except Exception as error:  # the user still finds it in the transcript
                    logger.warning("Push on %s not delivered: %s", channel, type(error).__name__)
                    delivered = False
            data = {key: value for key, value in message.items() if key != "text"}
            metadata = {"sent_by": sent_by, "pushed": True}
            tracker.update(BotUttered(message.get("text"), data, metadata))
        await agent.processor.save_tracker(tracker)
    return {"channel": channel, "delivered": delivered, "count": len(messages)}
