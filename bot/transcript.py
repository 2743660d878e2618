"""Turn Rasa tracker events into the few fields a chat view needs.

A pure helper below both chat views: the widget's history (``bot.web``) and the
coach's transcript (``bot.coach.transcript``) read conversations the same way, and
neither of the two has to import the other for it. Free of Rasa imports.
"""

from __future__ import annotations

from typing import Any, TypedDict


class Button(TypedDict):
    title: str
    payload: str


class _Message(TypedDict):
    sender: str  # "user", "bot", or "coach" (a person who wrote through the dashboard)
    text: str
    buttons: list[Button]
    image: str | None
    alt: str | None  # the image's text alternative (sent as the bot event's metadata)
    name: str | None  # the coach's first name, shown above their messages


class ChatMessage(_Message, total=False):
    # Only on the notices of a handoff (bot.channels.push): who answers from now on,
    # "coach" (with ``coach_name``) or "bot". The widget's header follows it.
    handoff: str
    coach_name: str


def _buttons(data: dict[str, Any]) -> list[Button]:
    raw = data.get("buttons") or data.get("quick_replies") or []
    if not isinstance(raw, list):
        return []
    return [
        Button(title=b["title"], payload=b["payload"])
        for b in raw
        if isinstance(b, dict) and isinstance(b.get("title"), str)
        if isinstance(b.get("payload"), str)
    ]


def _image(data: dict[str, Any]) -> str | None:
    image = data.get("image")
    attachment = data.get("attachment")
    if not image and isinstance(attachment, dict) and attachment.get("type") == "image":
        payload = attachment.get("payload")
        image = payload.get("src") if isinstance(payload, dict) else None
    if isinstance(image, str) and image.startswith(("https://", "http://", "/")):
        return image
    return None


def title_for(payload: str, earlier: list[ChatMessage]) -> str | None:
    """The title of the button that sent this payload, most recent bot message first."""
    for message in reversed(earlier):
        for button in message["buttons"]:
            if button["payload"] == payload:
                return button["title"]
    return None


def sent_by_coach(event: dict[str, Any]) -> str | None:
    """The coach's name when a person wrote this bot event through the dashboard."""
    metadata = found if isinstance(found := event.get("metadata"), dict) else {}
    if metadata.get("sent_by") != "coach":
        return None
    name = metadata.get("coach_name")
    return name if isinstance(name, str) and name else "Coach"


def handoff_of(data: dict[str, Any]) -> dict[str, str]:
    """``{"handoff": "coach", "coach_name": "Sanne"}`` from a handoff notice, else nothing."""
    custom = found if isinstance(found := data.get("custom"), dict) else {}
    if custom.get("handoff") == "bot":
        return {"handoff": "bot"}
    name = custom.get("coach_name")
    if custom.get("handoff") == "coach" and isinstance(name, str) and name:
        return {"handoff": "coach", "coach_name": name}
    return {}


def bot_messages(event: dict[str, Any]) -> list[ChatMessage]:
    """A bot text split on blank lines, buttons on the last part, like Rasa's socket.io output."""
    text = event.get("text") if isinstance(event.get("text"), str) else ""
    data = found if isinstance(found := event.get("data"), dict) else {}
    coach = sent_by_coach(event)
    metadata = meta if isinstance(meta := event.get("metadata"), dict) else {}
    alt = metadata.get("alt") if isinstance(metadata.get("alt"), str) else None
    custom = data.get("custom")
    if not text and isinstance(custom, dict) and isinstance(custom.get("text"), str):
        text = custom["text"]  # a custom payload shows its text, as on Telegram
    buttons, image = _buttons(data), _image(data)
    parts = [part.strip() for part in (text or "").split("\n\n") if part.strip()] or [""]
    messages = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        message = ChatMessage(
            sender="coach" if coach else "bot",
            text=part,
            buttons=buttons if last else [],
            image=image if last else None,
            alt=alt if last and image else None,
            name=coach,
        )
        if last:
            message.update(handoff_of(data))  # type: ignore[typeddict-item]
        if message["text"] or message["buttons"] or message["image"]:
            messages.append(message)
    return messages


def chat_messages(events: list[dict[str, Any]]) -> list[ChatMessage]:
    """User and bot messages in the order the user saw them.

    A button click is stored as its payload (``/affirm``): show the button's
    title instead, or skip it when no title is known. Rasa runs
    ``action_session_start`` before it stores the user's message, so what the
    session start says (the AI disclosure) comes after that message on screen.
    """
    messages: list[ChatMessage] = []
    held: list[ChatMessage] | None = None  # said by a session start, shown after the user
    for event in events:
        if not isinstance(event, dict):
            continue
        kind = event.get("event")
        if kind == "action" and event.get("name") == "action_session_start":
            held = []
        elif kind == "bot":
            (messages if held is None else held).extend(bot_messages(event))
        elif kind == "user":
            text = said.strip() if isinstance(said := event.get("text"), str) else ""
            if text.startswith("/"):
                bots = [m for m in messages if m["sender"] == "bot"]
                text = title_for(text, bots) or ""
            if text:
                messages.append(
                    ChatMessage(
                        sender="user", text=text, buttons=[], image=None, alt=None, name=None
                    )
                )
            messages.extend(held or [])
            held = None
    messages.extend(held or [])
    return messages
