"""After a poor score: help from people nearby (per region), a coach and an easier exercise.

Without this a job-seeker who scored 0 of 6 was moved on to the next exercise, alone.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.exercises import flow
from bot.exercises.catalogue import catalogue
from bot.exercises.help import HELP_FILE, load_help, nearby_help
from bot.exercises.progress import PASS_SCORE, easier
from tests.unit.test_exercise_flow import Chat, make_ctx
from tests.unit.test_plain_language import b1_problems

REGIONS = ("nl_NL", "nl_BE")
# Who helps nearby, per region (GUIDE §3): named in the text the person reads.
NEARBY = {
    "nl_NL": ("Informatiepunt Digitale Overheid", "bibliothe", "Digisterker", "Klik & Tik"),
    "nl_BE": ("digipunt", "bibliothe"),
}
ELSEWHERE = {"nl_NL": ("digipunt",), "nl_BE": ("Informatiepunt", "Digisterker")}


def fail(region: str, exercise_id: str) -> Chat:
    chat = Chat(region, state={**flow.new_state(make_ctx(region)), "level": 2, "step": "pick"})
    chat.begin(exercise_id)
    chat.answer_all("wrong")
    return chat


def buttons(chat: Chat) -> dict[str, str]:
    return {b.title: b.answer for m in chat.asked() for b in m.buttons}


@pytest.mark.parametrize("region", REGIONS)
def test_the_help_text_names_the_places_of_the_region(region: str) -> None:
    text = nearby_help(region)
    assert all(place.lower() in text.lower() for place in NEARBY[region]), text
    assert not any(place.lower() in text.lower() for place in ELSEWHERE[region]), text
    assert "coach" in text and not b1_problems(text)


@pytest.mark.parametrize("region", REGIONS)
def test_a_poor_score_offers_help_nearby_and_an_easier_exercise(region: str) -> None:
    chat = fail(region, "money_mule")
    [record] = chat.records()
    assert record["score"] < PASS_SCORE
    assert nearby_help(region) in chat.said()
    assert chat.step == "help"
    offered = buttons(chat)
    assert len(offered) <= 4
    assert {"Praat met coach", "Kies zelf", "Stoppen"} <= offered.keys()
    easier_id = offered["Makkelijker oefenen"][2:]
    assert catalogue(region).get(easier_id).level < catalogue(region).get("money_mule").level
    chat.press(offered["Makkelijker oefenen"])
    assert chat.step == "question" and chat.state["exercise"] == easier_id


def test_the_easier_one_shares_the_topic_when_there_is_one() -> None:
    region = catalogue("nl_NL")
    hard = region.get("video_interview")
    assert easier(region, hard, {}).id == "video_interview_basics"
    assert easier(region, region.get("video_interview_basics"), {}) is None


def test_at_the_easiest_level_the_same_exercise_again() -> None:
    chat = fail("nl_NL", "video_interview_basics")
    assert chat.step == "help"
    assert buttons(chat)["Nog een keer"] == "e:video_interview_basics"


@pytest.mark.parametrize(
    "typed", ["makkelijker", "iets makkelijkers aub", "een makkelijkere oefening", "ja graag"]
)
def test_the_easier_exercise_can_be_typed(typed: str) -> None:
    chat = fail("nl_BE", "official_mail_be")
    assert flow.understands(chat.state, typed, chat.ctx)
    chat.type(typed)
    assert chat.step == "question" and chat.state["exercise"] != "official_mail_be"


def test_the_coach_button_brings_in_a_coach_and_the_exercises_go_on() -> None:
    chat = fail("nl_NL", "official_mail_nl")
    turn = chat.press("coach")
    assert flow.Escalate("request") in turn.effects
    assert chat.step == "suggest" and not turn.finished


def test_choosing_or_stopping_from_the_help_step() -> None:
    chat = fail("nl_NL", "id_copy")
    chat.type("nee ik kies zelf")
    assert chat.step == "pick"
    chat = fail("nl_NL", "id_copy")
    assert chat.press("stop").finished


def test_a_pass_goes_on_without_the_help_step() -> None:
    chat = Chat(state={**flow.new_state(make_ctx()), "level": 2, "step": "pick"})
    chat.begin("money_mule")
    chat.answer_all("right")
    assert chat.step == "suggest" and nearby_help("nl_NL") not in chat.said()


def test_the_help_file_needs_every_region(tmp_path: Path) -> None:
    data = yaml.safe_load(HELP_FILE.read_text())
    assert set(load_help()) == set(REGIONS)
    del data["regions"]["nl_BE"]
    broken = tmp_path / "exercise_help.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(jsonschema.ValidationError):
        load_help(broken)
