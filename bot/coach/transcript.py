"""A conversation as a coach reads it: every turn in the order it happened.

Unlike the widget's history (:func:`bot.transcript.chat_messages`), the coach
also sees what the bot understood (intent and confidence) and when a coach took
over or handed back. Pure: events in, turns out, so it is easy to test.
"""

from __future__ import annotations

from typing import Any, TypedDict

from bot.transcript import ChatMessage, bot_messages, title_for


class Turn(TypedDict):
    sender: str  # "user", "bot", "coach" or "system"
    text: str
    buttons: list[str]  # button titles a bot turn offered
    name: str | None  # the coach's name on coach turns
    intent: str | None  # what the bot understood a user turn as
    intent_name: str | None  # the same in words, in the coach's language (set by the view)
    confidence: float | None
    system: str | None  # "pause" or "resume" on system turns
    timestamp: float | None


def _turn(sender: str, text: str, timestamp: float | None, **extra: Any) -> Turn:
    turn = Turn(
        sender=sender,
        text=text,
        buttons=[],
        name=None,
        intent=None,
        intent_name=None,
        confidence=None,
        system=None,
        timestamp=timestamp,
    )
    turn.update(extra)  # type: ignore[typeddict-item]
    return turn


def _intent(event: dict[str, Any]) -> tuple[str | None, float | None]:
    parse = found if isinstance(found := event.get("parse_data"), dict) else {}
    intent = inner if isinstance(inner := parse.get("intent"), dict) else {}
    name = intent.get("name") if isinstance(intent.get("name"), str) else None
    confidence = intent.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        confidence = None
    return name, round(float(confidence), 3) if confidence is not None else None


def turns(events: list[dict[str, Any]]) -> list[Turn]:
    """User, bot, coach and system turns. A button click shows the button's title."""
    result: list[Turn] = []
    shown: list[ChatMessage] = []  # bot messages so far, to find a clicked button's title
    for event in events:
        if not isinstance(event, dict):
            continue
        kind = event.get("event")
        stamp = event.get("timestamp")
        timestamp = float(stamp) if isinstance(stamp, (int, float)) else None
        if kind == "user":
            text = said.strip() if isinstance(said := event.get("text"), str) else ""
            if text.startswith("/"):
                text = title_for(text, shown) or text
            intent, confidence = _intent(event)
            if text:
                result.append(_turn("user", text, timestamp, intent=intent, confidence=confidence))
        elif kind == "bot":
            for message in bot_messages(event):
                shown.append(message)
                result.append(
                    _turn(
                        message["sender"],
                        message["text"],
                        timestamp,
                        buttons=[button["title"] for button in message["buttons"]],
                        name=message["name"],
                    )
                )
        elif kind in ("pause", "resume"):
            result.append(_turn("system", "", timestamp, system=kind))
    return result
