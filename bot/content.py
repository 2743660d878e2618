"""Reading the content files coaches edit: YAML checked against a JSON schema.

The options catalogue and the exercises share these pieces, so a rule such as
"an id is lowercase" or "a text is never blank" means the same in every file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema
import yaml

ID_SCHEMA: dict[str, Any] = {"type": "string", "pattern": "^[a-z0-9_]{2,40}$"}
# Lowercase, as people type them; the matchers lowercase the user's text.
KEYWORDS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "uniqueItems": True,
    "items": {"type": "string", "pattern": "^[a-z0-9à-ÿ][a-z0-9à-ÿ'’ .&/-]{0,39}$"},
}


def text_schema(max_length: int) -> dict[str, Any]:
    """A non-blank string of at most ``max_length`` characters."""
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": r"\S"}


def read_yaml(path: Path, schema: dict[str, Any]) -> dict[str, Any]:
    """Parsed YAML, validated against the schema (jsonschema.ValidationError otherwise)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    return data


def duplicates(values: Iterable[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)
