"""Ids in dashboard URLs and forms, and personal numbers hidden in labels."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from bot.store.db import session_scope
from bot.store.models import CoachRequest
from tests.unit.coach_helpers import (
    FakeRasa,
    app_client,
    login,
    make_coach,
    make_escalation,
    make_team,
    post,
    session_csrf,
)

NOT_IDS = [
    str(2**64 + 5),
    str(2**63),
    str(2**31),
    "9" * 40,
    "0",
    "-1",
    "007",
    "1e3",
    "\u0663",  # an Arabic-Indic three: str.isdigit() says yes
    "12abc",
]


@pytest.fixture
def admin() -> Iterator[tuple[TestClient, str]]:
    """An admin's browser (sees every team) and its session's CSRF token."""
    with app_client() as client:
        FakeRasa().install(client)
        _, email = make_coach(None, role="admin")
        assert login(client, email).status_code == 303
        yield client, session_csrf(client)


def id_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every dashboard route with an id in its path: (method, path with {id} to fill in)."""
    found = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and re.search(r"\{\w+_id(:\w+)?\}", route.path):
            path = re.sub(r"\{\w+_id(:\w+)?\}", "{id}", route.path)
            found += [(m, path) for m in sorted(route.methods or {"GET"}) if m != "HEAD"]
    return found


@pytest.mark.parametrize("bad", NOT_IDS)
def test_every_route_answers_404_to_what_cannot_be_an_id(
    admin: tuple[TestClient, str], bad: str
) -> None:
    client, csrf = admin
    routes = id_routes(client)
    assert len(routes) >= 14
    for method, path in routes:
        answer = client.request(
            method, path.format(id=bad), data={"csrf": csrf}, follow_redirects=False
        )
        assert answer.status_code == 404, (method, path, bad)


def test_the_largest_id_is_still_an_id(admin: tuple[TestClient, str]) -> None:
    client, _ = admin
    answer = client.get(f"/coach/escalations/{2**31 - 1}", follow_redirects=False)
    assert answer.status_code == 403  # a possible id that this coach may not see


def test_a_coach_id_in_a_form_out_of_range_is_a_bad_request(admin: tuple[TestClient, str]) -> None:
    client, csrf = admin
    escalation, _ = make_escalation(make_team()[1])
    for bad in (str(2**64), "\u0663", "-1"):
        answer = post(client, f"/coach/escalations/{escalation}/assign", csrf, coach_id=bad)
        assert answer.status_code == 400, bad
        answer = post(client, f"/coach/escalations/{escalation}/snooze", csrf, hours=bad)
        assert answer.status_code == 400, bad


@pytest.mark.parametrize(
    "label",
    [
        "bsn111222333",
        "klant-111222333",
        "tel0612345678",
        "x_0612345678",
        "ibannl91abna0417164300",
        "rrn85073003328",
        "kerkstraat12",
    ],
)
def test_labels_refuse_personal_numbers_inside_a_word(
    admin: tuple[TestClient, str], label: str
) -> None:
    client, csrf = admin
    escalation, _ = make_escalation(make_team()[1])
    answer = post(client, f"/coach/escalations/{escalation}/labels", csrf, labels=f"zorg,{label}")
    assert answer.status_code == 400
    with session_scope() as session:
        assert session.get(CoachRequest, escalation).labels == []


def test_ordinary_labels_with_numbers_still_work(admin: tuple[TestClient, str]) -> None:
    client, csrf = admin
    escalation, _ = make_escalation(make_team()[1])
    labels = "schulden, vmbo-4, week12, team-utrecht-2026, a1234567b"
    answer = post(client, f"/coach/escalations/{escalation}/labels", csrf, labels=labels)
    assert answer.status_code == 303
    with session_scope() as session:
        saved = session.get(CoachRequest, escalation).labels
    assert saved == ["schulden", "vmbo-4", "week12", "team-utrecht-2026", "a1234567b"]
