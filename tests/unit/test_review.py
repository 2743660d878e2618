"""The learning loop: which messages are listed, labelling, the admin's review and export,
erasure, and who may do what."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.loading import load_data
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.coach import review as coach_review
from bot.privacy import erasure
from bot.store import escalations, jobseekers, review
from bot.store.db import session_scope
from bot.store.models import AuditEntry
from bot.store.pseudonym import pseudonym
from bot.store.review import ReviewLabel
from bot.store.tracker_store import WerkmaatjeTrackerStore
from bot.web.app import create_app
from tests.unit.coach_helpers import login, make_coach, make_team, post, session_csrf, unique
from tests.unit.test_coach_web import ensure_catalogues

ADMIN = escalations.Viewer(0, "admin", None)
DAY = 24 * 3600


@pytest.fixture
def client() -> Iterator[TestClient]:
    ensure_catalogues()
    with TestClient(create_app(rasa_url="http://127.0.0.1:9")) as client:
        yield client


def jobseeker(invite_code: str, consent: bool | None = True) -> str:
    """A job-seeker of the invite code's team; returns the Rasa conversation id."""
    sender = unique("sender")
    jobseekers.touch(sender, "rest", "nl_NL")
    assert escalations.join_team(sender, invite_code)
    if consent is not None:
        jobseekers.set_consent(sender, consent)
    return sender


def said(
    text: str, intent: str, confidence: float, ranking: list[str] | None = None, at: float = 0
) -> UserUttered:
    """A user message as the NLU pipeline parsed it (``ranking``: the intents after the top)."""
    top = {"name": intent, "confidence": confidence}
    others = [{"name": name, "confidence": confidence / 2} for name in ranking or []]
    parse = {"text": text, "intent": top, "intent_ranking": [top, *others], "entities": []}
    return UserUttered(text, top, [], parse, timestamp=at or time.time())


def store(sender: str, *events: Event) -> list[int]:
    """Store the events as Rasa does (masked); returns the ids of the user events.

    In a thread of its own: a browser test's event loop may be running in this one.
    """
    with ThreadPoolExecutor(1) as pool:
        pool.submit(_save, sender, events).result()
    with session_scope() as session:
        rows = session.execute(
            select(review.EVENTS.c.id)
            .where(review.EVENTS.c.sender_id == sender, review.EVENTS.c.type_name == "user")
            .order_by(review.EVENTS.c.id)
        )
        return [int(row[0]) for row in rows]


def _save(sender: str, events: tuple[Event, ...]) -> None:
    tracker_store = WerkmaatjeTrackerStore()
    tracker = asyncio.run(tracker_store.retrieve(sender)) or DialogueStateTracker.from_events(
        sender, [SessionStarted(timestamp=time.time() - 200 * DAY)]
    )
    for event in events:
        tracker.update(event)
    asyncio.run(tracker_store.save(tracker))


def listed(viewer: escalations.Viewer) -> dict[int, review.Item]:
    return {item.event_id: item for item in review.to_label(viewer, limit=10_000)}


def team_coach(team_id: int) -> escalations.Viewer:
    return escalations.Viewer(make_coach(team_id)[0], "coach", team_id)


@pytest.mark.postgres  # the JSON path on the events table differs per database
def test_fallbacks_and_unsure_messages_of_consenting_jobseekers_are_listed_masked() -> None:
    team_id, code = make_team()
    sender = jobseeker(code)
    old = time.time() - 100 * DAY  # beyond RETENTION_EVENT_DAYS (90)
    fallback, unsure, sure, button, then_fallback, too_old = store(
        sender,
        said("hoe zit dat met mijn uitkering", "nlu_fallback", 0.55, ["ask_rules"]),
        said("bel me op 0612345678 ofzo", "request_coach", 0.61),
        said("hallo", "greet", 0.98),
        said("/greet", "greet", 0.4),
        said("dat snap ik niet goed", "not_understood", 0.9),
        ActionExecuted("action_default_fallback"),
        said("oud bericht", "nlu_fallback", 0.55, at=old),
    )
    items = listed(team_coach(team_id))
    assert fallback in items and unsure in items and then_fallback in items
    assert sure not in items and button not in items and too_old not in items
    assert items[fallback].fallback and items[fallback].predicted == "ask_rules"
    assert items[then_fallback].fallback and not items[unsure].fallback
    assert items[unsure].text == "bel me op [telefoon] ofzo"
    assert items[unsure].confidence == pytest.approx(0.61)
    assert items[fallback].jobseeker_id == pseudonym(sender)


def test_without_consent_or_from_another_team_nothing_is_listed() -> None:
    team_id, code = make_team()
    other_team, other_code = make_team()
    ids = [
        *store(jobseeker(code, consent=False), said("iets vreemds", "nlu_fallback", 0.55)),
        *store(jobseeker(code, consent=None), said("nog iets vreemds", "nlu_fallback", 0.55)),
    ]
    (other,) = store(jobseeker(other_code), said("wat vreemd", "nlu_fallback", 0.55))
    mine = listed(team_coach(team_id))
    assert not set(ids) & set(mine) and other not in mine
    assert other in listed(team_coach(other_team)) and other in listed(ADMIN)
    assert not set(ids) & set(listed(ADMIN))


@pytest.mark.postgres  # the JSON path on the events table differs per database
def test_the_threshold_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    team_id, code = make_team()
    (unsure,) = store(jobseeker(code), said("misschien wel", "affirm", 0.65))
    viewer = team_coach(team_id)
    assert review.threshold() == review.DEFAULT_THRESHOLD and unsure in listed(viewer)
    monkeypatch.setenv("REVIEW_CONFIDENCE_THRESHOLD", "0.6")
    assert unsure not in listed(viewer)


def test_offered_intents_are_the_domains_that_the_classifier_learns() -> None:
    offered = coach_review.offered_intents()
    assert {"greet", "request_coach", "ask_rules"} <= set(offered)
    assert not {"distress", "menu", "other_language", "nlu_fallback"} & set(offered)
    assert set(offered) <= coach_review.domain_intents()


def as_coach(client: TestClient, team_id: int | None, role: str = "coach") -> str:
    _, email = make_coach(team_id, role)
    assert login(client, email).status_code == 303
    return session_csrf(client)


def test_a_coach_labels_in_one_click_and_the_audit_has_no_text(client: TestClient) -> None:
    team_id, code = make_team()
    sender = jobseeker(code)
    first, second = store(
        sender,
        said("kan ik hier een cv maken", "nlu_fallback", 0.55, ["start_exercise"]),
        said("geen idee wat dit is", "out_of_scope", 0.5),
    )
    csrf = as_coach(client, team_id)
    page = client.get("/coach/review")
    assert page.status_code == 200 and "kan ik hier een cv maken" in page.text
    assert f'data-event-id="{first}"' in page.text and sender not in page.text

    answer = post(client, "/coach/review/label", csrf, event_id=first, intent="start_exercise")
    assert answer.status_code == 303 and "flash=labelled" in answer.headers["location"]
    post(client, "/coach/review/label", csrf, event_id=second, intent="greet", new_topic="1")
    assert f'data-event-id="{first}"' not in client.get("/coach/review").text

    with session_scope() as session:
        labels = {
            row.event_id: row
            for row in session.scalars(
                select(ReviewLabel).where(ReviewLabel.event_id.in_([first, second]))
            )
        }
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.target.in_([f"review:{first}", f"review:{second}"]))
        ).all()
    assert labels[first].intent == "start_exercise" and labels[second].intent is None
    assert labels[first].labelled_by is not None and labels[first].labelled_at is not None
    assert {(a.action, a.detail["intent"]) for a in audit} == {
        ("review_label", "start_exercise"),
        ("review_label", "new_topic"),
    }
    assert all("cv" not in str(a.detail) for a in audit)


def test_labels_must_be_offered_intents_of_visible_messages(client: TestClient) -> None:
    team_id, code = make_team()
    _, other_code = make_team()
    (mine,) = store(jobseeker(code), said("huh", "nlu_fallback", 0.55))
    (theirs,) = store(jobseeker(other_code), said("hè", "nlu_fallback", 0.55))
    csrf = as_coach(client, team_id)
    refused = post(client, "/coach/review/label", csrf, event_id=mine, intent="distress")
    other = post(client, "/coach/review/label", csrf, event_id=theirs, intent="greet")
    assert "flash=gone" in refused.headers["location"] and "flash=gone" in other.headers["location"]
    with session_scope() as session:
        assert not session.scalars(
            select(ReviewLabel).where(ReviewLabel.event_id.in_([mine, theirs]))
        ).all()


def test_only_admins_review_and_export(client: TestClient) -> None:
    team_id, _ = make_team()
    csrf = as_coach(client, team_id)
    assert client.get("/coach/review/labelled").status_code == 403
    assert post(client, "/coach/review/export", csrf).status_code == 403
    assert (
        post(client, "/coach/review/decide", csrf, label_id=1, decision="accept").status_code == 403
    )


def labelled(viewer: escalations.Viewer, *pairs: tuple[int, str | None]) -> list[int]:
    """Label each event; returns the label ids."""
    for event_id, intent in pairs:
        assert review.label(viewer, event_id, intent)
    with session_scope() as session:
        return [
            int(session.scalars(select(ReviewLabel.id).where(ReviewLabel.event_id == e)).one())
            for e, _ in pairs
        ]


def test_the_admin_accepts_and_exports_valid_training_data(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEW_EXPORT_DIR", str(tmp_path))
    team_id, code = make_team()
    viewer = team_coach(team_id)
    phrase = unique("kan ik een sollicitatiebrief oefenen")
    events = store(
        jobseeker(code),
        said(phrase, "nlu_fallback", 0.55),
        said("bel me op 0612345678", "request_coach", 0.5),
        said("Hallo!", "greet", 0.5),  # already in data/nlu
        said(unique("waar is de dichtstbijzijnde bieb"), "out_of_scope", 0.4),
        said(unique("verkeerd label"), "greet", 0.4),
    )
    ok, placeholder, duplicate, topic, rejected = labelled(
        viewer,
        (events[0], "start_exercise"),
        (events[1], "request_coach"),
        (events[2], "greet"),
        (events[3], None),
        (events[4], "thanks"),
    )
    csrf = as_coach(client, None, role="admin")
    page = client.get("/coach/review/labelled")
    assert page.status_code == 200 and phrase in page.text
    for label_id in (ok, placeholder, duplicate, topic):
        post(client, "/coach/review/decide", csrf, label_id=label_id, decision="accept")
    post(client, "/coach/review/decide", csrf, label_id=rejected, decision="reject")

    answer = post(client, "/coach/review/export", csrf)
    assert answer.status_code == 303 and "flash=exported" in answer.headers["location"]
    (written,) = tmp_path.glob("*.yml")
    assert written.name.startswith(time.strftime("%Y-"))
    data = load_data(str(written))
    examples = {(m.get("text"), m.get("intent")) for m in data.intent_examples}
    assert (phrase, "start_exercise") in examples
    texts = {text for text, _ in examples}
    assert not any("[" in text for text in texts)
    assert "Hallo!" not in texts and not any("verkeerd label" in t for t in texts)
    assert not any("bieb" in t for t in texts)
    assert "bieb" in client.get("/coach/review/labelled").text  # listed for the team

    with session_scope() as session:
        status = dict(
            session.execute(
                select(ReviewLabel.id, ReviewLabel.status).where(
                    ReviewLabel.id.in_([ok, placeholder, duplicate, rejected])
                )
            ).all()
        )
        actions = set(session.scalars(select(AuditEntry.action)))
    assert status == {
        ok: "exported",
        placeholder: "skipped",
        duplicate: "duplicate",
        rejected: "rejected",
    }
    assert {"review_accept", "review_reject", "review_export"} <= actions
    again = post(client, "/coach/review/export", csrf)
    assert "flash=nothing" in again.headers["location"] and len(list(tmp_path.glob("*"))) == 1


def test_an_export_never_repeats_known_examples(tmp_path: Path) -> None:
    known = tmp_path / "known.yml"
    known.write_text(
        'version: "3.1"\nnlu:\n- intent: inform\n  examples: |\n    - ik woon in [Utrecht](city)\n'
    )
    assert review.normalised("Ik woon in  Utrecht!") in review.known_examples([known])
    assert review.normalised("hallo") in review.known_examples([review.NLU_DIR])


@pytest.mark.postgres  # erasure, on PostgreSQL too
def test_erasure_removes_the_jobseekers_labels() -> None:
    team_id, code = make_team()
    sender = jobseeker(code)
    (event,) = store(sender, said("snap er niks van", "nlu_fallback", 0.55))
    labelled(team_coach(team_id), (event, "not_understood"))
    counts = erasure.erase(sender_id=sender)
    assert counts["review_labels"] == 1
    with session_scope() as session:
        assert (
            session.scalars(select(ReviewLabel).where(ReviewLabel.event_id == event)).first()
            is None
        )


def test_english_coaches_read_english(client: TestClient) -> None:
    team_id, _ = make_team()
    _, email = make_coach(team_id, locale="en")
    assert login(client, email).status_code == 303
    text = client.get("/coach/review").text
    assert "What the bot did not understand" in text and ">Learning<" in text
