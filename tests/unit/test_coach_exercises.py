"""The job-seeker page's digital-skills section: summary, chart, attempts, access, English."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import pairwise

import pytest
from starlette.testclient import TestClient

from bot.coach.charts import TRACK, competence_bars, competence_chart_height
from bot.coach.exercises import attempt_row, duration, exercises_view
from bot.coach.texts import format_moment
from bot.exercises.catalogue import Exercise, catalogue
from bot.exercises.progress import CompetenceProgress
from bot.store import escalations, exercises, jobseekers
from bot.store.exercises import Attempt
from bot.web.app import create_app
from tests.unit.coach_helpers import make_escalation, make_team, post, session_csrf
from tests.unit.test_coach_web import ensure_catalogues, logged_in

REGION = "nl_NL"
START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(rasa_url="http://127.0.0.1:9")) as client:
        yield client


@pytest.fixture
def team() -> tuple[int, str]:
    return make_team()


def two_of_one_competence() -> tuple[Exercise, Exercise]:
    """The first two exercises (easiest first) that train the same competence."""
    offered = catalogue(REGION).exercises
    for first in offered:
        same = [e for e in offered if e.competence == first.competence and e is not first]
        if same:
            return first, same[0]
    raise AssertionError("no competence with two exercises in the catalogue")


def attempt(
    exercise: Exercise, score: int, passed: bool, finished: bool, minutes: int, seconds: int
) -> Attempt:
    questions = len(exercise.questions_for(REGION))
    correct = round(questions * score / 100)
    return Attempt(
        exercise_id=exercise.id,
        exercise_version=exercise.version,
        region=REGION,
        competence=exercise.competence,
        level=exercise.level,
        questions=questions,
        correct=correct,
        first_try=correct,
        skipped=0 if finished else 1,
        answers=correct + 2,
        score=score,
        passed=passed,
        finished=finished,
        seconds=seconds,
        started_at=START + timedelta(minutes=minutes),
        created_at=START + timedelta(minutes=minutes, seconds=seconds),
    )


def seeker_with_attempts(invite_code: str) -> tuple[str, list[Attempt]]:
    """A job-seeker of the team, with consent, who passed one exercise, failed one, stopped one."""
    escalation, sender = make_escalation(invite_code)
    jobseekers.set_consent(sender, True)
    passed_one, other = two_of_one_competence()
    attempts = [
        attempt(passed_one, 100, True, True, 0, 187),
        attempt(other, 25, False, True, 10, 240),
        attempt(other, 0, False, False, 20, 45),
    ]
    for item in attempts:
        assert exercises.record(sender, item)
    return jobseeker_of(escalation), attempts


def jobseeker_of(escalation: int) -> str:
    return escalations.get(escalation, escalations.Viewer(0, "admin", None)).item.jobseeker_id


def skills_chart(html: str) -> ET.Element:
    found = re.search(r'<svg class="chart skills".*?</svg>', html, re.S)
    assert found, "no competence chart on the page"
    return ET.fromstring(found.group(0))


def attempt_cells(html: str) -> list[list[str]]:
    found = re.search(r'<table class="attempts">.*?</table>', html, re.S)
    assert found, "no attempts table on the page"
    table = ET.fromstring(found.group(0))
    return [["".join(td.itertext()).strip() for td in tr] for tr in table.iter("tr")][1:]


def test_the_section_shows_summary_chart_and_attempts(
    client: TestClient, team: tuple[int, str]
) -> None:
    jobseeker_id, attempts = seeker_with_attempts(team[1])
    passed_one, other = two_of_one_competence()
    logged_in(client, team[0])
    answer = client.get(f"/coach/jobseekers/{jobseeker_id}")
    assert answer.status_code == 200
    html = answer.text
    assert ' style="' not in html and "<script>" not in html
    # After the decisions, before the weekly chart.
    section = html.index("Digitale vaardigheden (oefeningen)")
    assert html.index("Afspraken (Samen Beslissen)") < section < html.index("Voortgang per week")
    offered = catalogue(REGION)
    total = len(offered.competences)
    # Two different exercises done (the stopped one does not count), one passed.
    assert f"Oefeningen gedaan: 2, gehaald: 1. Badges: 1 van {total}." in html

    # The attempts, newest first.
    rows = attempt_cells(html)
    assert [row[1] for row in rows] == [other.title, other.title, passed_one.title]
    assert [row[-1] for row in rows] == ["halverwege gestopt", "niet gehaald", "gehaald"]
    questions = attempts[0].questions
    assert rows[2][2:9] == [
        passed_one.competence,
        str(passed_one.level),
        "100%",
        f"{questions}/{questions}",
        "0",
        str(questions + 2),
        "3:07",
    ]
    assert rows[1][4] == "25%" and rows[1][8] == "4:00"
    assert rows[0][4] == "0%" and rows[0][6] == "1" and rows[0][8] == "0:45"
    assert rows[2][0] == format_moment(attempts[0].created_at, "nl")

    # The chart: one bar per competence of the region, width = passed / offered.
    svg = skills_chart(html)
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "skills-title"
    assert svg.find("title").text == (
        f"Oefeningen gehaald per DigComp-competentie: 1 van {total} badges behaald."
    )
    groups = svg.findall("g")
    assert [g.get("data-code") for g in groups] == [c.code for c in offered.competences]
    for group in groups:
        code = group.get("data-code")
        offered_here = [e for e in offered.exercises if e.competence == code]
        track = group.find("rect[@class='track']")
        bar = group.find("rect[@class='bar']")
        earned = code == passed_one.competence
        done = 1 if earned else 0
        assert int(track.get("width")) == TRACK
        assert int(bar.get("width")) == round(TRACK * done / len(offered_here))
        value = "".join(group.find("text[@class='value']").itertext())
        assert value.startswith(f"{done}/{len(offered_here)}")
        assert ("✓" in value) is earned and ("niveau" in value) is earned
        assert ("earned" in group.get("class")) is earned
        label = offered.competence(code).label
        assert group.find("text[@class='name']").text == f"{code} {label}"
    earned_group = next(g for g in groups if g.get("data-code") == passed_one.competence)
    assert f"niveau {passed_one.level}" in "".join(earned_group.itertext())
    # The same numbers as text for screen readers.
    hidden = re.search(r'<table class="visually-hidden">.*?</table>', html, re.S)
    assert hidden and "Oefeningen gehaald per DigComp-competentie</caption>" in hidden.group(0)
    assert hidden.group(0).count("<tr>") == total + 1


def test_english_for_an_english_coach(client: TestClient, team: tuple[int, str]) -> None:
    ensure_catalogues()
    jobseeker_id, _ = seeker_with_attempts(team[1])
    logged_in(client, team[0])
    post(client, "/coach/locale", session_csrf(client), locale="en", next="/coach/")
    html = client.get(f"/coach/jobseekers/{jobseeker_id}").text
    total = len(catalogue(REGION).competences)
    assert "Digital skills (exercises)" in html
    assert f"Exercises done: 2, passed: 1. Badges: 1 of {total}." in html
    assert [row[-1] for row in attempt_cells(html)] == ["stopped halfway", "not passed", "passed"]
    assert "Answers (tries)" in html and "Skipped" in html
    svg = skills_chart(html)
    assert svg.find("title").text == (
        f"Exercises passed per DigComp competence: 1 of {total} badges earned."
    )
    assert "level " in "".join(svg.itertext()) and "niveau" not in html


def test_without_attempts_a_plain_line(client: TestClient, team: tuple[int, str]) -> None:
    escalation, sender = make_escalation(team[1])
    jobseekers.set_consent(sender, True)
    logged_in(client, team[0])
    html = client.get(f"/coach/jobseekers/{jobseeker_of(escalation)}").text
    assert "Digitale vaardigheden (oefeningen)" in html
    assert "Nog geen oefeningen gedaan (of geen toestemming om ze te bewaren)." in html
    assert 'class="chart skills"' not in html and 'class="attempts"' not in html


def test_without_consent_nothing_is_stored_or_shown(
    client: TestClient, team: tuple[int, str]
) -> None:
    escalation, sender = make_escalation(team[1])
    first, _ = two_of_one_competence()
    assert not exercises.record(sender, attempt(first, 100, True, True, 0, 60))
    logged_in(client, team[0])
    html = client.get(f"/coach/jobseekers/{jobseeker_of(escalation)}").text
    assert "Nog geen oefeningen gedaan" in html and first.title not in html


def test_another_team_cannot_see_the_attempts(client: TestClient, team: tuple[int, str]) -> None:
    jobseeker_id, _ = seeker_with_attempts(team[1])
    passed_one, _ = two_of_one_competence()
    other, _ = make_team()
    logged_in(client, other)
    answer = client.get(f"/coach/jobseekers/{jobseeker_id}")
    assert answer.status_code == 403
    assert passed_one.title not in answer.text and "gehaald" not in answer.text


def test_competence_bars_geometry() -> None:
    rows = [
        CompetenceProgress("1.1", "Zoeken op internet", False, None, 0, 0),  # none offered
        CompetenceProgress("1.2", "Informatie beoordelen", True, 3, 2, 2),  # all passed
        CompetenceProgress("4.2", "Gegevens beschermen", True, 2, 1, 3),
        CompetenceProgress("4.1", "Apparaten beveiligen", False, None, 0, 2),
    ]
    bars = competence_bars(rows)
    assert [b.code for b in bars] == ["1.1", "1.2", "4.2", "4.1"]
    assert [b.width for b in bars] == [0, TRACK, round(TRACK / 3), 0]
    assert all(b.track == TRACK and b.x == bars[0].x for b in bars)
    assert [b.earned for b in bars] == [False, True, True, False]
    assert bars[1].level == 3 and bars[0].level is None
    # Rows one under the other, inside the chart, never overlapping.
    ys = [b.y for b in bars]
    assert ys == sorted(ys) and all(b.y - a.y >= a.height for a, b in pairwise(bars))
    height = competence_chart_height(bars)
    assert bars[-1].y + bars[-1].height < height
    assert bars[0].name_x + 180 < bars[0].x  # room for a 25-letter label
    assert bars[0].y <= bars[0].text_y <= bars[0].y + bars[0].height
    assert competence_bars([]) == [] and competence_chart_height([]) > 0


def test_competence_bars_never_overflow() -> None:
    (bar,) = competence_bars([CompetenceProgress("2.1", "Contact", True, 2, 5, 3)])
    assert bar.width == TRACK


def test_attempt_rows_fall_back_to_the_id_and_count_time() -> None:
    first, _ = two_of_one_competence()
    removed = Attempt(**{**attempt(first, 80, True, True, 0, 61).__dict__, "exercise_id": "gone"})
    row = attempt_row(removed, "nl")
    assert row.title == "gone" and row.status == "gehaald" and row.time == "1:01"
    assert row.created_at is not None and row.created_at.tzinfo is not None
    assert duration(0) == "0:00" and duration(3600) == "60:00" and duration(-5) == "0:00"
    assert exercises_view([], REGION, "nl") is None


def test_the_summary_uses_the_region_of_the_latest_attempt() -> None:
    first, _ = two_of_one_competence()
    belgian = Attempt(**{**attempt(first, 90, True, True, 30, 60).__dict__, "region": "nl_BE"})
    view = exercises_view([attempt(first, 90, True, True, 0, 60), belgian], REGION, "nl")
    assert view is not None and view.region == "nl_BE"
    assert [b.code for b in view.bars] == [c.code for c in catalogue("nl_BE").competences]
