"""Right of access: the export holds everything about one job-seeker, and nobody else."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import export, links
from bot.store.tracker_store import WerkmaatjeTrackerStore
from tests.privacy_data import Person, new_person, populate

pytestmark = pytest.mark.postgres


def store_conversation(person: Person) -> None:
    """Two sessions in Rasa's own ``events`` table, written by the real tracker store."""
    store = WerkmaatjeTrackerStore()
    tracker = DialogueStateTracker.from_events(
        person.sender_id,
        [
            SessionStarted(),
            UserUttered(f"ik heet {person.secret}"),
            BotUttered("Dag!"),
            SessionStarted(),
            UserUttered("hoi weer"),
        ],
    )
    asyncio.run(store.save(tracker))


def test_export_holds_every_table_of_this_user_only() -> None:
    person, other = populate(new_person()), populate(new_person())
    store_conversation(person)
    store_conversation(other)
    data = export.collect(person.sender_id)
    assert data is not None
    assert (data["format"], data["version"]) == (export.FORMAT, export.VERSION)
    assert data["jobseeker"]["id"] == person.jobseeker_id
    assert data["jobseeker"]["consent"] is True and data["jobseeker"]["region"] == "nl_BE"
    assert data["jobseeker"]["consent_changed_at"].endswith("+00:00")
    assert data["identities"] == [{"channel": "telegram", "sender_id": person.sender_id}]
    assert [e["kind"] for e in data["progress_events"]] == ["onboarded"]
    assert data["decisions"][0]["next_step"] == f"Bellen met {person.secret}"
    assert data["decisions"][0]["next_step_on"] == "2030-01-02"
    assert data["exercise_attempts"][0]["score"] == 67
    escalation = data["escalations"][0]
    assert escalation["id"] == person.escalation_id
    assert escalation["notes"][0]["coach"] == "Anna"  # first name only
    assert escalation["notes"][0]["text"] == f"Let op {person.secret}"
    assert [(a["action"], a["coach"]) for a in data["audit"]] == [
        ("view_jobseeker", "Anna"),
        ("view_escalation", "Anna"),
    ]
    assert data["telegram"][0]["chat_id"] == str(person.chat_id)
    texts = [(m["session"], m["from"], m["text"]) for m in data["conversation"]]
    assert texts == [
        (1, "user", f"ik heet {person.secret}"),
        (1, "bot", "Dag!"),
        (2, "user", "hoi weer"),
    ]
    raw = export.to_json(data).decode()
    assert json.loads(raw) == data
    for needle in other.needles():
        assert needle not in raw


def test_summary_is_plain_dutch_with_the_conversation() -> None:
    person = populate(new_person())
    store_conversation(person)
    data = export.collect(person.sender_id)
    assert data is not None
    summary = export.summary_text(data, "nl_BE")
    assert "Je woont in: Vlaanderen" in summary
    assert f"Jij: ik heet {person.secret}" in summary
    assert "Werkmaatje: Dag!" in summary
    assert "Anna keek naar je overzicht" in summary and "view_jobseeker" not in summary
    chat = export.chat_summary(data, "nl_BE")
    assert "Van ons gesprek heb ik 3 berichten." in chat
    assert "Ik heb 1 stap van je bewaard." in chat
    names = [name for name, _ in export.files(data)]
    assert names == ["werkmaatje-gegevens.txt", "werkmaatje-gegevens.json"]


def test_unknown_user_has_no_export() -> None:
    assert export.collect(new_person().sender_id) is None


def test_download_token_reveals_nothing_and_cannot_be_forged() -> None:
    person = populate(new_person())
    since = "2030-01-02T03:04:05+00:00"
    token = links.export_token(person.sender_id, since)
    for needle in person.needles():
        assert needle not in token
    assert links.read_token(token) == links.Grant(person.jobseeker_id, since)
    forged = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    assert links.read_token(forged) is links.Refused.FORGED
    assert links.read_token("not-a-token") is links.Refused.FORGED
    assert links.read_token(token + ".png") is links.Refused.FORGED
    assert links.read_token(token, ttl_s=-1) is links.Refused.EXPIRED
