"""The coach dashboard over HTTP: login, CSRF, access, escaping, handoff order, audit, i18n."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select
from starlette.routing import Route
from starlette.testclient import TestClient

from bot.coach import live
from bot.coach.texts import translations
from bot.config import LOCALES_DIR
from bot.escalation import handoff
from bot.store import decisions, escalations, jobseekers, rasa_events
from bot.store.db import session_scope
from bot.store.models import AuditEntry, CoachRequest, utcnow
from bot.web.app import create_app
from tests.unit.coach_helpers import (
    FakeRasa,
    login,
    make_coach,
    make_escalation,
    make_team,
    post,
    session_csrf,
)

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def ensure_catalogues() -> None:
    """`make unit` compiles the catalogues; a bare pytest run compiles them here."""
    for po in LOCALES_DIR.glob("*/LC_MESSAGES/dashboard.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source))
    translations.cache_clear()


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(rasa_url="http://127.0.0.1:9")) as client:
        yield client


@pytest.fixture
def rasa(client: TestClient) -> FakeRasa:
    fake = FakeRasa()
    fake.install(client)
    return fake


@pytest.fixture
def team() -> tuple[int, str]:
    return make_team()


def logged_in(client: TestClient, team_id: int | None, role: str = "coach") -> int:
    coach_id, email = make_coach(team_id, role)
    assert login(client, email).status_code == 303
    return coach_id


def as_team_coach(client: TestClient, team: tuple[int, str]) -> tuple[int, str, str, str]:
    """A new escalation in the team, a coach of the team logged in: id, sender, csrf, its URL."""
    escalation, sender = make_escalation(team[1])
    logged_in(client, team[0])
    return escalation, sender, session_csrf(client), f"/coach/escalations/{escalation}"


def status_of(escalation_id: int) -> str:
    with session_scope() as session:
        return str(session.get(CoachRequest, escalation_id).status)


def test_login_sets_a_strict_cookie_and_logout_ends_the_session(
    client: TestClient, team: tuple[int, str]
) -> None:
    _, email = make_coach(team[0])
    answer = login(client, email)
    assert answer.status_code == 303 and answer.headers["location"] == "/coach/"
    cookie = answer.headers["set-cookie"].lower()
    assert "werkmaatje_coach=" in cookie and "httponly" in cookie
    assert "samesite=strict" in cookie and "path=/coach" in cookie
    page = client.get("/coach/")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert ' style="' not in page.text and "<script>" not in page.text
    csrf = session_csrf(client)
    assert post(client, "/coach/logout", csrf).status_code == 303
    assert client.get("/coach/", follow_redirects=False).status_code == 303


def test_wrong_password_then_rate_limit(client: TestClient, team: tuple[int, str]) -> None:
    _, email = make_coach(team[0])
    for _ in range(5):
        assert login(client, email, "wrong password!").status_code == 401
    assert login(client, email).status_code == 429
    with session_scope() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
    assert "login_failed" in actions


def test_login_needs_its_csrf_token(client: TestClient, team: tuple[int, str]) -> None:
    _, email = make_coach(team[0])
    client.get("/coach/login")
    data = {"email": email, "password": "x" * 12, "csrf": "forged"}
    assert client.post("/coach/login", data=data).status_code == 403


def test_next_is_only_a_local_path(client: TestClient) -> None:
    page = client.get("/coach/login?next=https://evil.example/coach/")
    assert 'name="next" value="/coach/"' in page.text
    answer = client.get("/coach/escalations/5", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/coach/login?next=/coach/escalations/5"


def coach_routes(client: TestClient) -> list[tuple[str, str]]:
    found = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, Route) or not route.path.startswith("/coach"):
            continue
        if route.path == "/coach/login":
            continue
        path = re.sub(r"\{escalation_id(:\w+)?\}", "1", route.path)
        path = re.sub(r"\{jobseeker_id(:\w+)?\}", "a" * 32, path)
        for method in sorted(route.methods or {"GET"}):
            if method != "HEAD":
                found.append((method, path))
    return found


def test_every_route_needs_a_login(client: TestClient) -> None:
    routes = coach_routes(client)
    assert len(routes) >= 18
    for method, path in routes:
        answer = client.request(method, path, follow_redirects=False)
        if method == "GET" and not path.endswith((".json", "events")):
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/coach/login?next=")
        else:
            assert answer.status_code == 401, (method, path)


def test_post_without_csrf_is_refused(
    client: TestClient, team: tuple[int, str], rasa: FakeRasa
) -> None:
    escalation, _ = make_escalation(team[1])
    logged_in(client, team[0])
    url = f"/coach/escalations/{escalation}/claim"
    assert client.post(url, follow_redirects=False).status_code == 403
    assert post(client, url, "wrong").status_code == 403
    headers = {"X-CSRF-Token": session_csrf(client)}
    assert client.post(url, headers=headers, follow_redirects=False).status_code == 303
    assert status_of(escalation) == "with_coach"


def test_another_team_gets_403(client: TestClient, team: tuple[int, str], rasa: FakeRasa) -> None:
    escalation, _ = make_escalation(team[1])
    other, _ = make_team()
    logged_in(client, other)
    csrf = session_csrf(client)
    base = f"/coach/escalations/{escalation}"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}/transcript.json").status_code == 403
    assert post(client, f"{base}/claim", csrf).status_code == 403
    assert post(client, f"{base}/reply", csrf, text="hoi").status_code == 403
    assert post(client, f"{base}/resolve", csrf).status_code == 403
    jobseeker = escalations.get(escalation, escalations.Viewer(0, "admin", None)).item
    assert client.get(f"/coach/jobseekers/{jobseeker.jobseeker_id}").status_code == 403
    assert rasa.calls == [] and status_of(escalation) == "waiting"
    rows = client.get("/coach/inbox.json").json()["rows"]
    assert escalation not in {row["id"] for row in rows}


def test_admin_sees_every_team(client: TestClient, team: tuple[int, str], rasa: FakeRasa) -> None:
    escalation, _ = make_escalation(team[1])
    logged_in(client, None, "admin")
    assert client.get(f"/coach/escalations/{escalation}").status_code == 200
    assert client.get("/coach/audit").status_code == 200
    html = client.get("/coach/").text
    assert f'data-escalation-id="{escalation}"' in html


def test_audit_is_for_admins_only(client: TestClient, team: tuple[int, str]) -> None:
    logged_in(client, team[0])
    assert client.get("/coach/audit").status_code == 403


def test_inbox_dom_contract(client: TestClient, team: tuple[int, str]) -> None:
    normal, _ = make_escalation(team[1])
    urgent, _ = make_escalation(team[1], "crisis", priority="urgent")
    logged_in(client, team[0])
    html = client.get("/coach/").text
    assert 'id="inbox"' in html and 'id="waiting-count"' in html and 'id="urgent-alert"' in html
    ids = [int(i) for i in re.findall(r'data-escalation-id="(\d+)"', html)]
    assert ids.index(urgent) < ids.index(normal)
    assert f'href="/coach/escalations/{urgent}"' in html
    assert 'data-priority="urgent" data-status="waiting"' in html and "Urgent" in html
    data = client.get("/coach/inbox.json?status=waiting").json()
    assert [r["id"] for r in data["rows"]][:2] == [urgent, normal]
    assert data["urgent"] == 1 and data["rows"][0]["waiting"].endswith("min")


def test_user_text_is_escaped_everywhere(
    client: TestClient, team: tuple[int, str], rasa: FakeRasa
) -> None:
    summary = json.dumps({"last_messages": XSS, "step": XSS[0], "progress": {}})
    escalation, _ = make_escalation(team[1], summary=summary)
    rasa.events = [{"event": "user", "text": XSS[1]}, {"event": "bot", "text": XSS[0]}]
    logged_in(client, team[0])
    csrf = session_csrf(client)
    base = f"/coach/escalations/{escalation}"
    assert post(client, f"{base}/note", csrf, text=" ".join(XSS)).status_code == 303
    labels = post(client, f"{base}/labels", csrf, labels=XSS[0])
    assert labels.status_code == 400 and "<script>" not in labels.text
    html = client.get(base).text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_claim_pauses_rasa_first(
    client: TestClient, team: tuple[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    escalation, sender = make_escalation(team[1])
    logged_in(client, team[0])
    csrf = session_csrf(client)
    order: list[str] = []

    async def take_over(_client: object, conversation_id: str, coach_name: str) -> None:
        assert (conversation_id, coach_name) == (sender, "Sanne")
        order.append(f"pause:{status_of(escalation)}")

    monkeypatch.setattr(handoff, "take_over", take_over)
    answer = post(client, f"/coach/escalations/{escalation}/claim", csrf)
    assert answer.status_code == 303 and "flash=claimed" in answer.headers["location"]
    assert order == ["pause:waiting"] and status_of(escalation) == "with_coach"


def test_failed_pause_changes_nothing(client: TestClient, team: tuple[int, str]) -> None:
    escalation, _ = make_escalation(team[1])
    FakeRasa(fail=True).install(client)
    logged_in(client, team[0])
    answer = post(client, f"/coach/escalations/{escalation}/claim", session_csrf(client))
    assert "flash=claim_failed" in answer.headers["location"]
    assert status_of(escalation) == "waiting"
    page = client.get(answer.headers["location"])
    assert "Overnemen lukte niet" in page.text


def test_reply_then_resolve_hands_back(
    client: TestClient, team: tuple[int, str], rasa: FakeRasa
) -> None:
    escalation, sender, csrf, base = as_team_coach(client, team)
    assert (
        "flash=not_with_coach"
        in post(client, f"{base}/reply", csrf, text="Hoi").headers["location"]
    )
    post(client, f"{base}/claim", csrf)
    page = client.get(base).text
    for form in ("reply-form", "handback-form", "snooze-form", "resolve-form", "note-form"):
        assert f'id="{form}"' in page
    assert 'id="canned"' in page and 'id="labels-form"' in page and 'id="assign-form"' in page
    assert post(client, f"{base}/reply", csrf, text="").status_code == 400
    assert post(client, f"{base}/reply", csrf, text="x" * 4001).status_code == 400
    secret = "Mijn geheime zin voor de werkzoekende"
    assert "flash=sent" in post(client, f"{base}/reply", csrf, text=secret).headers["location"]
    assert "flash=resolved" in post(client, f"{base}/resolve", csrf).headers["location"]
    pushes = [(path, body) for path, body in rasa.calls if path.startswith("/webhooks/")]
    paths = [path for path, _ in pushes]
    assert paths == ["/webhooks/push/pause", "/webhooks/push/send", "/webhooks/push/resume"]
    assert pushes[1][1]["coach_name"] == "Sanne" and pushes[1][1]["conversation_id"] == sender
    assert status_of(escalation) == "resolved"
    with session_scope() as session:
        entries = session.execute(
            select(AuditEntry).where(AuditEntry.target == f"escalation:{escalation}")
        ).scalars()
        rows = [(e.action, str(e.detail)) for e in entries]
    assert {"view_escalation", "claim", "reply", "resolve"} <= {a for a, _ in rows}
    assert all(secret not in detail for _, detail in rows)


def test_snooze_from_with_coach_resumes_with_the_snooze_response(
    client: TestClient, team: tuple[int, str], rasa: FakeRasa
) -> None:
    escalation, _, csrf, base = as_team_coach(client, team)
    post(client, f"{base}/claim", csrf)
    assert post(client, f"{base}/snooze", csrf, hours="5").status_code == 400
    assert "flash=snoozed" in post(client, f"{base}/snooze", csrf, hours="4").headers["location"]
    assert rasa.calls[-1] == (
        "/webhooks/push/resume",
        {
            "conversation_id": rasa.calls[0][1]["conversation_id"],
            "response": handoff.SNOOZE_RESPONSE,
        },
    )
    assert status_of(escalation) == "snoozed"


def test_handback_marks_first_then_resumes(
    client: TestClient, team: tuple[int, str], rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    escalation, _, csrf, base = as_team_coach(client, team)
    post(client, f"{base}/claim", csrf)
    seen: list[str] = []

    async def hand_back(_client: object, _cid: str, *_: object) -> None:
        seen.append(status_of(escalation))

    monkeypatch.setattr(handoff, "hand_back", hand_back)
    assert "flash=handed_back" in post(client, f"{base}/handback", csrf).headers["location"]
    assert seen == ["waiting"]


def test_assign_note_labels(client: TestClient, team: tuple[int, str], rasa: FakeRasa) -> None:
    escalation, _ = make_escalation(team[1])
    colleague, _ = make_coach(team[0])
    logged_in(client, team[0])
    csrf = session_csrf(client)
    base = f"/coach/escalations/{escalation}"
    assert (
        "flash=assigned"
        in post(client, f"{base}/assign", csrf, coach_id=str(colleague)).headers["location"]
    )
    outsider, _ = make_coach(make_team()[0])
    assert (
        "flash=not_allowed"
        in post(client, f"{base}/assign", csrf, coach_id=str(outsider)).headers["location"]
    )
    post(client, f"{base}/labels", csrf, labels="cv, Urgent-ish , cv")
    post(client, f"{base}/note", csrf, text="Belt morgen terug")
    found = escalations.get(escalation, escalations.Viewer(0, "admin", None))
    assert found.item.labels == ["cv", "urgent-ish"] and found.item.assigned_to == colleague
    assert [n.text for n in found.notes] == ["Belt morgen terug"]


def test_rasa_down_shows_a_message(client: TestClient, team: tuple[int, str]) -> None:
    escalation, _ = make_escalation(team[1])
    logged_in(client, team[0])
    page = client.get(f"/coach/escalations/{escalation}")
    assert page.status_code == 200 and 'id="transcript-error"' in page.text
    assert client.get(f"/coach/escalations/{escalation}/transcript.json").status_code == 502


def test_transcript_json_and_view(
    client: TestClient, team: tuple[int, str], rasa: FakeRasa
) -> None:
    escalation, _ = make_escalation(team[1])
    rasa.events = [
        {
            "event": "user",
            "text": "hoi",
            "parse_data": {"intent": {"name": "greet", "confidence": 0.9}},
        },
        {"event": "pause"},
        {"event": "bot", "text": "Hoi!", "metadata": {"sent_by": "coach", "coach_name": "Sanne"}},
    ]
    logged_in(client, team[0])
    data = client.get(f"/coach/escalations/{escalation}/transcript.json").json()
    assert [t["sender"] for t in data["turns"]] == ["user", "system", "coach"]
    assert data["turns"][1]["text"] == "Coach nam het gesprek over"
    assert (data["turns"][0]["intent"], data["turns"][0]["intent_name"]) == ("greet", "groet")
    html = client.get(f"/coach/escalations/{escalation}").text
    assert 'id="transcript"' in html and 'data-sender="coach"' in html
    assert "Herkend: groet (0.90)" in html and "greet" not in html


def test_no_transcript_once_retention_removed_it(
    client: TestClient, team: tuple[int, str], rasa: FakeRasa
) -> None:
    escalation, _ = make_escalation(team[1])
    rasa.events = [{"event": "user", "text": "mijn verhaal", "parse_data": {}}]
    logged_in(client, team[0])
    assert "mijn verhaal" in client.get(f"/coach/escalations/{escalation}").text
    with session_scope() as session:
        row = session.get(CoachRequest, escalation)
        assert row is not None
        row.status, row.summary, row.transcript_deleted_at = "resolved", None, utcnow()
    html = client.get(f"/coach/escalations/{escalation}").text
    assert 'id="transcript-deleted"' in html and "mijn verhaal" not in html
    data = client.get(f"/coach/escalations/{escalation}/transcript.json").json()
    assert data["turns"] == []


def test_jobseeker_view_with_chart(client: TestClient, team: tuple[int, str]) -> None:
    escalation, _ = make_escalation(team[1])
    item = escalations.get(escalation, escalations.Viewer(0, "admin", None)).item
    logged_in(client, team[0])
    page = client.get(f"/coach/jobseekers/{item.jobseeker_id}")
    assert page.status_code == 200 and "<svg" in page.text and 'class="bar"' in page.text
    assert "Niet gevraagd" in page.text and ' style="' not in page.text


def test_jobseeker_view_shows_the_decisions(client: TestClient, team: tuple[int, str]) -> None:
    escalation, sender = make_escalation(team[1])
    jobseekers.set_consent(sender, True)
    state = {
        "outcome": "agreed",
        "region": "nl_NL",
        "catalogue": "2026.11-1",
        "goal": "work",
        "shown": ["werkervaringsplek", "proefplaatsing"],
        "preferences": ["money"],
        "choice": "proefplaatsing",
        "next_what": "Bel <b>UWV</b>.",
        "next_on": "2026-12-01",
        "helper": "je zus",
    }
    decision = decisions.record(sender, state, None)
    assert decision is not None
    decisions.record_talk(sender, decision, "coach_asked")
    review = {
        "worked": "partly",
        "reasons": ["no_answer"],
        "reason_text": "<script>x</script> ze belden niet",
        "still_good": True,
        "next": "adjust",
    }
    decisions.record_review(sender, decision, review)
    item = escalations.get(escalation, escalations.Viewer(0, "admin", None)).item
    logged_in(client, team[0])
    html = client.get(f"/coach/jobseekers/{item.jobseeker_id}").text
    assert "Afspraken (Samen Beslissen)" in html and "Proefplaatsing" in html
    assert "dinsdag 1 december" in html and "Werkervaringsplek" in html
    assert "deels gelukt; in de weg: geen antwoord gekregen" in html and "Geëvalueerd" in html
    assert "past de stap aan" in html and "op vraag van de coach" in html
    assert "&lt;script&gt;x&lt;/script&gt; ze belden niet" in html and "<script>x" not in html
    assert "Bel &lt;b&gt;UWV&lt;/b&gt;." in html and "<b>UWV" not in html  # escaped


def test_english_for_an_english_coach(client: TestClient, team: tuple[int, str]) -> None:
    ensure_catalogues()
    make_escalation(team[1], priority="urgent")
    logged_in(client, team[0])
    csrf = session_csrf(client)
    assert "Uitloggen" in client.get("/coach/").text
    post(client, "/coach/locale", csrf, locale="en", next="/coach/")
    html = client.get("/coach/").text
    assert "Log out" in html and "Waiting" in html and "New urgent escalation" in html
    assert '<html lang="en">' in html


def test_newest_event_id_without_rasa_table() -> None:
    assert rasa_events.newest_event_id("someone") is None
    assert rasa_events.newest_event_id(None) is None


def test_static_files_never_use_inner_html() -> None:
    script = (Path(__file__).resolve().parents[2] / "bot/web/static/coach.js").read_text()
    for banned in ("innerHTML", "insertAdjacentHTML", "eval(", "outerHTML", "document.write"):
        assert banned not in script


def test_event_stream_sends_on_change_and_stops_on_disconnect() -> None:
    import asyncio

    class Request:
        def __init__(self) -> None:
            self.polls = 0

        async def is_disconnected(self) -> bool:
            self.polls += 1
            return self.polls > 3

    versions = iter([(1,), (1,), (2,)])

    async def check() -> tuple[tuple, dict]:
        version = next(versions)
        return version, {"count": version[0]}

    async def collect() -> list[str]:
        stream = live.changes(Request(), "inbox", check, interval=0, keepalive=999)  # type: ignore[arg-type]
        return [chunk async for chunk in stream]

    chunks = asyncio.run(collect())
    events = [c for c in chunks if c.startswith("event:")]
    assert events == [
        'event: inbox\ndata: {"count": 1}\n\n',
        'event: inbox\ndata: {"count": 2}\n\n',
    ]
