"""Rasa events to the turns a coach reads."""

from __future__ import annotations

from bot.coach.texts import step_name
from bot.coach.transcript import turns


def test_user_turn_shows_intent_and_confidence() -> None:
    events = [
        {
            "event": "user",
            "text": "ik zoek werk",
            "timestamp": 1.5,
            "parse_data": {"intent": {"name": "find_job", "confidence": 0.91234}},
        }
    ]
    [turn] = turns(events)
    assert turn["sender"] == "user" and turn["text"] == "ik zoek werk"
    assert (turn["intent"], turn["confidence"], turn["timestamp"]) == ("find_job", 0.912, 1.5)


def test_bot_turn_has_button_titles_and_a_click_shows_the_title() -> None:
    events = [
        {
            "event": "bot",
            "text": "Wil je hulp?",
            "data": {"buttons": [{"title": "Ja graag", "payload": "/affirm"}]},
        },
        {"event": "user", "text": "/affirm", "parse_data": {"intent": {"name": "affirm"}}},
    ]
    bot, user = turns(events)
    assert bot["sender"] == "bot" and bot["buttons"] == ["Ja graag"]
    assert user["text"] == "Ja graag" and user["intent"] == "affirm"
    assert user["confidence"] is None


def test_coach_turn_has_the_coach_name() -> None:
    events = [
        {
            "event": "bot",
            "text": "Hoi, ik ben Sanne.",
            "metadata": {"sent_by": "coach", "coach_name": "Sanne"},
        }
    ]
    [turn] = turns(events)
    assert (turn["sender"], turn["name"]) == ("coach", "Sanne")


def test_pause_and_resume_are_system_turns_and_other_events_are_skipped() -> None:
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "pause", "timestamp": 2},
        {"event": "slot", "name": "x", "value": 1},
        {"event": "resume", "timestamp": 3},
        "not an event",
        {"event": "user", "text": "   "},
    ]
    result = turns(events)  # type: ignore[arg-type]
    assert [(t["sender"], t["system"]) for t in result] == [
        ("system", "pause"),
        ("system", "resume"),
    ]


def test_bot_text_is_split_like_the_widget_shows_it() -> None:
    [first, second] = turns([{"event": "bot", "text": "Een.\n\nTwee."}])
    assert (first["text"], second["text"]) == ("Een.", "Twee.")


def test_summary_steps_read_as_words_in_the_coach_language() -> None:
    assert step_name("onboarding_form", "nl") == "Kennismaking (toestemming en regio)"
    assert step_name("utter_menu_simple", "en") == "Menu"
    assert step_name("utter_disclosure", "en") == "Start of the conversation"
    assert step_name("utter_something_new", "nl") == "Een bericht van de bot"
    assert step_name("utter_crisis_coach", "nl") == "Crisis: hulplijn genoemd en coach gewaarschuwd"
    assert step_name("some_form", "nl") == "some_form"
    assert step_name(None, "nl") == "–"
