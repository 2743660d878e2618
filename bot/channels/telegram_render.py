"""Pure helpers for the Telegram channel: no Rasa, no network, no database.

They hold the rules that are easy to get wrong (Telegram's size limits, which
commands map to which intent, what a user may inject), so they are unit-tested
on their own in ``tests/unit/test_telegram_render.py``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

# Re-exported for the channel; it lives in a leaf so the store can read it too.
from bot.telegram_ids import chat_id_of as chat_id_of

logger = logging.getLogger(__name__)

# Telegram sends our secret back in this header with every webhook call.
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# Telegram's limits, counted in UTF-16 code units (an emoji outside the BMP counts twice).
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_BYTES = 64

# Slash commands in the bot menu → the intent they trigger (a Rasa payload).
COMMANDS: dict[str, str] = {
    "start": "/greet",
    "help": "/ask_capabilities",
    "coach": "/request_coach",
    "privacy": "/privacy_export",
    "stop": "/pause",
}

# Deep-link parameters (https://t.me/<bot>?start=be) that set the region.
START_REGIONS: dict[str, str] = {
    "be": "nl_BE",
    "vl": "nl_BE",
    "vlaanderen": "nl_BE",
    "nl_be": "nl_BE",
    "nl": "nl_NL",
    "nederland": "nl_NL",
    "nl_nl": "nl_NL",
}
# What Telegram allows in a start parameter; anything else is dropped.
START_PARAM = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Message fields that mean "not text": we answer these ourselves, Rasa never sees them.
NON_TEXT_FIELDS = (
    "sticker",
    "voice",
    "audio",
    "photo",
    "video",
    "video_note",
    "animation",
    "document",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
    "paid_media",
    "invoice",
)


def make_bot(token: str, api_base: str) -> Bot:
    """A Bot pointed at ``api_base`` (Telegram, or the fake server in tests); no network yet.

    It lives here, away from Rasa, so that the set-up commands start fast.
    """
    api_base = api_base.rstrip("/")
    return Bot(token, base_url=f"{api_base}/bot", base_file_url=f"{api_base}/file/bot")


_COMMAND = re.compile(r"^/+([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Inbound:
    """What goes to Rasa for one Telegram message: the text and extra metadata."""

    text: str
    metadata: dict[str, str] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def _fits(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _last_boundary(window: str) -> int:
    """Where to cut ``window``: the last paragraph, line, sentence or word end.

    A boundary in the first quarter would leave a tiny piece, so a finer
    boundary further on is preferred; without any, the window is cut hard.
    """
    minimum = len(window) // 4
    for separator in ("\n\n", "\n"):
        at = window.rfind(separator)
        if at > minimum:
            return at + len(separator)
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if sentence_ends and sentence_ends[-1] > minimum:
        return sentence_ends[-1]
    spaces = [m.end() for m in _WHITESPACE.finditer(window)]
    if spaces and spaces[-1] > minimum:
        return spaces[-1]
    return len(window)


def split_once(text: str, limit: int) -> tuple[str, str]:
    """The first piece of at most ``limit`` units, cut at a natural boundary, and the rest."""
    text = text.strip()
    cut = _fits(text, limit)
    if cut >= len(text):
        return text, ""
    at = _last_boundary(text[:cut])
    return text[:at].rstrip(), text[at:].strip()


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split a text into Telegram-sized messages; empty text gives no message."""
    pieces = []
    rest = text or ""
    while rest.strip():
        piece, rest = split_once(rest, limit)
        if piece:
            pieces.append(piece)
    return pieces


def fit_callback_data(data: str, fallback: str = "") -> str | None:
    """Callback data within Telegram's 64 bytes, or None when nothing usable fits.

    A payload that is too long is replaced by the button title, so a tap still
    reaches the NLU as if the user typed the words on the button.
    """
    for candidate in (data, fallback):
        if candidate and len(candidate.encode()) <= MAX_CALLBACK_BYTES:
            return candidate
    if fallback:
        cut = fallback.encode()[:MAX_CALLBACK_BYTES].decode(errors="ignore").strip()
        return cut or None
    return None


def keyboard(buttons: list[dict[str, Any]] | None) -> InlineKeyboardMarkup | None:
    """Rasa buttons (or quick replies) as an inline keyboard, one button per row."""
    rows = []
    for button in buttons or []:
        if not isinstance(button, dict):
            continue
        title = str(button.get("title") or button.get("payload") or "").strip()
        if not title:
            continue
        url = button.get("url")
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            rows.append([InlineKeyboardButton(title, url=url)])
            continue
        payload = str(button.get("payload") or "")
        data = fit_callback_data(payload, title)
        if data is None:
            continue
        if payload and data != payload:
            logger.warning("Button payload over %d bytes, sending its title", MAX_CALLBACK_BYTES)
        rows.append([InlineKeyboardButton(title, callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None


def parse_start_param(param: str | None) -> dict[str, str]:
    """``/start <param>`` metadata: a region, an invite code, or nothing."""
    param = (param or "").strip()
    if not START_PARAM.fullmatch(param):
        return {}
    region = START_REGIONS.get(param.lower())
    return {"region": region} if region else {"invite": param}


def command_payload(text: str) -> str:
    """The menu commands work the same on every channel: ``/start`` greets, ``/privacy`` exports."""
    command = text.lower()[1:] if text.startswith("/") else ""
    return COMMANDS.get(command, text)


def strip_slashes(text: str) -> str:
    """Typed text may never be read as an intent payload (``/inform{...}``)."""
    return text.strip().lstrip("/").strip()


def map_text(text: str) -> Inbound:
    """A typed message: a known command becomes its intent, anything else stays text."""
    match = _COMMAND.match(text.strip())
    if match:
        command, argument = match.group(1).lower(), match.group(2)
        if command in COMMANDS:
            metadata = parse_start_param(argument) if command == "start" else {}
            return Inbound(COMMANDS[command], metadata)
    return Inbound(strip_slashes(text))


def callback_datas(message: dict[str, Any] | None) -> set[str]:
    """The callback data of every button on a message, as Telegram sent it back."""
    markup = (message or {}).get("reply_markup") or {}
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    found = set()
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, dict) and isinstance(button.get("callback_data"), str):
                found.add(button["callback_data"])
    return found


def callback_text(data: str, message: dict[str, Any] | None) -> str:
    """The text for Rasa from a button tap.

    A payload (``/affirm``) passes only when it is really on the tapped message's
    keyboard: a modified client can send any callback data.
    """
    if data.startswith("/") and data in callback_datas(message):
        return data
    return strip_slashes(data)


def is_non_text(message: dict[str, Any]) -> bool:
    return any(key in message for key in NON_TEXT_FIELDS)


@dataclass(frozen=True)
class Outgoing:
    """One Bot API call: a text message, or a photo with a caption."""

    text: str
    photo: str | None = None
    buttons: list[dict[str, Any]] = field(default_factory=list)


def plan(message: dict[str, Any], empty_text: str) -> list[Outgoing]:
    """Turn one Rasa response into Telegram messages within the size limits.

    An image with text becomes one photo with the text as caption; text beyond
    the caption limit follows as normal messages. Buttons go on the last message;
    Telegram needs text to show them, hence ``empty_text``.
    """
    texts = [message.get("text")]
    custom = message.get("custom")
    if isinstance(custom, dict):
        texts.append(custom.get("text"))
    text = "\n\n".join(t.strip() for t in texts if isinstance(t, str) and t.strip())
    buttons = message.get("buttons") or message.get("quick_replies") or []
    buttons = buttons if isinstance(buttons, list) else []
    image = message.get("image")

    parts: list[Outgoing] = []
    if isinstance(image, str) and image.strip():
        caption, text = split_once(text, MAX_CAPTION)
        parts.append(Outgoing(caption, photo=image.strip()))
    parts += [Outgoing(piece) for piece in split_text(text)]
    if buttons and keyboard(buttons) is not None:
        if not parts:
            parts.append(Outgoing(empty_text))
        last = parts[-1]
        parts[-1] = Outgoing(last.text, photo=last.photo, buttons=buttons)
    return parts
