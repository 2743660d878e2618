"""Dashboard accounts, sessions and the audit log.

Passwords are hashed with Argon2 (``argon2-cffi``) and must be hard to guess
(zxcvbn score 3 or more, 12 characters or more); a session cookie is a random
token of which only the SHA-256 is stored, so a copy of the database cannot be
used to log in. A session ends after ``SESSION_LIFETIME`` without use and in any
case ``SESSION_MAX_AGE`` after the login, so a stolen cookie is not good forever.
The audit log records who looked at or did what, never message text.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from zxcvbn import zxcvbn

from bot.config import settings
from bot.store.db import session_scope
from bot.store.escalations import aware
from bot.store.models import AuditEntry, Coach, CoachSession, Team, utcnow

# A lead works in a team like a coach and also sees the team's caseload figures.
ROLES = ("coach", "lead", "admin")
# Roles that see one team only, so they need one.
TEAM_ROLES = ("coach", "lead")
LOCALES = ("nl", "en")
MIN_PASSWORD = 12
# zxcvbn: 3 is "safely unguessable: moderate protection from an offline slow-hash scenario".
MIN_PASSWORD_SCORE = 3
# zxcvbn's time grows fast with the length; a strong start makes the rest no weaker.
PASSWORD_CHECKED = 100
# Idle timeout: the session is extended while it is used...
SESSION_LIFETIME = timedelta(hours=8)
# ...but never beyond this time after the login (COACH_SESSION_MAX_HOURS, default 12).
SESSION_MAX_AGE = timedelta(hours=settings().coach_session_max_hours)
# Sliding expiry without a write on every request.
TOUCH_EVERY = timedelta(minutes=1)

_hasher = PasswordHasher()
# Verified against for unknown emails, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class CoachData:
    """A coach as the dashboard uses it (no password hash)."""

    id: int
    email: str
    name: str
    role: str
    team_id: int | None
    team_name: str | None
    locale: str
    active: bool

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else "Coach"


@dataclass(frozen=True)
class AuditRow:
    id: int
    coach_id: int | None
    coach_name: str | None
    action: str
    target: str | None
    detail: dict[str, Any]
    created_at: datetime


def _data(coach: Coach, team_name: str | None) -> CoachData:
    return CoachData(
        id=int(coach.id),
        email=coach.email,
        name=coach.name,
        role=coach.role,
        team_id=coach.team_id,
        team_name=team_name,
        locale=coach.locale,
        active=bool(coach.active),
    )


def _team_name(session: Any, team_id: int | None) -> str | None:
    team = session.get(Team, team_id) if team_id is not None else None
    return team.name if team else None


def create_team(name: str, region: str | None = None, invite_code: str | None = None) -> int:
    name = name.strip()
    if not name:
        raise ValueError("a team needs a name")
    with session_scope() as session:
        team = Team(name=name[:80], region=region, invite_code=invite_code)
        session.add(team)
        session.flush()
        return int(team.id)


def _team_id(session: Any, team: str | int | None) -> int | None:
    if team is None:
        return None
    if isinstance(team, int) or str(team).isdigit():
        row = session.get(Team, int(team))
    else:
        row = session.execute(select(Team).where(Team.name == team)).scalar_one_or_none()
    if row is None:
        raise ValueError(f"unknown team {team!r}")
    return int(row.id)


def password_problem(password: str, *personal: str) -> str | None:
    """Why a password is refused (too short, or easy to guess), or None when it is fine.

    ``personal`` (e-mail, name) counts as known to an attacker.
    """
    if len(password) < MIN_PASSWORD:
        return f"a password needs at least {MIN_PASSWORD} characters"
    known = ["werkmaatje", "coach"]
    for value in (v.strip().lower() for v in personal):
        known += [value, value.split("@")[0], *filter(None, re.split(r"[\W_]+", value))]
    result = zxcvbn(password[:PASSWORD_CHECKED], user_inputs=known)
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    feedback = result["feedback"]
    hint = " ".join([feedback.get("warning") or "", *feedback.get("suggestions", [])]).strip()
    return f"this password is too easy to guess{': ' + hint if hint else ''}"


def create_coach(
    email: str,
    name: str,
    password: str,
    role: str = "coach",
    team: str | int | None = None,
    locale: str = "nl",
) -> int:
    """A new account. A coach or lead needs a team; an admin may have none (they see every team)."""
    email = email.strip().lower()
    if "@" not in email or not name.strip():
        raise ValueError("an account needs an email address and a name")
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if locale not in LOCALES:
        raise ValueError(f"locale must be one of {LOCALES}")
    problem = password_problem(password, email, name)
    if problem is not None:
        raise ValueError(problem)
    with session_scope() as session:
        team_id = _team_id(session, team)
        if role in TEAM_ROLES and team_id is None:
            raise ValueError(f"a {role} needs a team")
        coach = Coach(
            email=email,
            name=name.strip()[:80],
            password_hash=_hasher.hash(password),
            role=role,
            team_id=team_id,
            locale=locale,
            active=True,
        )
        session.add(coach)
        session.flush()
        return int(coach.id)


def authenticate(email: str, password: str) -> CoachData | None:
    """The coach when email and password match an active account, else None."""
    with session_scope() as session:
        coach = session.execute(
            select(Coach).where(Coach.email == email.strip().lower())
        ).scalar_one_or_none()
        stored = coach.password_hash if coach is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if coach is None or not coach.active:
            return None
        if _hasher.check_needs_rehash(stored):
            coach.password_hash = _hasher.hash(password)
        coach.last_login_at = utcnow()
        return _data(coach, _team_name(session, coach.team_id))


def set_active(coach_id: int, active: bool) -> None:
    with session_scope() as session:
        coach = session.get(Coach, coach_id)
        if coach is None:
            raise LookupError(coach_id)
        coach.active = active
        if not active:
            session.execute(delete(CoachSession).where(CoachSession.coach_id == coach_id))


def set_locale(coach_id: int, locale: str) -> None:
    if locale not in LOCALES:
        raise ValueError(f"locale must be one of {LOCALES}")
    with session_scope() as session:
        coach = session.get(Coach, coach_id)
        if coach is not None:
            coach.locale = locale


def list_coaches() -> list[CoachData]:
    with session_scope() as session:
        rows = session.execute(
            select(Coach, Team.name).outerjoin(Team, Team.id == Coach.team_id).order_by(Coach.id)
        ).all()
        return [_data(coach, team) for coach, team in rows]


def list_team_coaches(team_id: int | None) -> list[CoachData]:
    """Active coaches who may be assigned an escalation of this team (admins included)."""
    with session_scope() as session:
        query = (
            select(Coach, Team.name)
            .outerjoin(Team, Team.id == Coach.team_id)
            .where(Coach.active.is_(True))
            .order_by(Coach.name)
        )
        rows = session.execute(query).all()
        return [
            _data(coach, team)
            for coach, team in rows
            if coach.role == "admin" or (team_id is not None and coach.team_id == team_id)
        ]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(coach_id: int) -> tuple[str, str]:
    """A new login: returns (cookie token, CSRF token). Only the token's hash is stored."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    with session_scope() as session:
        session.add(
            CoachSession(
                id=token_hash(token),
                coach_id=coach_id,
                csrf_token=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=now + min(SESSION_LIFETIME, SESSION_MAX_AGE),
            )
        )
    return token, csrf


def _live_session(session: Any, token: str | None, now: datetime) -> tuple[Any, Coach] | None:
    """The session row and its coach while the session is valid; an ended one is deleted."""
    row = session.get(CoachSession, token_hash(token)) if token else None
    if row is None:
        return None
    expires = aware(row.expires_at)
    coach = session.get(Coach, row.coach_id)
    if expires is None or min(expires, _ends(row, now)) <= now or coach is None or not coach.active:
        session.delete(row)
        return None
    return row, coach


def _ends(row: CoachSession, now: datetime) -> datetime:
    return (aware(row.created_at) or now) + SESSION_MAX_AGE


def load_session(token: str | None) -> tuple[CoachData, str] | None:
    """The coach and CSRF token of a live session; extends it (at most once a minute).

    Extended by the idle timeout, but never past ``SESSION_MAX_AGE`` after the login.
    """
    now = utcnow()
    with session_scope() as session:
        found = _live_session(session, token, now)
        if found is None:
            return None
        row, coach = found
        last_seen = aware(row.last_seen_at) or now
        if now - last_seen >= TOUCH_EVERY:
            row.last_seen_at = now
            row.expires_at = min(now + SESSION_LIFETIME, _ends(row, now))
        return _data(coach, _team_name(session, coach.team_id)), str(row.csrf_token)


def session_alive(token: str | None) -> bool:
    """Whether the session is still valid, without extending it (for open live streams)."""
    with session_scope() as session:
        return _live_session(session, token, utcnow()) is not None


def delete_session(token: str | None) -> None:
    if not token:
        return
    with session_scope() as session:
        session.execute(delete(CoachSession).where(CoachSession.id == token_hash(token)))


def audit(
    coach_id: int | None, action: str, target: str | None = None, detail: dict | None = None
) -> None:
    """Record an access or action. ``detail`` holds ids and counts, never message text."""
    with session_scope() as session:
        session.add(
            AuditEntry(
                coach_id=coach_id,
                action=action[:32],
                target=target[:80] if target else None,
                detail=detail or {},
            )
        )


def list_audit(limit: int = 200) -> list[AuditRow]:
    with session_scope() as session:
        rows = session.execute(
            select(AuditEntry, Coach.name)
            .outerjoin(Coach, Coach.id == AuditEntry.coach_id)
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        ).all()
        return [
            AuditRow(
                id=int(entry.id),
                coach_id=entry.coach_id,
                coach_name=name,
                action=entry.action,
                target=entry.target,
                detail=dict(entry.detail or {}),
                created_at=aware(entry.created_at) or utcnow(),
            )
            for entry, name in rows
        ]
