"""Rasa's REST channel, with the chat commands the other channels know.

``/start`` typed over REST (a third-party client, a test) is the same greeting as on
Telegram and in the web chat, not an unknown intent "start" that gets "Dat snap ik niet".
Payloads of our own (``/inform{...}``, ``/greet``) pass as they are, as on Rasa's channel.
"""

from __future__ import annotations

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic.request import Request

from bot.channels.telegram_render import command_payload


class RestInput(RasaRestInput):
    """Same name ("rest") and URL (/webhooks/rest/webhook) as Rasa's own."""

    def _extract_message(self, req: Request) -> str | None:
        text = super()._extract_message(req)
        return command_payload(text) if isinstance(text, str) else text
