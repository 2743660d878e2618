"""Hostile inputs stopped at the edge of the Rasa server, found by the reliability fuzz.

Both come from tests/reliability/test_fuzz.py:

- One REST message of 100 kB made the Rasa server grow past 20 GB and die (the
  out-of-memory killer): DIET's attention is quadratic in the number of tokens, and
  Rasa's REST channel has no length limit (the web chat has its own, 2,000
  characters). Every channel's message now passes :data:`MAX_TEXT`, Telegram's own
  limit (4,096 characters), so nothing a real channel lets through is refused. A
  longer one gets the web chat's answer, "Je bericht is te lang", and is neither
  processed nor stored.
- A REST body that is valid JSON but not an object (``null``, ``"hoi"``, ``[]``)
  crashed Rasa's REST channel (``req.json.get``): a 500. It is a 400 now, like
  a body that is not JSON at all; so is a ``message`` that is no text (a number,
  ``null``, a list), which Rasa answered with 200 and silence after an error in
  its NLU.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.i18n import texts
from bot.regions import parse_region

if TYPE_CHECKING:
    from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
_INSTALLED = "_werkmaatje_inputs"

HandleMessage = Callable[[Any, "UserMessage"], Awaitable[Any]]
ExtractSender = Callable[[Any, Any], Awaitable[Any]]


def too_long_text(metadata: Any) -> str:
    region = metadata.get("region") if isinstance(metadata, dict) else None
    return texts(parse_region(str(region or ""))).gettext(
        "Je bericht is te lang. Schrijf het korter, in een paar zinnen."
    )


def _limit_length(original: HandleMessage) -> HandleMessage:
    async def handle_message(self: Any, message: UserMessage) -> Any:
        from rasa.core.channels.channel import CollectingOutputChannel

        text = message.text
        if not isinstance(text, str) or len(text) <= MAX_TEXT:
            return await original(self, message)
        # The length and channel only: never the text.
        logger.warning("Refused a message of %d characters (%s)", len(text), message.input_channel)
        output = message.output_channel
        await output.send_text_message(message.sender_id, too_long_text(message.metadata))
        return output.messages if isinstance(output, CollectingOutputChannel) else None

    setattr(handle_message, _INSTALLED, original)
    return handle_message


def _json_object_only(original: ExtractSender) -> ExtractSender:
    async def extract_sender(self: Any, request: Any) -> Any:
        from sanic.exceptions import InvalidUsage

        # request.json raises InvalidUsage (400) itself for a body that is not JSON.
        body = request.json
        if not isinstance(body, dict) or not isinstance(body.get("message"), str):
            raise InvalidUsage('Expected a JSON object: {"sender": "...", "message": "..."}')
        return await original(self, request)

    setattr(extract_sender, _INSTALLED, original)
    return extract_sender


_PATCHES: list[tuple[str, str, str, Callable[[Any], Any]]] = [
    ("rasa.core.processor", "MessageProcessor", "handle_message", _limit_length),
    ("rasa.core.channels.rest", "RestInput", "_extract_sender", _json_object_only),
]


def _owner(module: str, name: str) -> Any:
    import importlib

    return getattr(importlib.import_module(module), name)


def install() -> bool:
    """Apply both patches once; False (nothing done) where Rasa is not loaded."""
    if "rasa.core.processor" not in sys.modules:
        return False
    for module, cls, method, wrap in _PATCHES:
        owner = _owner(module, cls)
        if not hasattr(getattr(owner, method), _INSTALLED):
            setattr(owner, method, wrap(getattr(owner, method)))
    return True


def uninstall() -> None:
    """Put Rasa's own methods back (tests)."""
    if "rasa.core.processor" not in sys.modules:
        return
    for module, cls, method, _ in _PATCHES:
        owner = _owner(module, cls)
        original = getattr(getattr(owner, method), _INSTALLED, None)
        if original is not None:
            setattr(owner, method, original)
