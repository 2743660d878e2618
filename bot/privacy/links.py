"""Short-lived download links for a job-seeker's export.

The token is encrypted and authenticated (Fernet, key derived from the pseudonym
key), so it says nothing readable about the user and cannot be forged. Fernet puts
the creation time in the token; the web app refuses it after :data:`LINK_TTL_S`.
It holds the profile's ``first_seen`` too: after an erasure the same person starts
a new profile, and an old link must not show it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import Enum

from cryptography.fernet import Fernet, InvalidToken

from bot.config import settings
from bot.store.pseudonym import pseudonym

LINK_TTL_S = 30 * 60
MAX_TOKEN = 400
TOKEN = re.compile(r"[A-Za-z0-9_-]+={0,2}")  # Fernet's alphabet: base64 would skip others


class Refused(Enum):
    FORGED = "forged"
    EXPIRED = "expired"


def _fernet() -> Fernet:
    key = hmac.new(settings().pseudonym_key.encode(), b"werkmaatje-export", hashlib.sha256)
    return Fernet(base64.urlsafe_b64encode(key.digest()))


@dataclass(frozen=True)
class Grant:
    jobseeker_id: str
    first_seen: str  # ISO time of the profile the link was made for


def export_token(sender_id: str, first_seen: str) -> str:
    """A token for the job-seeker behind this conversation, as they are now."""
    return _fernet().encrypt(f"{pseudonym(sender_id)} {first_seen}".encode()).decode()


def export_url(sender_id: str, first_seen: str) -> str:
    return f"{settings().public_web_url}/privacy/{export_token(sender_id, first_seen)}"


def read_token(token: str, ttl_s: int = LINK_TTL_S) -> Grant | Refused:
    """Whom a valid token is for, or why it is refused."""
    if len(token) > MAX_TOKEN or not TOKEN.fullmatch(token):
        return Refused.FORGED
    fernet = _fernet()
    try:
        jobseeker_id, _, first_seen = (
            fernet.decrypt(token.encode(), ttl=ttl_s).decode().partition(" ")
        )
        return Grant(jobseeker_id, first_seen)
    except InvalidToken:
        pass
    try:  # authentic but too old?
        fernet.decrypt(token.encode())
    except (InvalidToken, ValueError):
        return Refused.FORGED
    return Refused.EXPIRED
