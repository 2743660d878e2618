"""Help from people nearby, offered when an exercise went badly.

A low score means the chat alone is not enough for this person now. Rather than only
moving on to the next exercise, the assistant names where people help for free close to
home (a library, a digipunt), per region. The places are content that coaches keep in
data/content/exercise_help.yml, checked against a schema, so a changed name or a new
place needs no code change.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.config import CONTENT_DIR, REGIONS
from bot.content import read_yaml, text_schema
from bot.i18n import region_or_default

HELP_FILE = CONTENT_DIR / "exercise_help.yml"

HELP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "regions"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "integer", "minimum": 1},
        "regions": {
            "type": "object",
            # Every region must say where help is: no one is left with nothing.
            "required": list(REGIONS),
            "additionalProperties": False,
            "properties": {
                region: {
                    "type": "object",
                    "required": ["text"],
                    "additionalProperties": False,
                    "properties": {"text": text_schema(300)},
                }
                for region in REGIONS
            },
        },
    },
}


def load_help(path: Path = HELP_FILE) -> dict[str, str]:
    """The text about help nearby, per region; jsonschema.ValidationError when wrong."""
    data = read_yaml(path, HELP_SCHEMA)
    return {region: entry["text"].strip() for region, entry in data["regions"].items()}


@lru_cache(maxsize=1)
def _texts() -> dict[str, str]:
    return load_help()


def nearby_help(region: str | None) -> str:
    """Where people help nearby, in the user's region (read once)."""
    return _texts()[region_or_default(region)]
