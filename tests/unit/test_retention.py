"""Retention: exactly the old things go, counted once, and Rasa still works.

Conversations are written and read back through Rasa's real SQL tracker store on the
test database. Other tests share the database, so the assertions are about our own
conversations, and about metrics only our rows produce (an intent, a channel and an
escalation reason made up per test run).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from uuid import uuid4

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select

from bot.privacy import retention
from bot.store import jobseekers
from bot.store.db import session_scope
from bot.store.models import (
    Coach,
    CoachRequest,
    CoachSession,
    EscalationNote,
    TelegramUpdate,
    UsageCount,
    utcnow,
)
from bot.store.pseudonym import pseudonym
from bot.store.rasa_events import EVENTS
from bot.store.tracker_store import WerkmaatjeTrackerStore

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
NOW = utcnow()
RUN = uuid4().hex[:6]
INTENT, CHANNEL, REASON = f"ret_{RUN}", f"ret-{RUN}", f"ret-{RUN}"
DAYS, ESCALATION_DAYS = 90, 30


@pytest.fixture(scope="module")
def store() -> WerkmaatjeTrackerStore:
    """Rasa's SQL tracker store on the test database (it creates the ``events`` table)."""
    return WerkmaatjeTrackerStore(domain=Domain.load(str(ROOT / "domain")))


def ago(days: float) -> float:
    return (NOW - timedelta(days=days)).timestamp()


def visit(days: float, said: str = "hoi") -> list[Event]:
    """One session as Rasa and our action_session_start write it.

    The start action and the AI disclosure come before ``session_started``, with a
    slightly earlier time; then the slots, a user message, an answer.
    """
    t = ago(days)
    return [
        ActionExecuted("action_session_start", timestamp=t),
        BotUttered("Ik ben een computerprogramma.", timestamp=t + 0.0001),
        SessionStarted(timestamp=t + 0.0002),
        SlotSet("region", "nl_NL", timestamp=t + 0.0003),
        ActionExecuted("action_listen", timestamp=t + 0.0004),
        UserUttered(
            said,
            intent={"name": INTENT, "confidence": 1.0},
            timestamp=t + 1,
            input_channel=CHANNEL,
        ),
        BotUttered("Hallo!", timestamp=t + 2),
        ActionExecuted("action_listen", timestamp=t + 2.001),
    ]


V = len(visit(0))  # events per visit


def save(store: WerkmaatjeTrackerStore, sender: str, events: list[Event]) -> None:
    tracker = DialogueStateTracker.from_events(sender, events, store.domain.slots)
    asyncio.run(store.save(tracker))


def stored(sender: str) -> list[float]:
    with session_scope() as session:
        query = select(EVENTS.c.timestamp).where(EVENTS.c.sender_id == sender)
        return sorted(session.scalars(query))


def user_texts(tracker: DialogueStateTracker | None) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


def counts() -> dict[tuple[str, str], int]:
    with session_scope() as session:
        rows = session.execute(select(UsageCount.period, UsageCount.metric, UsageCount.count))
        return {(period, metric): count for period, metric, count in rows}


def month(days: float) -> str:
    return (NOW - timedelta(days=days)).strftime("%Y-%m")


def escalation(resolved_days: float | None, created_days: float) -> int:
    """A backdated escalation of a new job-seeker, with a summary and a note."""
    sender = f"ret-{uuid4().hex[:10]}"
    jobseekers.touch(sender, "rest")
    with session_scope() as session:
        row = CoachRequest(
            jobseeker_id=pseudonym(sender),
            reason=REASON,
            status="resolved" if resolved_days is not None else "waiting",
            summary='{"last_messages": ["mijn schulden"]}',
            created_at=NOW - timedelta(days=created_days),
            resolved_at=NOW - timedelta(days=resolved_days) if resolved_days is not None else None,
        )
        session.add(row)
        session.flush()
        session.add(EscalationNote(escalation_id=row.id, text="Belt morgen terug."))
        return int(row.id)


def escalation_state(escalation_id: int) -> tuple[bool, int, bool]:
    """(summary kept, notes, marked as deleted)."""
    with session_scope() as session:
        row = session.get(CoachRequest, escalation_id)
        notes = session.scalar(
            select(func.count()).where(EscalationNote.escalation_id == escalation_id)
        )
        return row.summary is not None, notes, row.transcript_deleted_at is not None


@pytest.fixture(scope="module")
def world(store: WerkmaatjeTrackerStore) -> dict[str, object]:
    """Conversations and escalations of every age, written before any run."""
    senders = {name: f"ret-{name}-{uuid4().hex[:8]}" for name in ("aged", "straddle", "old")}
    senders["fresh"] = f"ret-fresh-{uuid4().hex[:8]}"
    senders["paused"] = f"ret-paused-{uuid4().hex[:8]}"
    # Two old visits, then a recent one: the old visits go, the recent one stays.
    save(store, senders["aged"], visit(200, "eerste") + visit(100, "tweede") + visit(10, "derde"))
    # A visit that began before the cut-off and went on after it stays whole.
    straddle = visit(120, "oud") + visit(91, "begin")
    straddle += [UserUttered("na de grens", timestamp=ago(89), input_channel=CHANNEL)]
    save(store, senders["straddle"], straddle + visit(1, "nu"))
    # Every event old: the whole conversation goes.
    save(store, senders["old"], visit(150, "lang geleden") + visit(95, "ook oud"))
    save(store, senders["fresh"], visit(3, "vers"))
    # The newest session is old but still going on (a coach had it): never cut.
    paused = [*visit(100, "help"), BotUttered("Een coach helpt je.", timestamp=ago(2))]
    save(store, senders["paused"], paused)
    escalations = {
        "old": escalation(resolved_days=40, created_days=100),
        "recent": escalation(resolved_days=5, created_days=45),
        "open": escalation(resolved_days=None, created_days=200),
    }
    return {"senders": senders, "escalations": escalations}


def test_a_dry_run_counts_and_changes_nothing(world: dict) -> None:
    senders = world["senders"]
    before = {name: stored(sender) for name, sender in senders.items()}
    usage_before = counts()
    report = retention.run(DAYS, ESCALATION_DAYS, dry_run=True, now=NOW)
    assert report.dry_run and report.events >= 2 * V + V + 2 * V
    assert report.counts[month(200), f"messages.user.intent.{INTENT}"] == 1
    assert report.counts[month(40), f"escalations.reason.{REASON}"] == 0  # counted by creation
    assert report.counts[month(100), f"escalations.reason.{REASON}"] == 1
    assert {name: stored(sender) for name, sender in senders.items()} == before
    assert counts() == usage_before
    assert escalation_state(world["escalations"]["old"]) == (True, 1, False)
    assert "would go" in "\n".join(report.lines())


def test_exactly_the_old_parts_go_and_are_counted_once(world: dict) -> None:
    senders, escalations = world["senders"], world["escalations"]
    usage_before = counts()
    cutoff = ago(DAYS)
    young_before = {s: [t for t in stored(s) if t >= cutoff] for s in senders.values()}

    report = retention.run(DAYS, ESCALATION_DAYS, now=NOW)

    aged = stored(senders["aged"])
    assert len(aged) == V and min(aged) >= ago(10)  # two visits went
    straddle = stored(senders["straddle"])
    assert len(straddle) == V + 1 + V and min(straddle) >= ago(91)  # "oud" went
    assert stored(senders["old"]) == []
    assert len(stored(senders["fresh"])) == V
    assert len(stored(senders["paused"])) == V + 1  # its one session started 100 days ago
    for sender, young in young_before.items():  # nothing younger than the cut-off went
        assert set(young) <= set(stored(sender))
    assert report.events >= 2 * V + V + 2 * V and report.conversations_emptied >= 1

    assert escalation_state(escalations["old"]) == (False, 0, True)
    assert escalation_state(escalations["recent"]) == (True, 1, False)
    assert escalation_state(escalations["open"]) == (True, 1, False)
    with session_scope() as session:
        kept = session.get(CoachRequest, escalations["old"])
        assert kept.reason == REASON and kept.status == "resolved"

    # The counts: only what went, by month, in the table exactly as reported.
    added = {key: n - usage_before.get(key, 0) for key, n in counts().items()}
    assert {key: n for key, n in added.items() if n} == dict(report.counts)
    intent = f"messages.user.intent.{INTENT}"
    channel = f"messages.user.channel.{CHANNEL}"
    for days, messages in ((200, 1), (150, 1), (120, 1), (100, 1), (95, 1)):
        assert added[month(days), intent] == report.counts[month(days), intent]
        assert report.counts[month(days), intent] >= messages
    mine = sum(n for (_, metric), n in report.counts.items() if metric == intent)
    assert mine == 5  # eerste, tweede, lang geleden, ook oud, oud
    assert sum(n for (_, metric), n in report.counts.items() if metric == channel) == 5
    assert report.counts[month(100), f"escalations.reason.{REASON}"] == 1
    for period, metric in counts():  # a month and a name: no ids, no text
        assert len(period) == 7 and metric.split(".")[0] in (
            "messages",
            "conversations",
            "escalations",
        )

    # A second run finds nothing more of ours and counts nothing twice.
    again = counts()
    second = retention.run(DAYS, ESCALATION_DAYS, now=NOW)
    assert not any(metric in (intent, channel) for _, metric in second.counts)
    assert second.counts[month(100), f"escalations.reason.{REASON}"] == 0
    assert {key: n for key, n in counts().items() if key[1] in (intent, channel)} == {
        key: n for key, n in again.items() if key[1] in (intent, channel)
    }
    assert len(stored(senders["aged"])) == V


def test_a_conversation_whose_old_part_went_still_loads_and_goes_on(
    world: dict, store: WerkmaatjeTrackerStore
) -> None:
    sender = world["senders"]["aged"]
    retention.run(DAYS, ESCALATION_DAYS, now=NOW)
    tracker = asyncio.run(store.retrieve(sender))
    assert user_texts(tracker) == ["derde"] and tracker.get_slot("region") == "nl_NL"
    full = asyncio.run(store.retrieve_full_tracker(sender))
    assert user_texts(full) == ["derde"]
    # The kept session keeps its first rows: the start action and the AI disclosure.
    assert full.events[0] == ActionExecuted("action_session_start")
    assert full.events[1].text == "Ik ben een computerprogramma."
    # The conversation goes on: Rasa appends only the new events, no duplicates.
    tracker.update(UserUttered("verder", timestamp=NOW.timestamp(), input_channel=CHANNEL))
    tracker.update(BotUttered("Goed zo.", timestamp=NOW.timestamp() + 1))
    asyncio.run(store.save(tracker))
    loaded = asyncio.run(store.retrieve(sender))
    assert user_texts(loaded) == ["derde", "verder"]
    assert len(stored(sender)) == V + 2
    # A conversation deleted entirely starts afresh.
    assert asyncio.run(store.retrieve(world["senders"]["old"])) is None


def test_short_lived_rows_go_too() -> None:
    old_update, new_update = (int(uuid4().int % 10**12) for _ in range(2))
    with session_scope() as session:
        three_days_ago = NOW - timedelta(days=3)
        session.add_all(
            [
                TelegramUpdate(update_id=old_update, handled_at=three_days_ago),
                TelegramUpdate(update_id=new_update, handled_at=NOW),
            ]
        )
        coach = Coach(email=f"{RUN}-{uuid4().hex[:6]}@example.org", name="R", password_hash="x")
        session.add(coach)
        session.flush()
        for key, expires in (
            ("gone", NOW - timedelta(hours=1)),
            ("kept", NOW + timedelta(hours=1)),
        ):
            session.add(
                CoachSession(
                    id=f"{key}-{uuid4().hex}"[:64],
                    coach_id=coach.id,
                    csrf_token="t",
                    expires_at=expires,
                )
            )
        coach_id = coach.id
    dry = retention.run(DAYS, ESCALATION_DAYS, dry_run=True, now=NOW)
    assert dry.telegram_updates >= 1 and dry.coach_sessions >= 1
    report = retention.run(DAYS, ESCALATION_DAYS, now=NOW)
    assert report.telegram_updates >= 1 and report.coach_sessions >= 1
    with session_scope() as session:
        assert session.get(TelegramUpdate, old_update) is None
        assert session.get(TelegramUpdate, new_update) is not None
        left = session.scalars(select(CoachSession.id).where(CoachSession.coach_id == coach_id))
        assert [key.split("-")[0] for key in left] == ["kept"]


def test_periods_are_checked() -> None:
    with pytest.raises(ValueError):
        retention.run(0, ESCALATION_DAYS)
    last_minute = datetime(2026, 1, 31, 23, 59, tzinfo=timezone.utc)
    assert retention.period_of(last_minute) == "2026-01"
    assert retention.period_of(last_minute.replace(tzinfo=None)) == "2026-01"  # SQLite: naive UTC
    assert retention.period_of(last_minute.timestamp() + 60) == "2026-02"


def test_the_command_prints_counts_only(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["retention", "--dry-run", "--event-days", "90"]) == 0
    out = capsys.readouterr().out
    assert "Dry run: nothing was deleted." in out and "conversation events" in out
    assert "hoi" not in out and "schulden" not in out and RUN not in out
    assert main(["retention", "--event-days", "0"]) == 2
