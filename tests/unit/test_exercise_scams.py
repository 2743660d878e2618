"""The exercises about scams that hit job-seekers, the official mailboxes and applying.

What a reviewer from employment services asked for, held by tests: the new exercises load
and are found by the words people type; reporting names the right place per region and
never the other region's; paying online no longer calls a way to pay safe in itself; the
DigComp mapping and its coverage table in docs/exercises.md agree with the catalogue.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.exercises import flow
from bot.exercises.catalogue import DIGCOMP_FILE, Exercise, Question, catalogue, load_all
from tests.unit.test_exercise_flow import make_ctx

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ("nl_NL", "nl_BE")
NEW = {
    "money_mule": REGIONS,
    "id_copy": REGIONS,
    "job_chat_scam": REGIONS,
    "official_mail_nl": ("nl_NL",),
    "official_mail_be": ("nl_BE",),
    "apply_online": REGIONS,
    "video_interview_basics": REGIONS,
}
# How people ask for each new exercise (the form passes such a message to the flow).
ASKED = {
    "money_mule": ["ik wil oefenen met geldezels", "mag ik mijn pinpas uitlenen"],
    "id_copy": ["ze vragen een kopie id", "moet ik een selfie met id sturen"],
    "job_chat_scam": ["een recruiter stuurt me een whatsapp", "taakfraude oefenen"],
    "apply_online": ["hoe moet ik mijn cv uploaden", "online solliciteren oefenen"],
    "video_interview_basics": ["hoe zet ik mijn camera aan", "ze horen me niet"],
}
ASKED_REGION = {
    "official_mail_nl": ("nl_NL", ["wat is de berichtenbox", "post van mijn uwv"]),
    "official_mail_be": ("nl_BE", ["hoe werkt de ebox", "iets over myminfin"]),
}
# Where to report, per region (GUIDE §3); the phone numbers as checked in docs/exercises.md.
REPORT = {
    "nl_NL": re.compile(r"fraudehelpdesk|politie", re.IGNORECASE),
    "nl_BE": re.compile(r"safeonweb|card stop|politie", re.IGNORECASE),
}
OTHER_REGION = {
    "nl_NL": re.compile(r"safeonweb|card stop|078 170 170|ebox|kbo", re.IGNORECASE),
    "nl_BE": re.compile(r"fraudehelpdesk|088-786|berichtenbox|digid|kvk", re.IGNORECASE),
}
SCAMS = ("phishing_mail", "money_mule", "id_copy", "job_chat_scam")
PAYMENT_METHODS = re.compile(r"ideal|bancontact|payconiq", re.IGNORECASE)


def texts(question: Question) -> list[str]:
    found = [question.text, question.hint, question.explain, *question.steps]
    found += question.step_whys
    for choice in question.choices + question.reasons:
        found += [choice.text, choice.why or ""]
    found += [i.why or "" for i in question.items]
    return found + [s.text for s in question.statements] + [s.explain for s in question.statements]


def region_text(exercise: Exercise, region: str) -> str:
    parts = [exercise.intro] + [t for q in exercise.questions_for(region) for t in texts(q)]
    return " ".join(parts)


@pytest.mark.parametrize("exercise_id", list(NEW))
def test_every_new_exercise_loads_in_its_regions(exercise_id: str) -> None:
    for region in REGIONS:
        offered = {e.id for e in catalogue(region).exercises}
        assert (exercise_id in offered) == (region in NEW[exercise_id]), region


@pytest.mark.parametrize("region", REGIONS)
def test_every_keyword_starts_its_own_exercise(region: str) -> None:
    """A keyword that also names another exercise would start neither."""
    ctx = make_ctx(region)
    for exercise in ctx.catalogue.exercises:
        for keyword in exercise.keywords:
            found = flow._named_exercise(keyword, ctx)
            assert found is not None and found.id == exercise.id, (keyword, exercise.id)


@pytest.mark.parametrize("exercise_id", list(ASKED))
def test_the_new_exercises_are_found_as_people_ask(exercise_id: str) -> None:
    for region in NEW[exercise_id]:
        for typed in ASKED[exercise_id]:
            state, _ = flow.start(None, make_ctx(region), typed)
            assert state.get("exercise") == exercise_id, (region, typed)


@pytest.mark.parametrize("exercise_id", list(ASKED_REGION))
def test_the_mailbox_of_the_region_is_found(exercise_id: str) -> None:
    region, asked = ASKED_REGION[exercise_id]
    for typed in asked:
        state, _ = flow.start(None, make_ctx(region), typed)
        assert state.get("exercise") == exercise_id, typed


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("exercise_id", SCAMS)
def test_reporting_names_the_place_of_the_region(exercise_id: str, region: str) -> None:
    exercise = catalogue(region).get(exercise_id)
    text = region_text(exercise, region)
    assert REPORT[region].search(text), (exercise_id, region)


@pytest.mark.parametrize("region", REGIONS)
def test_no_exercise_sends_anyone_to_the_other_regions_help(region: str) -> None:
    for exercise in catalogue(region).exercises:
        found = OTHER_REGION[region].search(region_text(exercise, region))
        assert not found, (exercise.id, found and found.group())


def test_the_flemish_reporting_says_where_to_send_it() -> None:
    be = catalogue("nl_BE")
    for exercise_id in ("phishing_mail", "job_chat_scam", "official_mail_be"):
        assert "verdacht@safeonweb.be" in region_text(be.get(exercise_id), "nl_BE")
    nl = catalogue("nl_NL")
    for exercise_id in ("phishing_mail", "job_chat_scam", "official_mail_nl"):
        assert "fraudehelpdesk.nl" in region_text(nl.get(exercise_id), "nl_NL")


def right_texts(question: Question) -> list[str]:
    """What the exercise teaches as right: the question's own words and right answers."""
    found = [question.explain, question.hint]
    found += [c.text for c in question.choices + question.reasons if c.correct]
    found += [s.explain for s in question.statements]
    return found + [s.text for s in question.statements if s.correct]


@pytest.mark.parametrize("region", REGIONS)
def test_pay_online_never_calls_a_way_to_pay_safe_in_itself(region: str) -> None:
    exercise = catalogue(region).get("pay_online")
    for question in exercise.questions_for(region):
        for text in right_texts(question):
            if PAYMENT_METHODS.search(text):
                assert not re.search(r"\bveilig", text, re.IGNORECASE), text
    statements = [s for q in exercise.questions_for(region) for s in q.statements]
    # It says so: a shop that takes iDEAL or Bancontact can still be fake.
    assert any(PAYMENT_METHODS.search(s.text) and not s.correct for s in statements)
    wrong = [c for q in exercise.questions_for(region) for c in q.choices if not c.correct]
    assert any(PAYMENT_METHODS.search(c.text) and "veilig" in c.text for c in wrong)
    # First the shop, then a way to pay that protects the buyer.
    text = region_text(exercise, region).lower()
    assert "kvk" in text or "kbo" in text
    assert "achteraf betalen" in text and "naam van de ontvanger" in text


def digcomp_codes() -> dict[str, str]:
    data = yaml.safe_load(DIGCOMP_FILE.read_text())
    return {c["code"]: c["digcomp"] for c in data["competences"]}


def test_digcomp_lists_all_21_competences() -> None:
    codes = digcomp_codes()
    assert len(codes) == 21
    assert {code.split(".")[0] for code in codes} == {"1", "2", "3", "4", "5"}


def coverage_rows() -> dict[str, str]:
    """The coverage table of docs/exercises.md: competence code -> its row."""
    doc = (ROOT / "docs" / "exercises.md").read_text()
    section = doc.split("## DigComp coverage", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\|\s*(\d\.\d)\s*\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_the_coverage_table_matches_the_catalogue() -> None:
    exercises, _ = load_all()
    rows = coverage_rows()
    assert set(rows) == set(digcomp_codes()), "every competence has a row, covered or not"
    for exercise in exercises:
        row = rows[exercise.competence]
        assert exercise.id in row, (exercise.id, exercise.competence)
        assert f"{exercise.level}" in row
    used = {e.competence for e in exercises}
    for code, row in rows.items():
        assert ("not covered" in row) == (code not in used), row
