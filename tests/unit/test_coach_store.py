"""Dashboard accounts and sessions: Argon2 hashes, hashed session tokens, audit without text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.store import coaches
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Coach, CoachSession, utcnow
from tests.unit.coach_helpers import PASSWORD, make_coach, make_team, unique


def test_password_is_argon2_and_authenticates() -> None:
    team, _ = make_team()
    coach_id, email = make_coach(team)
    with session_scope() as session:
        stored = session.get(Coach, coach_id).password_hash
    assert stored.startswith("$argon2") and PASSWORD not in stored
    found = coaches.authenticate(email.upper(), PASSWORD)
    assert found is not None and found.id == coach_id and found.team_id == team
    assert coaches.authenticate(email, PASSWORD + "x") is None
    assert coaches.authenticate("nobody@example.org", PASSWORD) is None


def test_inactive_accounts_are_refused_and_lose_their_sessions() -> None:
    team, _ = make_team()
    coach_id, email = make_coach(team)
    token, _csrf = coaches.create_session(coach_id)
    coaches.set_active(coach_id, False)
    assert coaches.authenticate(email, PASSWORD) is None
    assert coaches.load_session(token) is None


def test_account_rules() -> None:
    team, _ = make_team()
    with pytest.raises(ValueError):
        coaches.create_coach(f"{unique('a')}@x.nl", "A", "short", "coach", team)
    with pytest.raises(ValueError):
        coaches.create_coach(f"{unique('a')}@x.nl", "A", PASSWORD, "boss", team)
    with pytest.raises(ValueError):
        coaches.create_coach(f"{unique('a')}@x.nl", "A", PASSWORD, "coach", None)
    with pytest.raises(ValueError):
        coaches.create_coach(f"{unique('a')}@x.nl", "A", PASSWORD, "coach", "no such team")
    admin = coaches.create_coach(f"{unique('a')}@x.nl", "Ad Min", PASSWORD, "admin", None, "en")
    assert admin in {c.id for c in coaches.list_team_coaches(team)}


def test_session_stores_only_a_hash_and_slides() -> None:
    team, _ = make_team()
    coach_id, _ = make_coach(team)
    token, csrf = coaches.create_session(coach_id)
    with session_scope() as session:
        ids = set(session.execute(select(CoachSession.id)).scalars())
        assert token not in ids and coaches.token_hash(token) in ids
        row = session.get(CoachSession, coaches.token_hash(token))
        row.last_seen_at = utcnow() - timedelta(minutes=5)
        row.expires_at = utcnow() + timedelta(minutes=10)
    coach, loaded_csrf = coaches.load_session(token)
    assert coach.id == coach_id and loaded_csrf == csrf
    with session_scope() as session:
        row = session.get(CoachSession, coaches.token_hash(token))
        assert row.expires_at.replace(tzinfo=None) > (utcnow() + timedelta(hours=7)).replace(
            tzinfo=None
        )
        row.expires_at = utcnow() - timedelta(seconds=1)
    assert coaches.load_session(token) is None
    assert coaches.load_session("made-up") is None


def test_delete_session() -> None:
    team, _ = make_team()
    coach_id, _ = make_coach(team)
    token, _ = coaches.create_session(coach_id)
    coaches.delete_session(token)
    assert coaches.load_session(token) is None


def test_audit_is_listed_newest_first() -> None:
    team, _ = make_team()
    coach_id, _ = make_coach(team)
    coaches.audit(coach_id, "claim", "escalation:1", {"ok": True})
    coaches.audit(coach_id, "resolve", "escalation:1")
    newest = coaches.list_audit(2)
    assert [e.action for e in newest] == ["resolve", "claim"]
    with session_scope() as session:
        assert session.execute(select(AuditEntry).limit(1)).scalar_one_or_none() is not None
