"""Hostile inputs stopped at the edge: in our own channels, before Rasa sees them.

Both were found by the reliability fuzz (tests/reliability/test_fuzz.py):

- One REST message of 100 kB made the Rasa server grow past 20 GB and die (the
  out-of-memory killer): DIET's attention is quadratic in the number of tokens, and
  Rasa's REST channel has no length limit (the web chat has its own, 2,000
  characters). Every channel of ours hands Rasa only messages within :data:`MAX_TEXT`,
  Telegram's own limit (4,096 characters), so nothing a real channel lets through is
  refused: its blueprint wraps Rasa's handler in :func:`refuse_too_long`. A longer one
  gets the web chat's answer, "Je bericht is te lang", and is neither processed nor
  stored.
- A REST body that is valid JSON but not an object (``null``, ``"hoi"``, ``[]``)
  crashed Rasa's REST channel (``req.json.get``): a 500. It is a 400 now
  (:func:`json_object_only`, used by bot/channels/rest.py), like a body that is not
  JSON at all; so is a ``message`` that is no text (a number, ``null``, a list),
  which Rasa answered with 200 and silence after an error in its NLU.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic.exceptions import InvalidUsage

from bot.i18n import texts
from bot.regions import parse_region

logger = logging.getLogger(__name__)

MAX_TEXT = 4096

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def too_long_text(metadata: Any) -> str:
    region = metadata.get("region") if isinstance(metadata, dict) else None
    return texts(parse_region(str(region or ""))).gettext(
        "Je bericht is te lang. Schrijf het korter, in een paar zinnen."
    )


def refuse_too_long(on_new_message: OnNewMessage) -> OnNewMessage:
    """``on_new_message`` that answers a message over :data:`MAX_TEXT` itself."""

    async def handle(message: UserMessage) -> Any:
        text = message.text
        if not isinstance(text, str) or len(text) <= MAX_TEXT:
            return await on_new_message(message)
        # The length and channel only: never the text.
        logger.warning("Refused a message of %d characters (%s)", len(text), message.input_channel)
        output = message.output_channel
        await output.send_text_message(message.sender_id, too_long_text(message.metadata))
        return output.messages if isinstance(output, CollectingOutputChannel) else None

    return handle


def json_object_only(body: Any) -> None:
    """Refuse (400) a REST body that is not ``{"sender": ..., "message": "<text>"}``."""
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        raise InvalidUsage('Expected a JSON object: {"sender": "...", "message": "..."}')
