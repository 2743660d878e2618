"""Access-log lines without the secrets some URLs carry.

A ``/privacy/<token>`` link opens a job-seeker's export, a progress card's token
draws their progress, and query strings have carried a chat's session id: each is
a bearer secret that must not sit in a log file that many people can read. The
access logger therefore writes ``/privacy/[redacted]`` and ``?name=[redacted]``.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

REDACTED = "[redacted]"
# Paths whose last part is a bearer token (bot/web/privacy.py, bot/web/media.py).
TOKEN_PATHS = re.compile(r"^(/privacy|/media/progress)/[^/]+")
QUERY_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def redact(target: str) -> str:
    """The request target with token paths and every query value replaced."""
    path, has_query, query = target.partition("?")
    path = TOKEN_PATHS.sub(lambda found: f"{found[1]}/{REDACTED}", path)
    if not has_query:
        return path
    names = [part.split("=", 1)[0] for part in query.split("&") if part]
    parts = [f"{name}={REDACTED}" if QUERY_NAME.fullmatch(name) else REDACTED for name in names]
    return f"{path}?{'&'.join(parts)}"


class RedactSecrets(logging.Filter):
    """For ``uvicorn.access``: its third argument is the path with the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with :class:`RedactSecrets` on the access log."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": RedactSecrets}
    config["loggers"]["uvicorn.access"]["filters"] = ["redact_secrets"]
    return config
