"""Which chat a Telegram update belongs to, read from the update's dict alone.

A leaf (no Telegram library, no database): the channel orders and answers by it, the
store's update inbox keys each chat by it and the erasure finds a chat's pending
updates by it, so all three must read an update the same way.
"""

from __future__ import annotations

from typing import Any


def chat_id_of(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to (for per-chat ordering and replies)."""
    for key in ("message", "edited_message", "my_chat_member"):
        item = update.get(key)
        if isinstance(item, dict):
            return _id_of(item.get("chat"))
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return _int(message["chat"].get("id"))
        return _id_of(query.get("from"))  # private chat id == user id
    return None


def _id_of(item: Any) -> int | None:
    """The id of a chat or user object; None for anything else (a malformed update)."""
    return _int(item.get("id")) if isinstance(item, dict) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
