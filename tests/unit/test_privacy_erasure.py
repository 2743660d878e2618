"""Right to erasure: after it, nothing in any table names the user; others keep their rows."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot.privacy import erasure
from bot.store import coaches
from bot.store.db import session_scope
from bot.store.models import AuditEntry
from bot.store.rasa_events import newest_event_id
from bot.store.tracker_store import ERASURE_ACTION, ERASURE_DONE, WerkmaatjeTrackerStore
from tests.privacy_data import leftovers, new_person, populate, rows_of

pytestmark = pytest.mark.postgres


def conversation(sender_id: str, secret: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender_id, [SessionStarted(), UserUttered(f"mijn code is {secret}"), BotUttered("Oké.")]
    )


def test_erasure_leaves_nothing_in_any_table_and_spares_others() -> None:
    person, other = populate(new_person()), populate(new_person())
    store = WerkmaatjeTrackerStore()
    asyncio.run(store.save(conversation(person.sender_id, person.secret)))
    asyncio.run(store.save(conversation(other.sender_id, other.secret)))
    assert leftovers(person.needles())  # the scan does find them before

    counts = erasure.erase(person.sender_id)

    assert leftovers(person.needles()) == []
    assert counts["jobseekers"] == 1 and counts["events"] == 3
    assert counts["escalation_notes"] == 1 and counts["telegram_chats"] == 1
    assert counts["telegram_updates"] == 1 and counts["audit_cleared"] == 2
    entry = last_erasure()
    assert entry is not None and entry.target is None and entry.coach_id is None
    assert entry.detail == {"by": "user", "rows": counts}
    # The other user is untouched.
    assert rows_of(other.jobseeker_id)
    assert len(leftovers([other.secret, str(other.chat_id)])) >= 5
    assert newest_event_id(other.sender_id) is not None


def last_erasure() -> AuditEntry | None:
    with session_scope() as session:
        return session.scalars(
            select(AuditEntry).where(AuditEntry.action == "erasure").order_by(AuditEntry.id.desc())
        ).first()


def test_admin_erasure_by_pseudonym_is_audited_with_the_coach() -> None:
    person = populate(new_person())
    admin = coaches.create_coach(
        f"{uuid4().hex[:8]}@example.org", "Bea", "correct horse battery", "admin"
    )
    counts = erasure.erase(None, person.jobseeker_id, by_coach=admin)
    assert counts["channel_identities"] == 1 and counts["jobseekers"] == 1
    assert leftovers(person.needles()) == []
    entry = last_erasure()
    assert entry is not None and entry.coach_id == admin
    assert entry.detail == {"by": "admin", "rows": counts}


def test_tracker_store_never_writes_back_an_erased_conversation() -> None:
    person = new_person()
    store = WerkmaatjeTrackerStore()
    tracker = conversation(person.sender_id, person.secret)
    asyncio.run(store.save(tracker))
    assert newest_event_id(person.sender_id) is not None
    tracker.update(UserUttered("ja"))
    tracker.update(ActionExecuted(ERASURE_ACTION))
    tracker.update(BotUttered("Ik heb alles gewist.", metadata={"utter_action": ERASURE_DONE}))
    asyncio.run(store.save(tracker))
    assert newest_event_id(person.sender_id) is None
    assert asyncio.run(store.retrieve(person.sender_id)) is None
    # A new conversation afterwards is stored as usual.
    asyncio.run(store.save(conversation(person.sender_id, "opnieuw")))
    assert newest_event_id(person.sender_id) is not None


def test_a_failed_erasure_action_keeps_the_conversation() -> None:
    """Rasa logs an action as run even when the action server failed: rows are still there."""
    person = new_person()
    store = WerkmaatjeTrackerStore()
    tracker = conversation(person.sender_id, person.secret)
    tracker.update(UserUttered("ja"))
    tracker.update(ActionExecuted(ERASURE_ACTION))  # no "done" reply: it failed
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(BotUttered("Iets anders.", metadata={"utter_action": ERASURE_DONE}))
    asyncio.run(store.save(tracker))
    stored = asyncio.run(store.retrieve(person.sender_id))
    assert stored is not None and len(stored.events) == len(tracker.events)


@pytest.mark.parametrize(
    "text", ["wis de voicemail", "verwijder alle spamberichten", "verwijder al mijn wekkers"]
)
def test_a_request_for_another_assistant_is_no_erasure_request(text: str) -> None:
    from bot.privacy.erasure_request import is_explicit_erasure_request

    assert not is_explicit_erasure_request(text)
