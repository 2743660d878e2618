"""Privacy rights end to end: export and erasure through the real servers.

REST: the summary and a short-lived link whose page and JSON hold this user's data
only; a forged link gives 404. Telegram: /privacy brings the export as uploaded
documents. Erasure after confirmation: nothing of the user is left in any table,
the Rasa tracker is new and the next message starts onboarding again. Dashboard:
an admin downloads the export and erases; an ordinary coach gets 403.
"""

from __future__ import annotations

import json
import re
from uuid import uuid4

import pytest
import requests
from sqlalchemy import select

from bot.coach.auth import COOKIE
from bot.store import coaches
from bot.store.db import session_scope
from bot.store.models import AuditEntry
from bot.store.pseudonym import pseudonym
from tests.integration.conftest import Chat, get_tracker
from tests.integration.test_telegram import TgUser
from tests.privacy_data import leftovers

pytest_plugins = ["tests.integration.fake_telegram"]
pytestmark = pytest.mark.postgres

LINK = re.compile(r"https?://\S+/privacy/(\S+)")
PASSWORD = "lang-genoeg-wachtwoord-42"


def onboard(chat: Chat, secret: str) -> None:
    chat.say("hoi")
    chat.say("/affirm")
    chat.say("Nederland")
    chat.say(f"ik heet {secret}")


def export_link(chat: Chat) -> tuple[str, str]:
    """Ask for the data; return the chat's text and the link's token."""
    text = chat.texts("welke gegevens hebben jullie?")
    found = LINK.search(text)
    assert found, text
    return text, found.group(1)


def test_rest_summary_and_link_with_own_data_only(chat: Chat, servers: str, web: str) -> None:
    secret, other_secret = f"Merel{uuid4().hex[:6]}", f"Kievit{uuid4().hex[:6]}"
    other = Chat(servers)
    onboard(chat, secret)
    onboard(other, other_secret)
    text, token = export_link(chat)
    assert "Dit bewaar ik van je." in text and "De link werkt 30 minuten." in text
    assert pseudonym(chat.sender) not in token and chat.sender not in token

    page = requests.get(f"{web}/privacy/{token}", timeout=30)
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert f"Jij: ik heet {secret}" in page.text and other_secret not in page.text

    download = requests.get(f"{web}/privacy/{token}.json", timeout=30)
    assert download.headers["Content-Disposition"].startswith("attachment;")
    data = download.json()
    assert data["jobseeker"]["id"] == pseudonym(chat.sender)
    assert data["identities"][0]["sender_id"] == chat.sender
    assert any(m["text"] == f"ik heet {secret}" for m in data["conversation"])
    assert other_secret not in download.text and other.sender not in download.text
    summary = requests.get(f"{web}/privacy/{token}.txt", timeout=30)
    assert summary.headers["Content-Type"].startswith("text/plain")

    forged = token[:-8] + ("x" if token[-8] != "x" else "y") + token[-7:]
    for bad in (forged, "nothing-here", token + ".png"):
        assert requests.get(f"{web}/privacy/{bad}", timeout=30).status_code == 404


def onboard_telegram(user: TgUser, secret: str) -> None:
    for text in ("hoi", "ja", "Nederland", f"ik heet {secret}"):
        user.say(text)


def test_telegram_privacy_command_sends_the_export_as_documents(telegram, servers: str) -> None:
    user = TgUser(telegram)
    secret = f"Reiger{uuid4().hex[:6]}"
    onboard_telegram(user, secret)
    user.say("/privacy")
    documents = telegram.calls_of("sendDocument", user.chat_id)
    assert [d.params["document"]["filename"] for d in documents] == [
        "werkmaatje-gegevens.txt",
        "werkmaatje-gegevens.json",
    ]
    data = json.loads(documents[1].params["document"]["upload"])
    assert data["jobseeker"]["id"] == pseudonym(user.conversation_id)
    assert any(secret in m["text"] for m in data["conversation"])
    assert f"Jij: ik heet {secret}" in documents[0].params["document"]["upload"].decode()


def test_erasure_in_chat_leaves_nothing_and_restarts_clean(chat: Chat, web: str) -> None:
    secret = f"Fuut{uuid4().hex[:6]}"
    onboard(chat, secret)
    _, token = export_link(chat)
    assert leftovers([secret])
    asked = chat.say("verwijder mijn gegevens")
    assert asked[-1]["text"].endswith("Wil je dat ik al je gegevens wis?")
    # A bare "ja" is not enough: the question comes again, nothing is erased.
    again = chat.say("ja")
    assert all("Ik heb alles gewist" not in m.get("text", "") for m in again)
    assert [b["payload"] for b in again[-1]["buttons"]] == ["/privacy_delete", "/deny"]
    assert leftovers([secret])
    done = chat.texts("/privacy_delete")  # the button "Ja, wis alles"
    assert "Ik heb alles gewist" in done

    assert leftovers([pseudonym(chat.sender), chat.sender, secret]) == []
    events = get_tracker(chat.sender).json()["events"]
    assert events == [] or all(e["event"] != "user" for e in events)
    assert requests.get(f"{web}/privacy/{token}", timeout=30).status_code == 404
    again = chat.say("hoi")
    assert again[-1]["text"].endswith("Mag ik het bewaren?")  # onboarding asks consent again
    # The same person starts anew: the old link still does not open the new profile.
    assert requests.get(f"{web}/privacy/{token}.json", timeout=30).status_code == 404


def test_telegram_erasure_still_answers_and_forgets_the_chat(telegram, servers: str) -> None:
    user = TgUser(telegram)
    secret = f"Wulp{uuid4().hex[:6]}"
    onboard_telegram(user, secret)
    user.say("verwijder mijn gegevens")
    asked_again = user.say("ja")
    assert not any("Ik heb alles gewist" in m.get("text", "") for m in asked_again)
    done = user.say("ja, wis alles")
    assert any("Ik heb alles gewist" in m.get("text", "") for m in done)
    needles = [pseudonym(user.conversation_id), user.conversation_id, str(user.chat_id), secret]
    assert leftovers(needles) == []


def logged_in(role: str) -> tuple[requests.Session, int]:
    """A dashboard session for a new coach (own team) or admin, and the coach's id."""
    email = f"{role}-{uuid4().hex[:8]}@example.org"
    team = coaches.create_team(f"team-{uuid4().hex[:10]}") if role == "coach" else None
    coach_id = coaches.create_coach(email, "Ada Lovelace", PASSWORD, role=role, team=team)
    token, csrf = coaches.create_session(coach_id)
    session = requests.Session()
    session.cookies.set(COOKIE, token)
    session.headers["X-CSRF-Token"] = csrf
    return session, coach_id


def test_dashboard_admin_exports_and_erases_ordinary_coach_gets_403(chat: Chat, web: str) -> None:
    secret = f"Grutto{uuid4().hex[:6]}"
    onboard(chat, secret)
    jobseeker_id = pseudonym(chat.sender)
    base = f"{web}/coach/jobseekers/{jobseeker_id}"
    coach, _ = logged_in("coach")
    assert coach.get(f"{base}/export.json", timeout=30).status_code == 403
    assert coach.post(f"{base}/erase", data={"confirm": "yes"}, timeout=30).status_code == 403

    admin, admin_id = logged_in("admin")
    page = admin.get(base, timeout=30)
    assert 'id="erase-form"' in page.text and 'id="export-link"' in page.text
    download = admin.get(f"{base}/export.json", timeout=30)
    assert download.status_code == 200 and download.json()["jobseeker"]["id"] == jobseeker_id
    assert any(m["text"] == f"ik heet {secret}" for m in download.json()["conversation"])

    unconfirmed = admin.post(f"{base}/erase", data={}, allow_redirects=False, timeout=30)
    assert unconfirmed.status_code == 303 and leftovers([secret])
    erased = admin.post(f"{base}/erase", data={"confirm": "yes"}, allow_redirects=False, timeout=30)
    assert erased.status_code == 303, erased.text
    assert leftovers([jobseeker_id, chat.sender, secret]) == []
    with session_scope() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "erasure").order_by(AuditEntry.id.desc())
        ).first()
        exported = session.scalars(
            select(AuditEntry.action).where(AuditEntry.coach_id == admin_id)
        ).all()
    assert entry is not None and entry.coach_id == admin_id and entry.target is None
    assert entry.detail["by"] == "admin" and entry.detail["rows"]["jobseekers"] == 1
    assert "export_jobseeker" in exported
    assert chat.say("hoi")[-1]["text"].endswith("Mag ik het bewaren?")
