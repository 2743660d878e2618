"""Mask the free text in a Rasa event before it is stored.

The tracker store calls :func:`mask_event` on each event's dict just before it
writes the row, so the assistant still works with the raw text during the turn
(the in-memory tracker) while the database, the coach's transcript and the next
turn (which loads the tracker back) only see placeholders.

Every string is masked except the fields that carry structure: event type,
intent, action, slot, entity and form names, ids, timestamps, and the payloads
of the buttons we sent ("/choose{...}"). Masking never adds or drops an event
or a key, so Rasa's count of stored events and the slots' shapes stay the same.
"""

from __future__ import annotations

from typing import Any

from bot.text.masking import mask

# Keys whose values are names, ids or numbers that Rasa and our code rely on.
STRUCTURAL = frozenset(
    {
        "event",
        "timestamp",
        "name",
        "intent",
        "intent_name",
        "intent_ranking",
        "action_name",
        "action_text_name",
        "utter_action",
        "policy",
        "confidence",
        "entity",
        "role",
        "group",
        "extractor",
        "processors",
        "input_channel",
        "message_id",
        "sender_id",
        "payload",
        "date_time",
        "kill_on_user_msg",
        "model_id",
        "assistant_id",
        "id",
    }
)


def mask_value(value: Any) -> Any:
    """Every string inside ``value`` masked, in lists and dicts at any depth; keys kept."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    return value


def _walk(value: Any) -> Any:
    """Like :func:`mask_value`, but the structural keys keep their values."""
    if isinstance(value, dict):
        return {key: item if key in STRUCTURAL else _walk(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item) for item in value]
    return mask_value(value)


def mask_event(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of one event's dict (``Event.as_dict()``) with its free text masked.

    A slot's value is user data through and through (the ``decision`` and
    ``exercise`` slots hold dicts and lists), so all of its strings are masked;
    the slot's name is structure.
    """
    if data.get("event") == "slot":
        return {key: mask_value(item) if key == "value" else item for key, item in data.items()}
    return _walk(data)
