"""Rasa's REST channel, with the chat commands the other channels know.

``/start`` typed over REST (a third-party client, a test) is the same greeting as on
Telegram and in the web chat, not an unknown intent "start" that gets "Dat snap ik niet".
Payloads of our own (``/inform{...}``, ``/greet``) pass as they are, as on Rasa's channel.
A body that is no JSON object, or a message over the length limit, is refused at the
door (bot/channels/limits.py).
"""

from __future__ import annotations

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint
from sanic.request import Request

from bot.channels.limits import OnNewMessage, json_object_only, refuse_too_long
from bot.channels.telegram_render import command_payload


class RestInput(RasaRestInput):
    """Same name ("rest") and URL (/webhooks/rest/webhook) as Rasa's own."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(refuse_too_long(on_new_message))

    async def _extract_sender(self, req: Request) -> str | None:
        # request.json raises InvalidUsage (400) itself for a body that is not JSON.
        json_object_only(req.json)
        return await super()._extract_sender(req)

    def _extract_message(self, req: Request) -> str | None:
        text = super()._extract_message(req)
        return command_payload(text) if isinstance(text, str) else text
