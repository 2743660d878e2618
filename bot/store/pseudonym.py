"""Pseudonymous job-seeker ids: a keyed hash of the channel address."""

from __future__ import annotations

import hashlib
import hmac

from bot.config import settings


def pseudonym(sender_id: str) -> str:
    key = settings().pseudonym_key.encode()
    return hmac.new(key, sender_id.encode(), hashlib.sha256).hexdigest()[:32]
