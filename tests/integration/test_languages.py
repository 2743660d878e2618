"""Other languages end to end: real Rasa (with the language component), actions, database.

Needs a model trained with bot.nlp.language_component in config.yml.
"""

from __future__ import annotations

from bot import languages
from tests.integration.conftest import Chat
from tests.integration.test_conversation import buttons, onboard


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def answered_in(reply: list[dict], code: str) -> None:
    answer = languages.answer(code)
    assert answer.text in texts(reply)
    assert answer.buttons[0]["title"] in buttons(reply)
    assert "/request_coach" in payloads(reply)


def active_loop(chat: Chat) -> str | None:
    return (chat.tracker().get("active_loop") or {}).get("name")


def test_english_arabic_and_ukrainian_at_the_menu(chat: Chat) -> None:
    onboard(chat)
    answered_in(chat.say("Hello, I need help finding a job"), "en")
    answered_in(chat.say("أبحث عن عمل، هل يمكنك مساعدتي؟"), "ar")
    answered_in(chat.say("Мені потрібна робота"), "uk")
    assert chat.tracker()["latest_message"]["language"] == "uk"


def test_the_coach_button_asks_a_coach(chat: Chat) -> None:
    onboard(chat)
    reply = chat.say("I don't speak Dutch, can you help me in English?")
    answered_in(reply, "en")
    assert "coach doorgegeven" in chat.texts("/request_coach")


def test_inside_the_decision_journey_the_form_is_left_and_kept(chat: Chat) -> None:
    onboard(chat)
    chat.say("/start_decision")
    assert active_loop(chat) == "decision_form"
    answered_in(chat.say("Sorry, I do not understand this, can you explain it in English?"), "en")
    assert active_loop(chat) is None
    chat.say("/start_decision")
    answered_in(chat.say("هل يمكنني التحدث مع شخص يتكلم العربية؟"), "ar")
    assert active_loop(chat) is None
    # Going on in Dutch: the menu; "Kies een stap" offers to go on where the user was.
    assert "Praat met coach" in buttons(chat.say("/greet"))


def test_during_onboarding_the_answer_does_not_become_the_region(chat: Chat) -> None:
    chat.say("hoi")
    chat.say("/affirm")  # now the region question
    answered_in(chat.say("Я не розмовляю нідерландською, допоможіть будь ласка"), "uk")
    tracker = chat.tracker()
    assert tracker["slots"]["region"] is None
    assert (tracker.get("active_loop") or {}).get("name") is None
    # "Continue in Dutch" starts again where a new user starts.
    assert "Woon je in Nederland of in Vlaanderen?" in chat.texts("/greet")


def test_dutch_and_flemish_are_unaffected(chat: Chat) -> None:
    onboard(chat)
    for text in ["ok", "thanks", "ik wil een job", "hello, ik zoek werk", "top, tot morgen"]:
        reply = chat.say(text)
        assert languages.answer("en").text not in texts(reply), text
        parsed = chat.tracker()["latest_message"]
        assert parsed["intent"]["name"] != "other_language", text
        assert "language" not in parsed, text


def test_a_crisis_in_english_still_gets_the_crisis_protocol(chat: Chat) -> None:
    onboard(chat)
    reply = chat.texts("I want to kill myself")
    assert "113" in reply
    assert chat.tracker()["latest_message"]["intent"]["name"] == "crisis"
