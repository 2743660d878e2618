"""When to say that Telegram is not end-to-end encrypted, and where the web chat is.

GUIDE §6: Telegram chats are encrypted between the app and Telegram's servers
only, so Telegram can read them. At the first sensitive topic on Telegram we say
so once and offer the web chat widget, which runs on our own server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.config import settings

TELEGRAM = "telegram"  # the channel name of bot/channels/telegram.py
WIDGET_PATH = "/chat"  # the widget page of bot/web/widget.py
# Escalation reasons (actions/support.py) about things people may not want Telegram to read.
SENSITIVE_REASONS = {"problem", "mood", "crisis"}


def is_sensitive(reason: str) -> bool:
    """ "problem:schulden", "mood", "crisis": yes; a plain coach request: no."""
    return reason.split(":", 1)[0] in SENSITIVE_REASONS


def notice_due(channel: str, reason: str, already_given: bool | None) -> bool:
    return channel == TELEGRAM and is_sensitive(reason) and not already_given


def web_chat_url(region: str | None) -> str:
    """The widget page; Flemish users get it with their region preset."""
    url = settings().public_web_url + WIDGET_PATH
    return url + "?regio=be" if region == "nl_BE" else url


def web_chat_buttons(url: str, title: str) -> list[dict[str, Any]]:
    """A link button, where Telegram accepts the address: it refuses localhost and the like."""
    host = urlsplit(url).hostname or ""
    if not url.startswith("https://") or host in {"localhost", "127.0.0.1"}:
        return []
    return [{"title": title, "url": url}]
