"""The short summary a coach gets with every escalation (GUIDE §5).

Structured, not prose: the dashboard renders it in the coach's language.
Only what a coach needs to start: the last few messages (identifiers masked),
where the user was, and how far they got.
"""

from __future__ import annotations

import json
from typing import Any

from bot.text.masking import mask

LAST_MESSAGES = 3
MAX_MESSAGE_CHARS = 200


def build(user_texts: list[str], step: str | None, progress: dict[str, int]) -> str:
    recent = [
        mask(t.strip())[:MAX_MESSAGE_CHARS] for t in user_texts if t and not t.startswith("/")
    ]
    summary: dict[str, Any] = {
        "last_messages": recent[-LAST_MESSAGES:],
        "step": step,
        "progress": progress,
    }
    return json.dumps(summary, ensure_ascii=False)


def read(text: str | None) -> dict[str, Any]:
    """Summaries are JSON; anything else (older rows) is shown as one message."""
    if not text:
        return {"last_messages": [], "step": None, "progress": {}}
    try:
        value = json.loads(text)
    except ValueError:
        return {"last_messages": [text], "step": None, "progress": {}}
    return value if isinstance(value, dict) else {"last_messages": [str(value)]}
