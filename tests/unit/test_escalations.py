"""The life of an escalation and who may see it, on a real SQLite database."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from bot.store import coaches, escalations, jobseekers
from bot.store.db import session_scope
from bot.store.escalations import NotAllowed, Viewer
from bot.store.models import CoachRequest, Team, utcnow


def new_team(region: str | None = None) -> int:
    with session_scope() as session:
        team = Team(name=f"team-{uuid4().hex[:8]}", region=region, invite_code=uuid4().hex)
        session.add(team)
        session.flush()
        return int(team.id)


def new_user(team_id: int) -> str:
    sender = f"unit-{uuid4().hex[:10]}"
    jobseekers.touch(sender, "rest")
    with session_scope() as session:
        invite = session.get(Team, team_id).invite_code
    assert escalations.join_team(sender, invite)
    return sender


def new_escalation(team_id: int, priority: str = "normal") -> int:
    return escalations.open_escalation(new_user(team_id), "request", None, priority)


@pytest.fixture
def team() -> int:
    return new_team()


def coach_of(team_id: int) -> Viewer:
    """A real account of the team (notes and claims point at it)."""
    email = f"c-{uuid4().hex[:8]}@example.org"
    coach_id = coaches.create_coach(email, "Sanne", "een-lang-wachtwoord", team=team_id)
    return Viewer(coach_id=coach_id, role="coach", team_id=team_id)


ADMIN = Viewer(coach_id=0, role="admin", team_id=None)  # reads only


def test_claim_hand_back_snooze_and_resolve(team: int) -> None:
    coach = coach_of(team)
    escalation = new_escalation(team)
    assert escalations.claim(escalation, coach) == "waiting"
    assert escalations.hand_back(escalation, coach) == "with_coach"
    with pytest.raises(NotAllowed):
        escalations.hand_back(escalation, coach)  # the bot already has it
    assert escalations.snooze(escalation, coach, 4) == "waiting"
    assert [i.id for i in escalations.inbox(coach, "snoozed")] == [escalation]
    assert escalations.resolve(escalation, coach) == "snoozed"
    with pytest.raises(NotAllowed):
        escalations.resolve(escalation, coach)
    with pytest.raises(NotAllowed):
        escalations.claim(escalation, coach)
    assert [i.id for i in escalations.inbox(coach, "resolved")] == [escalation]
    assert escalations.inbox(coach) == []


def test_a_snooze_that_ran_out_is_waiting_again(team: int) -> None:
    coach = coach_of(team)
    escalation = new_escalation(team)
    escalations.snooze(escalation, coach, 1)
    later = utcnow() + timedelta(hours=2)
    waiting = escalations.inbox(coach, "waiting", now=later)
    assert [(i.id, i.status) for i in waiting] == [(escalation, "waiting")]
    assert escalations.inbox(coach, "snoozed", now=later) == []
    assert escalations.inbox_version(coach).waiting == 0
    assert escalations.inbox_version(coach, now=later).waiting == 1  # the live inbox sees it
    with pytest.raises(ValueError):
        escalations.snooze(escalation, coach, 0)


def test_urgent_first_then_the_longest_waiting(team: int) -> None:
    first = new_escalation(team)
    second = new_escalation(team)
    urgent = new_escalation(team, "urgent")
    assert [i.id for i in escalations.inbox(coach_of(team))] == [urgent, first, second]
    version = escalations.inbox_version(coach_of(team))
    assert (version.count, version.urgent, version.waiting) == (3, 1, 3) and version.newest


def test_a_coach_sees_only_the_own_team(team: int) -> None:
    other = new_team()
    escalation = new_escalation(team)
    outsider = coach_of(other)
    assert escalations.inbox(outsider) == []
    assert escalations.get(escalation, outsider) is None
    assert escalations.get(escalation, ADMIN) is not None
    with pytest.raises(LookupError):
        escalations.claim(escalation, outsider)
    with pytest.raises(LookupError):
        escalations.add_note(escalation, outsider, "hallo")
    assert escalations.get(escalation, coach_of(team)).item.status == "waiting"


def test_a_new_request_reopens_a_snoozed_escalation(team: int) -> None:
    sender = new_user(team)
    escalation = escalations.open_escalation(sender, "request")
    escalations.snooze(escalation, coach_of(team), 24)
    assert escalations.get(escalation, ADMIN).conversation_id == sender
    assert escalations.open_escalation(sender, "crisis", priority="urgent") == escalation
    item = escalations.get(escalation, ADMIN).item
    assert (item.status, item.priority, item.reason) == ("waiting", "urgent", "crisis")


def test_without_a_region_the_default_region_team_gets_it() -> None:
    nl_team = escalations_team_for_region("nl_NL")
    sender = f"unit-{uuid4().hex[:10]}"
    jobseekers.touch(sender, "rest")
    escalation = escalations.open_escalation(sender, "request")
    with session_scope() as session:
        assert session.get(CoachRequest, escalation).team_id == nl_team


def escalations_team_for_region(region: str) -> int:
    """The first team serving the region (made when the test database has none)."""
    with session_scope() as session:
        found = session.query(Team.id).filter(Team.region == region).order_by(Team.id).first()
    return int(found[0]) if found else new_team(region)


def test_labels_are_cleaned_and_checked(team: int) -> None:
    escalation = new_escalation(team)
    labels = escalations.set_labels(escalation, coach_of(team), [" Schulden ", "schulden", "zorg"])
    assert labels == ["schulden", "zorg"]
    bad_labels = (
        ["<script>"], ["x" * 40], [f"l{i}" for i in range(11)], ["bel 0612345678"],
        ["bsn111222333"], ["tel0612345678"],
    )  # fmt: skip
    for bad in bad_labels:
        with pytest.raises(ValueError):
            escalations.set_labels(escalation, coach_of(team), bad)


def test_notes_need_text(team: int) -> None:
    escalation = new_escalation(team)
    with pytest.raises(ValueError):
        escalations.add_note(escalation, coach_of(team), "   ")
    escalations.add_note(escalation, coach_of(team), "Belt morgen terug.")
    notes = escalations.get(escalation, coach_of(team)).notes
    assert [n.text for n in notes] == ["Belt morgen terug."]
