"""Masking end to end: the assistant understands the raw text, nothing stores it.

Over REST a job-seeker types a phone number, an e-mail address, an IBAN, a BSN, a
Belgian national number and an address. The bot still understands them (a coach
request opens an escalation), but no row anywhere in the database holds the raw
identifiers: not Rasa's ``events``, not our tables. A coach sees the placeholders in
the summary and the transcript. On Telegram, the stored inbox copy of an update and
its events are masked too. Each test makes up identifiers of its own (valid check
digits), so other tests' rows in the shared database cannot get in the way.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest
import requests
from sqlalchemy import text

from bot.coach.auth import COOKIE
from bot.store import coaches, escalations
from bot.store.db import session_scope
from bot.store.models import CoachRequest, EscalationNote, TelegramUpdate
from bot.store.pseudonym import pseudonym
from tests.integration.conftest import Chat
from tests.integration.test_telegram import TgUser, wait_handled
from tests.privacy_data import leftovers

pytest_plugins = ["tests.integration.fake_telegram"]
pytestmark = pytest.mark.postgres

PASSWORD = "lang-genoeg-wachtwoord-42"
TAGS = ("[telefoon]", "[e-mail]", "[iban]", "[bsn]", "[rijksregisternummer]", "[adres]")


def _bsn() -> str:
    while True:
        digits = [random.randrange(10) for _ in range(8)]
        rest = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if digits[0] and rest < 10:  # the last digit makes the sum divisible by 11
            return "".join(map(str, digits)) + str(rest)


def _iban() -> str:
    account = f"ABNA{random.randrange(10**9, 10**10)}"
    number = int("".join(str(int(c, 36)) for c in account + "NL00"))
    compact = f"NL{98 - number % 97:02d}{account}"
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _be_national() -> str:
    body = f"{random.randrange(50, 99)}{random.randrange(1, 13):02d}{random.randrange(1, 29):02d}"
    body += f"{random.randrange(1, 998):03d}"
    check = 97 - int(body) % 97
    return f"{body[:2]}.{body[2:4]}.{body[4:6]}-{body[6:]}.{check:02d}"


@dataclass(frozen=True)
class Identifiers:
    phone: str
    email: str
    iban: str
    bsn: str
    be_national: str
    street: str  # with the house number

    @classmethod
    def new(cls) -> Identifiers:
        letters = "".join(random.choices(string.ascii_lowercase, k=8))
        return cls(
            phone=f"06-{random.randrange(10**7, 10**8)}",
            email=f"jan.{letters}@example.nl",
            iban=_iban(),
            bsn=_bsn(),
            be_national=_be_national(),
            street=f"{letters.capitalize()}straat {random.randrange(2, 300)}a",
        )

    def raw(self) -> list[str]:
        """Each identifier as typed, and its digits alone (a stored copy may drop spaces)."""
        compact = [self.iban.replace(" ", ""), self.be_national.replace(".", "").replace("-", "")]
        return [self.phone, self.phone.replace("-", ""), self.email, self.iban, self.bsn,
                self.be_national, self.street, *compact]  # fmt: skip


def onboard(chat: Chat) -> None:
    chat.say("hoi")
    chat.say("/affirm")
    chat.say("Nederland")


def stored_events(conversation_id: str) -> list[str]:
    """The ``data`` column of every row in Rasa's events table for this conversation."""
    with session_scope() as session:
        rows = session.execute(
            text("select data from events where sender_id = :s order by id"),
            {"s": conversation_id},
        ).all()
    return [str(row[0]) for row in rows]


def admin_session() -> tuple[requests.Session, int]:
    """A dashboard session for a new admin, and the admin's coach id."""
    coach_id = coaches.create_coach(
        f"admin-{uuid4().hex[:8]}@example.org", "Ada", PASSWORD, role="admin"
    )
    token, csrf = coaches.create_session(coach_id)
    session = requests.Session()
    session.cookies.set(COOKIE, token)
    session.headers["X-CSRF-Token"] = csrf
    return session, coach_id


def test_rest_identifiers_are_understood_but_stored_and_shown_masked(chat: Chat, web: str) -> None:
    ids = Identifiers.new()
    onboard(chat)
    asked = chat.texts(f"ik wil met een coach praten, mail naar {ids.email}")
    assert asked, "the bot answers"

    # Understood: the coach request opened an escalation, with a masked summary. (Read it
    # now: a later escalation, e.g. after two misunderstood messages, writes a new one.)
    with session_scope() as session:
        escalation = (
            session.query(CoachRequest)
            .filter(CoachRequest.jobseeker_id == pseudonym(chat.sender))
            .order_by(CoachRequest.id.desc())
            .first()
        )
        assert escalation is not None, "the coach request opened an escalation"
        escalation_id, summary = int(escalation.id), str(escalation.summary)
    assert "[e-mail]" in summary and ids.email not in summary
    for said in (
        f"mijn nummer is {ids.phone}, bel me maar",
        f"mijn iban is {ids.iban} en mijn bsn {ids.bsn}",
        f"mijn rijksregisternummer is {ids.be_national}",
        f"ik woon op de {ids.street}",
    ):
        assert chat.say(said), said
    # The raw intent was recognised on the raw text: stored, the intent is kept.
    events = [json.loads(row) for row in stored_events(chat.sender)]
    texts = [e["text"] for e in events if e["event"] == "user"]
    assert "ik wil met een coach praten, mail naar [e-mail]" in texts
    request = next(e for e in events if e["event"] == "user" and "[e-mail]" in e["text"])
    assert request["parse_data"]["intent"]["name"] == "request_coach"
    assert "mijn nummer is [telefoon], bel me maar" in texts
    assert "mijn iban is [iban] en mijn bsn [bsn]" in texts
    assert "mijn rijksregisternummer is [rijksregisternummer]" in texts
    assert "ik woon op de [adres]" in texts

    # A coach's note is masked where it is written.
    admin, admin_id = admin_session()
    viewer = escalations.Viewer(coach_id=admin_id, role="admin", team_id=None)
    note_id = escalations.add_note(escalation_id, viewer, f"Teruggebeld op {ids.phone}.")
    with session_scope() as session:
        assert session.get(EscalationNote, note_id).text == "Teruggebeld op [telefoon]."

    # No row anywhere holds a raw identifier: Rasa's events and every table of ours.
    assert leftovers(ids.raw()) == []
    joined = "\n".join(stored_events(chat.sender))
    assert all(tag in joined for tag in TAGS)

    # The coach sees the placeholders, in the summary and in the transcript.
    page = admin.get(f"{web}/coach/escalations/{escalation_id}", timeout=60)
    assert page.status_code == 200, page.text
    assert "[e-mail]" in page.text and "[telefoon]" in page.text and "[adres]" in page.text
    assert not [raw for raw in ids.raw() if raw in page.text]


def test_telegram_inbox_copy_and_events_are_masked(telegram: Any, servers: str) -> None:
    ids = Identifiers.new()
    user = TgUser(telegram)
    for said in ("hoi", "ja", "Nederland"):
        user.say(said)
    update = user.text_update(f"mijn bsn is {ids.bsn}, bel {ids.phone} of mail {ids.email}")
    # Hold the fake Bot API, so the update cannot be answered (and its copy erased)
    # before the stored copy is read.
    with telegram._lock:
        answer = user.post(update)
        assert answer.status_code == 200 and answer.json() == {"status": "accepted"}
        with session_scope() as session:
            stored = session.get(TelegramUpdate, update["update_id"])
            assert stored is not None and stored.handled_at is None
            payload = stored.payload
    assert payload["message"]["text"] == "mijn bsn is [bsn], bel [telefoon] of mail [e-mail]"
    assert payload["message"]["chat"]["id"] == user.chat_id, "the replay still finds the chat"
    assert ids.bsn in update["message"]["text"], "the live turn keeps the raw text"

    wait_handled(update["update_id"])
    assert user.sent(), "the bot answered"
    rows = stored_events(user.conversation_id)
    assert any("mijn bsn is [bsn], bel [telefoon] of mail [e-mail]" in row for row in rows)
    assert leftovers(ids.raw()) == []
