"""The consent age (GUIDE §6: 16 in NL, 13 in BE): stated ages, signs of youth, the NLU
component, and the onboarding form and actions on a real database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.onboarding import (
    ActionInformAge,
    ActionOnboardingDone,
    AskAgeGroup,
    ValidateOnboardingForm,
)
from bot.nlp.age_component import AgeStatement
from bot.privacy import age
from bot.store import jobseekers
from bot.store.db import session_scope
from bot.store.models import ProgressEvent
from bot.store.pseudonym import pseudonym
from tests.unit.trackers import domain, responses, run, slots, tracker

DOMAIN = domain()


# --- stated_age ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ik ben 15", 15),
        ("Ik ben 15.", 15),
        ("ik ben vijftien", 15),
        ("15 jaar", 15),
        ("ik ben 15 jaar oud", 15),
        ("ben 14", 14),
        ("hoi ik ben 14 en zoek een bijbaantje", 14),
        ("'k ben 13", 13),
        ("kben 12", 12),
        ("ik ben pas 14 hoor", 14),
        ("ik ben bijna 16", 15),
        ("ik ben een meisje van 14", 14),
        ("mijn leeftijd is zeventien", 17),
        ("ik ben 45 en zoek werk", 45),
        ("ik ben drieentwintig", 23),
    ],
)
def test_stated_age(text: str, expected: int) -> None:
    assert age.stated_age(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ik ben 15 minuten te laat",
        "3 jaar ervaring",
        "ik werk 15 jaar",
        "ik heb 15 jaar in de bouw gewerkt",
        "ik ben 20 jaar werkloos",
        "ik ben al 30 jaar schoonmaker",
        "ik ben 1 van de mensen die werk zoekt",
        "ik ben 15 euro kwijt",
        "ik ben om 15 uur thuis",
        "mijn zoon is 15",
        "15",
        "hoi",
    ],
)
def test_no_stated_age(text: str) -> None:
    assert age.stated_age(text) is None


# --- seems_young ---------------------------------------------------------------------

YOUNG = [
    "ik zit nog op school",
    "ik zit in de brugklas",
    "ik zit op de middelbare school en zoek werk",
    "ik zit in 3 havo",
    "van mijn ouders moet ik werk zoeken",
    "mijn ouders willen dat ik ga werken",
    "ik moet eerst mijn huiswerk maken",
    "ik zoek een zaterdagbaantje",
    "ik zoek een krantenwijk",
    "ik ben minderjarig",
    "ik word volgend jaar 16",
    # Flemish
    "ik zit in het secundair",
    "ik zit in het vierde middelbaar",
    "ik zit in het 5de tso",
    "ik zoek een studentenjob",
    "ik zoek een vakantiejob voor de zomer",
    # a stated age under 18
    "hoi ik ben 14",
]
ADULT = [
    "ik heb mijn school afgemaakt",
    "ik heb de middelbare school afgerond",
    "ik ben van school gegaan toen ik 16 was",
    "vroeger zat ik op de middelbare school",
    "mijn kinderen zitten op de middelbare school",
    "ik breng mijn dochter elke dag naar school",
    "ik zorg voor mijn ouders",
    "mijn ouders zijn overleden",
    "ik heb huiswerk voor de taalles",
    "ik heb 3 jaar ervaring in de bouw",
    "ik werk 15 jaar als schoonmaker",
    "ik ben 15 minuten te laat",
    "ik ben 45",
    "ik wil een opleiding doen",
    "ik zoek een bijbaan naast mijn uitkering",
]


@pytest.mark.parametrize("text", YOUNG)
def test_seems_young(text: str) -> None:
    assert age.seems_young([text])


@pytest.mark.parametrize("text", ADULT)
def test_does_not_seem_young(text: str) -> None:
    assert not age.seems_young([text])


def test_seems_young_looks_at_every_message() -> None:
    assert age.seems_young(["hoi", "ik zoek werk", "ik zit nog op school"])
    assert not age.seems_young([])


def test_signals_file_is_checked_against_its_schema(tmp_path: Path) -> None:
    bad = tmp_path / "youth_signals.yml"
    bad.write_text("version: 1\nignore: []\ncues: []\n")
    with pytest.raises(jsonschema.ValidationError):
        age.load(bad)


# --- consent age and the age question ------------------------------------------------


def test_consent_age_per_region() -> None:
    assert age.CONSENT_AGE == {"nl_NL": 16, "nl_BE": 13}
    assert age.under_consent_age(15, "nl_NL") and not age.under_consent_age(16, "nl_NL")
    assert age.under_consent_age(12, "nl_BE") and not age.under_consent_age(13, "nl_BE")
    assert age.under_consent_age(15, None)  # region unknown: the stricter age
    assert age.under_consent_age("13_to_15", "nl_NL")
    assert not age.under_consent_age("13_to_15", "nl_BE")
    assert age.under_consent_age("under_13", "nl_BE")
    assert not age.under_consent_age("16_plus", "nl_NL")
    assert not age.under_consent_age(None, "nl_NL")


@pytest.mark.parametrize(
    "answer,group",
    [
        ("13_to_15", "13_to_15"),
        ("Ik ben 13, 14 of 15", "13_to_15"),
        ("Ik ben jonger dan 13", "under_13"),
        ("Ik ben 16 of ouder", "16_plus"),
        ("14", "13_to_15"),
        ("veertien", "13_to_15"),
        ("ik ben 12 jaar", "under_13"),
        ("ik ben volwassen", "16_plus"),
        ("42", "16_plus"),
        ("ik heb 3 kinderen", None),
        ("weet ik niet", None),
    ],
)
def test_age_group_of_an_answer(answer: str, group: str | None) -> None:
    assert age.age_group_of(answer) == group


# --- the NLU component ---------------------------------------------------------------


def parsed(text: str, intent: str = "greet") -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.7})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.7}])
    return AgeStatement().process([message])[0]


def test_component_turns_a_minor_age_into_inform_age() -> None:
    message = parsed("hoi ik ben 14 en zoek een bijbaantje")
    assert message.get(INTENT) == {"name": "inform_age", "confidence": 1.0}
    # Alone in the ranking, so the FallbackClassifier does not call it ambiguous.
    assert message.get(INTENT_RANKING_KEY) == [{"name": "inform_age", "confidence": 1.0}]
    assert message.get("age_statement") == {"classifier_intent": "greet"}


@pytest.mark.parametrize(
    "text,intent",
    [
        ("ik ben 15 en ik wil dood", "crisis"),  # never over a crisis
        ("ik ben 45", "greet"),  # adults: the classifier decides
        ("ik ben 15 minuten te laat", "greet"),
        ('/inform{"age_group": "13_to_15"}', "inform"),  # a button
    ],
)
def test_component_leaves_other_messages_alone(text: str, intent: str) -> None:
    assert parsed(text, intent).get(INTENT)["name"] == intent


# --- the onboarding form -----------------------------------------------------------------


def said(*texts: str) -> list[dict[str, Any]]:
    return [{"event": "user", "text": t} for t in texts]


def required(t: Any) -> list[str]:
    form = ValidateOnboardingForm()
    return asyncio.run(
        form.required_slots(["consent", "region"], CollectingDispatcher(), t, DOMAIN)
    )


def test_form_asks_consent_then_region_when_nothing_suggests_youth() -> None:
    t = tracker(events=said("hoi", "/affirm", "ik zoek werk"))
    assert required(t) == ["consent", "region"]


def test_form_asks_age_and_region_before_consent_for_a_young_user() -> None:
    t = tracker(events=said("hoi ik ben 14 en zoek een bijbaantje"))
    assert required(t) == ["age_group", "region", "consent"]
    # under 16 in the Netherlands: no consent question at all
    nl = tracker(slots={"age_group": "13_to_15", "region": "nl_NL"}, events=t.events)
    assert required(nl) == ["age_group", "region"]
    # 13 may give consent in Flanders
    be = tracker(slots={"age_group": "13_to_15", "region": "nl_BE"}, events=t.events)
    assert required(be) == ["age_group", "region", "consent"]


def test_a_new_session_forgets_earlier_words() -> None:
    events = [*said("ik zit nog op school"), {"event": "session_started"}, *said("hoi")]
    assert required(tracker(events=events)) == ["consent", "region"]


def test_age_answer_validation() -> None:
    form = ValidateOnboardingForm()
    dispatcher = CollectingDispatcher()
    assert form.validate_age_group("13_to_15", dispatcher, tracker(), DOMAIN) == {
        "age_group": "13_to_15"
    }
    assert form.validate_age_group("ik ben 12", dispatcher, tracker(), DOMAIN) == {
        "age_group": "under_13"
    }
    assert dispatcher.messages == []
    assert form.validate_age_group("pizza", dispatcher, tracker(), DOMAIN) == {"age_group": None}
    assert responses(dispatcher.messages) == ["utter_age_unknown"]


def test_age_question_is_a_form_question() -> None:
    messages, _ = run(AskAgeGroup(), tracker())
    assert responses(messages) == ["utter_ask_age_group"]
    buttons = DOMAIN["responses"]["utter_ask_age_group"][0]["buttons"]
    assert [b["payload"] for b in buttons] == [
        '/inform{"age_group": "under_13"}',
        '/inform{"age_group": "13_to_15"}',
        '/inform{"age_group": "16_plus"}',
    ]


def progress_rows(sender_id: str) -> list[Any]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(ProgressEvent).where(ProgressEvent.jobseeker_id == pseudonym(sender_id))
            ).all()
        )


@pytest.mark.postgres
def test_onboarding_under_the_consent_age_stores_consent_no_and_nothing_else() -> None:
    t = tracker(slots={"age_group": "13_to_15", "region": "nl_NL", "consent": None})
    jobseekers.touch(t.sender_id, "rest")
    messages, events = run(ActionOnboardingDone(), t)
    assert responses(messages) == ["utter_consent_too_young", "utter_menu"]
    assert slots(events) == {"consent": False, "onboarded": True}
    assert jobseekers.get_profile(t.sender_id).consent is False
    assert progress_rows(t.sender_id) == []


@pytest.mark.postgres
def test_onboarding_at_13_in_flanders_keeps_the_users_yes() -> None:
    t = tracker(slots={"age_group": "13_to_15", "region": "nl_BE", "consent": True})
    jobseekers.touch(t.sender_id, "rest")
    messages, events = run(ActionOnboardingDone(), t)
    assert responses(messages) == ["utter_consent_given", "utter_menu"]
    assert slots(events) == {"onboarded": True}
    assert jobseekers.get_profile(t.sender_id).consent is True
    assert [r.kind for r in progress_rows(t.sender_id)] == ["onboarded"]


@pytest.mark.postgres
def test_changing_yes_to_no_says_what_was_stored_is_erased() -> None:
    t = tracker(slots={"region": "nl_NL", "consent": False})
    jobseekers.touch(t.sender_id, "rest")
    jobseekers.set_consent(t.sender_id, True)
    messages, _ = run(ActionOnboardingDone(), t)
    assert responses(messages) == ["utter_consent_refused", "utter_consent_erased", "utter_menu"]
    assert jobseekers.get_profile(t.sender_id).consent is False
    # A first "no" has nothing to erase.
    first = tracker(slots={"region": "nl_NL", "consent": False})
    messages, _ = run(ActionOnboardingDone(), first)
    assert responses(messages) == ["utter_consent_refused", "utter_menu"]


# --- "ik ben 15" later on ----------------------------------------------------------------


def saying(text: str, **kwargs: Any) -> Any:
    t = tracker(intent="inform_age", **kwargs)
    t.latest_message["text"] = text
    return t


@pytest.mark.postgres
def test_stated_age_under_the_consent_age_withdraws_consent() -> None:
    t = saying("ik ben 15", slots={"region": "nl_NL", "consent": True, "onboarded": True})
    jobseekers.touch(t.sender_id, "rest")
    jobseekers.set_consent(t.sender_id, True)
    messages, events = run(ActionInformAge(), t)
    assert responses(messages) == [
        "utter_age_consent_withdrawn",
        "utter_consent_erased",
        "utter_menu",
    ]
    assert slots(events) == {"age_group": "13_to_15", "consent": False}
    assert jobseekers.get_profile(t.sender_id).consent is False
    assert jobseekers.log_progress(t.sender_id, "exercise") is False
    assert progress_rows(t.sender_id) == []


@pytest.mark.postgres
def test_stated_age_above_the_consent_age_keeps_consent() -> None:
    t = saying("ik ben 15", slots={"region": "nl_BE", "consent": True, "onboarded": True})
    jobseekers.touch(t.sender_id, "rest")
    jobseekers.set_consent(t.sender_id, True)
    messages, events = run(ActionInformAge(), t)
    assert responses(messages) == ["utter_age_thanks", "utter_menu"]
    assert slots(events) == {"age_group": "13_to_15"}
    assert jobseekers.get_profile(t.sender_id).consent is True


def test_stated_age_inside_the_onboarding_form_lets_the_form_ask_next() -> None:
    t = saying("ik ben 14", slots={"region": None, "consent": None})
    t.active_loop = {"name": "onboarding_form"}
    messages, events = run(ActionInformAge(), t)
    assert responses(messages) == ["utter_age_thanks"]
    assert slots(events) == {"age_group": "13_to_15"}
    # The form then leaves consent out once the region is known to be the Netherlands.
    after = tracker(slots={"age_group": "13_to_15", "region": "nl_NL"})
    assert required(after) == ["age_group", "region"]
