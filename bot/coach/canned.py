"""Canned replies: ready-made texts a coach can pick, edit and send.

Data, not code (data/content/canned_replies.yml), checked against a schema like
the coach hours, so a typo in the file fails loudly instead of showing an empty list.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypedDict

import jsonschema
import yaml

from bot.config import CONTENT_DIR

CANNED_FILE = CONTENT_DIR / "canned_replies.yml"
SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["id", "title", "text"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9_]{1,32}$"},
            "title": {"type": "string", "minLength": 1, "maxLength": 40},
            "text": {"type": "string", "minLength": 1, "maxLength": 4000},
        },
    },
}


class CannedReply(TypedDict):
    id: str
    title: str
    text: str


def load(path: Path = CANNED_FILE) -> list[CannedReply]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    ids = [item["id"] for item in data]
    if len(ids) != len(set(ids)):
        raise ValueError("canned reply ids must be unique")
    return [CannedReply(id=i["id"], title=i["title"], text=i["text"].strip()) for i in data]


@lru_cache(maxsize=1)
def canned_replies() -> list[CannedReply]:
    return load()
