"""Digital-skills exercises end to end over the REST channel: real Rasa, actions, database.

Every exercise of both regions is taken through the chat, with right answers and with
wrong ones; the right answer to each question is read from the YAML (tests/exercise_script).
The stored attempts, the progress summary, the card and the images are checked too.
"""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest
import requests
from PIL import Image

from actions.forms import payload
from bot.exercises import flow
from bot.exercises.catalogue import catalogue
from bot.store import exercises
from tests.exercise_script import right_code, wrong_code
from tests.integration.conftest import Chat
from tests.integration.test_conversation import buttons, onboard
from tests.integration.test_decision import active_loop, press, texts

PLACES = {"nl_NL": "Nederland", "nl_BE": "Vlaanderen"}


def state(chat: Chat) -> dict[str, Any]:
    return chat.tracker()["slots"]["exercise"] or {}


def start(chat: Chat, region: str, consent: str = "/affirm") -> list[dict]:
    onboard(chat, consent=consent, region=PLACES[region])
    first = chat.say("/start_exercise")
    assert "Hoe makkelijk is internet voor jou?" in texts(first)
    return chat.say(press(first, "Dat gaat wel"))


def do_exercise(chat: Chat, exercise_id: str, answers: str) -> list[dict]:
    """Choose the exercise by its button payload, answer until it ends; all bot messages."""
    said = chat.say(payload(f"e:{exercise_id}"))
    current = state(chat)
    assert current.get("exercise") == exercise_id, texts(said)
    region = current["region"]
    for _ in range(60):
        current = state(chat)
        if current.get("exercise") != exercise_id:
            return said
        pick = right_code if answers == "right" else wrong_code
        said += chat.say(payload(pick(current, catalogue(region))))
    raise AssertionError(f"{exercise_id} never ended")


def check_exercise(chat: Chat, region: str, index: int, exercise: Any) -> None:
    """Do one exercise, right for an even ``index`` and wrong for an odd one, and check
    what the person saw: the score, the images with their text, what is offered next."""
    answers = "right" if index % 2 == 0 else "wrong"
    said = do_exercise(chat, exercise.id, answers)
    text = texts(said)
    assert exercise.intro in text
    units = sum(flow.units(q) for q in exercise.questions_for(region))
    if answers == "right":
        assert f"Klaar! {units} van de {units} vragen had je meteen goed." in text
        assert "Tip:" not in text
    else:
        assert f"Klaar! 0 van de {units} vragen had je meteen goed." in text
        assert "Tip:" in text and "Dit was nog lastig" in text
    # Every image is sent with its text alternative just before it (REST splits them).
    questions = exercise.questions_for(region)
    used = {q.image for q in questions if q.image} | {i.image for q in questions for i in q.items}
    shown = {m["image"].rsplit("/", 1)[1].removesuffix(".png") for m in said if m.get("image")}
    assert shown == used
    for before, message in itertools.pairwise(said):
        if message.get("image"):
            image_id = message["image"].rsplit("/", 1)[1].removesuffix(".png")
            assert exercise.images[image_id]["alt"] in (before.get("text") or "")
    # The next exercise is suggested after a pass; after a poor score, help nearby and
    # an easier exercise or the coach.
    if answers == "right":
        assert "Wil je die doen?" in said[-1]["text"] or "herhalen" in said[-1]["text"]
    else:
        assert said[-1]["text"] == "Wat wil je nu doen?"
        assert "Praat met coach" in buttons(said[-1:])


def check_stored(chat: Chat, region: str, done: list[Any], first_index: int = 0) -> None:
    stored = exercises.of_sender(chat.sender)
    assert [a.exercise_id for a in stored] == [e.id for e in done]
    for index, attempt in enumerate(stored, start=first_index):
        assert attempt.region == region and attempt.finished
        assert attempt.passed is (index % 2 == 0)
        assert attempt.score == (100 if index % 2 == 0 else 0)
        assert attempt.seconds >= 0 and attempt.answers >= attempt.questions


# Each exercise of each region in a conversation of its own: the conversations run side by
# side on the test workers (one conversation of all of them took seven minutes alone).
EVERY_EXERCISE = [
    pytest.param(region, index, id=f"{region}-{exercise.id}")
    for region in ("nl_NL", "nl_BE")
    for index, exercise in enumerate(catalogue(region).exercises)
]


@pytest.mark.parametrize(("region", "index"), EVERY_EXERCISE)
def test_every_exercise_right_or_wrong_through_the_chat(
    chat: Chat, region: str, index: int
) -> None:
    suggestion = start(chat, region)
    assert "Deze oefening past bij jou" in texts(suggestion)
    exercise = catalogue(region).exercises[index]
    check_exercise(chat, region, index, exercise)
    check_stored(chat, region, [exercise], first_index=index)


@pytest.mark.long  # several exercises in one conversation, as a person who keeps going
@pytest.mark.parametrize("region", ["nl_NL", "nl_BE"])
def test_one_exercise_after_another_in_one_conversation(chat: Chat, region: str) -> None:
    suggestion = start(chat, region)
    assert buttons(suggestion[-1:]) == ["Ja, begin", "Kies zelf", "Stoppen"]
    done = catalogue(region).exercises[:4]
    for index, exercise in enumerate(done):
        check_exercise(chat, region, index, exercise)
    check_stored(chat, region, done)


def test_images_are_served_as_png(chat: Chat, web: str) -> None:
    exercise = next(e for e in catalogue("nl_NL").exercises if e.images)
    for image_id in exercise.images:
        response = requests.get(f"{web}/media/exercises/{image_id}.png", timeout=10)
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(response.content)).width == 800
    assert requests.get(f"{web}/media/exercises/nope.png", timeout=10).status_code == 404
    assert requests.get(f"{web}/media/progress/forged.token.png", timeout=10).status_code == 404


def test_progress_as_text_and_a_card_after_an_exercise(chat: Chat, web: str) -> None:
    start(chat, "nl_NL")
    exercise = catalogue("nl_NL").exercises[0]
    do_exercise(chat, exercise.id, "right")
    progress = chat.say("hoe ver ben ik?")
    text = texts(progress)
    label = catalogue("nl_NL").competence(exercise.competence).label
    assert "Je deed 1 oefening." in text and "1 daarvan ging goed." in text
    assert f"Je hebt 1 badge: {label}." in text
    [card] = [m for m in progress if m.get("image")]
    assert card["image"].startswith(f"{web}/media/progress/")
    response = requests.get(card["image"], timeout=10)
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")


def test_without_consent_nothing_is_stored_but_progress_is_shown(chat: Chat) -> None:
    start(chat, "nl_BE", consent="/deny")
    exercise = catalogue("nl_BE").exercises[0]
    do_exercise(chat, exercise.id, "right")
    assert exercises.of_sender(chat.sender) == []
    text = texts(chat.say("hoe ver ben ik?"))
    assert "Ik bewaar je voortgang niet" in text and "Je deed 1 oefening." in text


def test_stop_then_resume_where_you_were_and_typed_answers(chat: Chat) -> None:
    start(chat, "nl_NL")
    exercise = next(
        e for e in catalogue("nl_NL").exercises if e.questions_for("nl_NL")[0].type == "choice"
    )
    chat.say(payload(f"e:{exercise.id}"))
    question = exercise.questions_for("nl_NL")[0]
    right = next(i for i, c in enumerate(question.choices) if c.correct)
    said = chat.say(["de eerste", "de tweede", "de derde"][right])
    assert "Goed zo!" in texts(said), texts(said)
    assert state(chat)["q"] == 1
    stopped = chat.say("stop")
    assert "Later kun je verder waar je was" in texts(stopped)
    assert active_loop(chat) is None
    again = chat.say("ik wil oefenen")
    assert f"Je was bezig met de oefening {exercise.title}" in texts(again)
    chat.say(press(again, "Ja, ga verder"))
    assert state(chat)["q"] == 1 and active_loop(chat) == "exercise_form"


def test_bad_input_inside_an_exercise(chat: Chat) -> None:
    start(chat, "nl_NL")
    exercise = catalogue("nl_NL").exercises[0]
    chat.say(payload(f"e:{exercise.id}"))
    for message in ("", "<script>alert(1)</script>", "x" * 20000, "\x00\x01\x02", "Ж" * 50):
        reply = chat.say(message)
        assert isinstance(reply, list)
        assert state(chat).get("exercise") == exercise.id
    secret = chat.say("mijn code is 483920")
    assert "Typ nooit een echte code of wachtwoord" in texts(secret)
    assert state(chat)["answers"] == 0


def test_a_named_topic_starts_that_exercise_and_a_crisis_leaves_it(chat: Chat) -> None:
    onboard(chat)
    said = chat.say("hoe maak ik een sterk wachtwoord")
    assert state(chat).get("exercise"), texts(said)
    assert catalogue("nl_NL").get(state(chat)["exercise"]).topic == "password"
    crisis = chat.say("ik wil niet meer leven")
    assert "113" in texts(crisis)
    assert active_loop(chat) is None
