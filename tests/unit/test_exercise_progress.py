"""Progress in the exercises: levels, suggestions, badges, the stored attempts and the card."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from PIL import Image

from bot import media
from bot.exercises.catalogue import catalogue
from bot.exercises.progress import next_level, results_of, starting_level, suggest, summarise
from bot.store import exercises, jobseekers
from bot.store.exercises import Attempt

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def attempt(exercise_id: str, score: int, finished: bool = True, region: str = "nl_NL") -> Attempt:
    exercise = catalogue(region).get(exercise_id)
    return Attempt(
        exercise_id=exercise_id,
        exercise_version=exercise.version,
        region=region,
        competence=exercise.competence,
        level=exercise.level,
        questions=5,
        correct=round(score / 20),
        first_try=round(score / 20),
        skipped=0,
        answers=6,
        score=score,
        passed=finished and score >= 70,
        finished=finished,
        seconds=95,
        started_at=NOW,
    )


def test_levels_go_up_after_success_and_down_after_failure() -> None:
    assert next_level(2, 100) == 3
    assert next_level(4, 100) == 4
    assert next_level(2, 60) == 2
    assert next_level(2, 10) == 1
    assert next_level(1, 0) == 1


def test_a_returning_user_starts_above_the_highest_level_passed() -> None:
    cat = catalogue("nl_NL")
    assert starting_level(cat, {}) == 1
    two = next(e for e in cat.exercises if e.level == 2)
    assert starting_level(cat, {two.id: {"score": 90, "passed": True}}) == 3
    assert starting_level(cat, {two.id: {"score": 30, "passed": False}}) == 1
    everything = {e.id: {"score": 100, "passed": True} for e in cat.exercises}
    assert starting_level(cat, everything) == min(max(e.level for e in cat.exercises) + 1, 4)


def test_suggest_prefers_the_level_then_a_new_competence() -> None:
    cat = catalogue("nl_NL")
    first = suggest(cat, {}, 2, None)
    assert first is not None and first.level == 2
    done = {first.id: {"score": 100, "passed": True}}
    second = suggest(cat, done, 2, first.id)
    assert second is not None and second.id != first.id and second.level == 2
    if any(e.level == 2 and e.competence != first.competence for e in cat.exercises if e != first):
        assert second.competence != first.competence
    everything = {e.id: {"score": 100, "passed": True} for e in cat.exercises}
    assert suggest(cat, everything, 2, None) is None


def test_results_keep_the_best_score_and_ignore_stopped_attempts() -> None:
    cat = catalogue("nl_NL")
    one, two = cat.exercises[0].id, cat.exercises[1].id
    results = results_of(
        [attempt(one, 40), attempt(one, 90), attempt(one, 30), attempt(two, 100, False)]
    )
    assert results == {one: {"score": 90, "passed": True}}


def test_summary_has_a_badge_per_competence_passed() -> None:
    cat = catalogue("nl_NL")
    exercise = cat.exercises[0]
    summary = summarise(cat, {exercise.id: {"score": 80, "passed": True}})
    assert summary.done == summary.passed == 1
    [badge] = summary.badges
    assert badge.code == exercise.competence and badge.level == exercise.level
    assert badge.total == sum(e.competence == exercise.competence for e in cat.exercises)
    assert {c.code for c in summary.competences} == {c.code for c in cat.competences}
    nothing = summarise(cat, {"removed_exercise": {"score": 100, "passed": True}})
    assert nothing.done == 0 and not nothing.badges


def test_attempts_are_stored_only_with_consent() -> None:
    exercise_id = catalogue("nl_NL").exercises[0].id
    jobseekers.touch("ex-consent", "rest")
    jobseekers.set_consent("ex-consent", True)
    assert exercises.record("ex-consent", attempt(exercise_id, 100))
    jobseekers.touch("ex-no-consent", "rest")
    jobseekers.set_consent("ex-no-consent", False)
    assert not exercises.record("ex-no-consent", attempt(exercise_id, 100))
    assert not exercises.record("ex-unknown", attempt(exercise_id, 100))
    [stored] = exercises.of_sender("ex-consent")
    assert stored.score == 100 and stored.passed and stored.seconds == 95
    assert stored.started_at.replace(tzinfo=timezone.utc) == NOW
    assert exercises.of_sender("ex-no-consent") == []


def test_the_card_token_is_signed_and_draws_the_badges() -> None:
    cat = catalogue("nl_BE")
    exercise = cat.exercises[0]
    summary = summarise(cat, {exercise.id: {"score": 80, "passed": True}})
    url = media.card_url(summary, "nl_BE")
    token = url.rsplit("/", 1)[1].removesuffix(".png")
    data = media.read_card_token(token)
    assert data is not None and data["r"] == "nl_BE" and data["p"] == 1
    png = media.load(url)
    assert png is not None and png.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(png)).width == 800
    body, signature = token.split(".")
    forged = f"{body[:-2]}AA.{signature}"
    assert media.read_card_token(forged) is None
    assert media.card_image("not-a-token") is None
    assert media.card_image("x" * 5000) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/media/exercises/x.png",
        "/media/exercises/../../etc/passwd.png",
        "{base}/media/exercises/../secrets.png",
        "{base}/media/other/x.png",
        "{base}/media/exercises/x.gif",
    ],
)
def test_only_our_own_media_urls_are_read(url: str) -> None:
    base = media.settings().public_web_url
    assert media.load(url.format(base=base)) is None
