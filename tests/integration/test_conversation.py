"""Real conversations over the REST channel: replies, tracker and database rows."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy import text as sql

from bot.store.db import session_scope
from bot.store.models import CoachRequest, JobSeeker, ProgressEvent
from bot.store.pseudonym import pseudonym
from tests.integration.conftest import Chat


def buttons(messages: list[dict]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def row(chat: Chat) -> JobSeeker:
    with session_scope() as session:
        return session.get(JobSeeker, pseudonym(chat.sender))


def onboard(chat: Chat, consent: str = "/affirm", region: str = "Nederland") -> None:
    chat.say("hoi")
    chat.say(consent)
    chat.say(region)


def test_first_contact_discloses_asks_consent_and_region(chat: Chat) -> None:
    first = chat.say("hallo")
    text = "\n".join(m.get("text", "") for m in first)
    assert "computerprogramma" in text and "coach" in text
    assert "Ik help je op weg naar werk" in text
    assert first[-1]["text"].endswith("Mag ik het bewaren?")
    assert buttons(first[-1:]) == ["Ja, dat mag", "Nee, liever niet", "Vertel meer"]

    more = chat.say("/not_understood")  # the "Vertel meer" button
    assert "Je naam bewaar ik niet" in more[0]["text"]

    region_question = chat.say("ja hoor")
    assert [m["text"] for m in region_question] == ["Woon je in Nederland of in Vlaanderen?"]

    menu = chat.say("ik woon in Gent")
    assert menu[0]["text"].startswith("Dank je. Ik bewaar je voortgang.")
    assert buttons(menu[-1:]) == [
        "Kies een stap",
        "Oefen met de computer",
        "Bekijk je voortgang",
        "Praat met coach",
    ]
    stored = row(chat)
    assert (stored.consent, stored.region, stored.channel) == (True, "nl_BE", "rest")
    with session_scope() as session:
        kinds = session.execute(
            select(ProgressEvent.kind).where(ProgressEvent.jobseeker_id == stored.id)
        ).scalars()
        assert list(kinds) == ["onboarded"]
        # Rasa's tracker store writes to the same database.
        count = session.execute(
            sql("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": chat.sender}
        ).scalar_one()
        assert count > 10


def test_returning_user_is_greeted_back_without_questions(chat: Chat) -> None:
    onboard(chat)
    again = chat.say("hoi")
    assert again[0]["text"] == "Hoi, fijn dat je er weer bent!"
    assert "bewaren" not in " ".join(m.get("text", "") for m in again)


def test_without_consent_nothing_is_stored_and_the_bot_still_helps(chat: Chat) -> None:
    onboard(chat, consent="nee liever niet", region='/inform{"region": "nl_NL"}')
    assert row(chat).consent is False
    reply = chat.texts("hoe ver ben ik")
    assert "Ik bewaar je voortgang niet" in reply
    with session_scope() as session:
        count = session.execute(
            select(func.count()).where(ProgressEvent.jobseeker_id == pseudonym(chat.sender))
        ).scalar_one()
    assert count == 0


def test_region_from_the_start_parameter_skips_the_question(chat: Chat) -> None:
    chat.say("hoi", metadata={"region": "nl_BE"})
    after_consent = chat.say("/affirm")
    assert "Wat wil je doen?" in after_consent[-1]["text"]
    assert row(chat).region == "nl_BE"


def test_ik_snap_het_niet_says_the_question_simpler(chat: Chat) -> None:
    chat.say("hoi")
    chat.say("/affirm")
    simpler = chat.say("ik snap het niet")
    assert simpler[0]["text"] == "Waar woon je? Kies een land."
    assert buttons(simpler) == ["Kies Nederland", "Kies Vlaanderen"]
    # The form is still waiting for the answer.
    done = chat.say('/inform{"region": "nl_NL"}')
    assert "Wat wil je doen?" in done[-1]["text"]


def test_out_of_scope_gets_a_kind_answer_with_the_menu(chat: Chat) -> None:
    onboard(chat)
    reply = chat.say("wie wint de champions league dit jaar")
    assert "niet mee helpen" in reply[0]["text"]
    assert "Praat met coach" in buttons(reply)


def test_low_confidence_asks_what_was_meant_in_dutch(chat: Chat) -> None:
    onboard(chat)
    reply = chat.say("qwrtp zxcvb")
    text = " ".join(m.get("text", "") for m in reply)
    assert "Did you mean" not in text
    assert reply, "the bot must answer"


def test_praat_met_coach_is_recorded(chat: Chat) -> None:
    onboard(chat)
    reply = chat.texts("ik wil met een echt mens praten")
    assert "coach doorgegeven" in reply
    with session_scope() as session:
        requests_ = session.execute(
            select(CoachRequest).where(CoachRequest.jobseeker_id == pseudonym(chat.sender))
        ).scalars()
        assert [(r.reason, r.status) for r in requests_] == [("request", "waiting")]


def test_coach_button_works_in_the_middle_of_onboarding(chat: Chat) -> None:
    chat.say("hoi")
    reply = chat.say("/request_coach")
    text = " ".join(m.get("text", "") for m in reply)
    assert "coach doorgegeven" in text and text.rstrip().endswith("Mag ik het bewaren?")


def test_crisis_in_flanders_gives_1813_and_an_urgent_request(chat: Chat) -> None:
    chat.say("hoi", metadata={"region": "nl_BE"})
    reply = chat.texts("ik zie het echt niet meer zitten, ik wil er niet meer zijn")
    assert "1813" in reply and "112" in reply and "0800-0113" not in reply
    with session_scope() as session:
        urgent = session.execute(
            select(CoachRequest).where(
                CoachRequest.jobseeker_id == pseudonym(chat.sender),
                CoachRequest.priority == "urgent",
            )
        ).scalar_one()
    assert urgent.reason == "crisis"
    assert chat.tracker()["active_loop"] in ({}, None) or not chat.tracker()["active_loop"].get(
        "name"
    )


def test_crisis_in_the_netherlands_gives_113(chat: Chat) -> None:
    onboard(chat)
    reply = chat.texts("ik wil dood")
    assert "113" in reply and "0800-0113" in reply and "112" in reply


def test_bad_input_gets_an_answer_and_no_error(chat: Chat) -> None:
    onboard(chat)
    for message in [
        "",
        " ",
        "a" * 20_000,
        "<script>alert(1)</script>",
        "\x00\x01\x02 binary \ufffd",
        "'; DROP TABLE events; --",
        "Здравствуйте, как дела? 你好",
        "😀😀😀",
    ]:
        reply = chat.say(message)
        assert isinstance(reply, list)
    # Still alive and still itself.
    assert chat.texts("hoi") == "Hoi, fijn dat je er weer bent!\nWat wil je doen?"
