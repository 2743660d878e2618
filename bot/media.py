"""Images the assistant sends: drawn exercise screens, and a user's progress card.

The exercise screens are drawn at build time (``make media``) into build/media/. A
progress card is drawn on request from a signed token that holds only the badges
(no user id), so the web server needs no database lookup and a card cannot be forged
or enumerated. The web app serves both under /media/; the Telegram channel reads them
here directly and uploads the bytes, because Telegram cannot reach a laptop's URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

from bot.config import PROJECT_ROOT, settings
from bot.exercises.card import Badge, Card, card_png
from bot.exercises.progress import Summary
from bot.i18n import region_or_default, texts

MEDIA_DIR = PROJECT_ROOT / "build" / "media"
EXERCISE_IMAGES = MEDIA_DIR / "exercises"
IMAGE_NAME = re.compile(r"^[a-z0-9_]{2,40}$")
MAX_TOKEN = 1200


def exercise_image_url(image_id: str) -> str:
    return f"{settings().public_web_url}/media/exercises/{image_id}.png"


def exercise_image(image_id: str) -> bytes | None:
    if not IMAGE_NAME.match(image_id):
        return None
    path = EXERCISE_IMAGES / f"{image_id}.png"
    return path.read_bytes() if path.is_file() else None


def _key() -> bytes:
    return hmac.new(settings().pseudonym_key.encode(), b"werkmaatje-card", hashlib.sha256).digest()


def _sign(body: str) -> str:
    digest = hmac.new(_key(), body.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def card_token(summary: Summary, region: str) -> str:
    """The card's content, compact and signed: region, counts, and per competence a badge."""
    data = {
        "r": region,
        "d": summary.done,
        "p": summary.passed,
        "c": [[c.code, c.label, c.level or 0, c.done, c.total] for c in summary.competences],
    }
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    body = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{body}.{_sign(body)}"


def card_url(summary: Summary, region: str) -> str:
    return f"{settings().public_web_url}/media/progress/{card_token(summary, region)}.png"


def read_card_token(token: str) -> dict[str, Any] | None:
    """The card's content, or None for a token that is malformed or not ours."""
    if len(token) > MAX_TOKEN or token.count(".") != 1:
        return None
    body, signature = token.split(".")
    if not hmac.compare_digest(signature, _sign(body)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def card_image(token: str) -> bytes | None:
    data = read_card_token(token)
    if data is None:
        return None
    t = texts(region_or_default(data.get("r")))
    badges = tuple(
        Badge(
            code=str(code),
            label=str(label),
            earned=int(done) > 0,
            level=int(level) or None,
            done=int(done),
            total=int(total),
        )
        for code, label, level, done, total in data.get("c") or []
    )
    earned = sum(b.earned for b in badges)
    subtitle = t.ngettext(
        "{count} oefening gedaan", "{count} oefeningen gedaan", int(data.get("d") or 0)
    ).format(count=int(data.get("d") or 0))
    subtitle += ", " + t.ngettext("{count} badge", "{count} badges", earned).format(count=earned)
    card = Card(
        title=t.gettext("Mijn digitale vaardigheden"),
        subtitle=subtitle,
        badges=badges,
        level_word=t.gettext("niveau"),
    )
    return card_png(card)


def load(url: str) -> bytes | None:
    """The bytes behind one of our own media URLs; None for any other URL."""
    prefix = f"{settings().public_web_url}/media/"
    if not url.startswith(prefix):
        return None
    kind, _, name = url[len(prefix) :].partition("/")
    if not name.endswith(".png"):
        return None
    name = name[: -len(".png")]
    if kind == "exercises":
        return exercise_image(name)
    if kind == "progress":
        return card_image(name)
    return None
