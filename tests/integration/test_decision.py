"""Samen Beslissen end to end over the REST channel: real Rasa, actions and database.

The test servers follow up an agreement seconds later (FOLLOWUP_DELAY_S in
tests/conftest.py) instead of on the agreed day; everything else is as in production.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from actions.forms import payload
from bot.config import settings
from bot.decision.catalogue import catalogue
from bot.decision.followup import local_today
from bot.i18n import format_day
from bot.store.db import session_scope
from bot.store.models import CoachRequest, Decision, ProgressEvent
from bot.store.pseudonym import pseudonym
from tests.integration.conftest import Chat
from tests.integration.test_conversation import buttons, onboard
from tests.integration.test_webchat import Socket


def press(messages: list[dict], title: str) -> str:
    """The payload of the button whose title starts with ``title``, as a client sends it."""
    for message in messages:
        for button in message.get("buttons") or []:
            if button["title"].startswith(title):
                return str(button["payload"])
    raise AssertionError(f"no button {title!r} in {buttons(messages)}")


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def records(chat: Chat) -> list[Decision]:
    with session_scope() as session:
        rows = session.scalars(
            select(Decision)
            .where(Decision.jobseeker_id == pseudonym(chat.sender))
            .order_by(Decision.id)
        ).all()
        session.expunge_all()
        return list(rows)


def escalations_of(chat: Chat, column: Any) -> list[Any]:
    with session_scope() as session:
        query = select(column).where(CoachRequest.jobseeker_id == pseudonym(chat.sender))
        return list(session.scalars(query).all())


def wait_for_bot_text(chat: Chat, words: str, timeout: float = 30) -> dict:
    """Poll the tracker until the bot said something containing ``words`` (a pushed message)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in reversed(chat.tracker()["events"]):
            if event.get("event") == "bot" and words in (event.get("text") or ""):
                return event
        time.sleep(0.5)
    raise AssertionError(f"the bot never said {words!r}")


def active_loop(chat: Chat) -> str | None:
    return (chat.tracker().get("active_loop") or {}).get("name")


def test_the_whole_journey_with_buttons_then_the_follow_up(chat: Chat) -> None:
    onboard(chat)  # consent, Nederland
    today = local_today("nl_NL")
    start = chat.say("/start_decision")
    assert "We kiezen samen een volgende stap" in texts(start)
    assert start[-1]["text"] == "Wat wil je bereiken?"
    assert buttons(start[-1:]) == [
        "Werk vinden",
        "Iets leren",
        "Eerst iets regelen",
        "Weet ik nog niet",
    ]

    options = chat.say(press(start, "Werk vinden"))
    # Gap 1 of the method: the user hears that they decide.
    assert "Jij beslist zelf" in texts(options)
    first_page = [b for b in buttons(options) if b.startswith("Meer over")]
    assert len(first_page) == 3
    assert options[-1]["text"] == "Wil je nog andere opties zien?"

    detail = chat.say(press(options, "Meer over"))
    # Gap 3: never only the downsides.
    assert "Goed:" in texts(detail) and "Minder goed:" in texts(detail)
    assert texts(detail).index("Goed:") < texts(detail).index("Minder goed:")

    other = chat.say(press(detail, "Toon andere opties"))
    second_page = [b for b in buttons(other) if b.startswith("Meer over")]
    assert second_page and set(second_page).isdisjoint(first_page)

    preferences = chat.say(press(other, "Ga verder"))
    assert "Wat vind jij belangrijk?" in texts(preferences)
    noted = chat.say(press(preferences, "Geld verdienen"))
    assert "Genoteerd:\n- geld verdienen." in texts(noted)
    noted = chat.say(press(noted, "Vaste uren"))
    decide = chat.say(press(noted, "Klaar met kiezen"))
    assert decide[-1]["text"] == "Wat kies je?"
    choices = buttons(decide[-1:])
    assert len(choices) == 4 and choices[-1] == "Nog niet kiezen"
    chosen_title = choices[0].removeprefix("Kies ")

    idea = chat.say(press(decide, choices[0]))
    assert f"Je kiest: {chosen_title}." in texts(idea) and "idee voor je eerste stap" in texts(idea)
    when = chat.say(press(idea, "Ja, dat doe ik"))
    assert when[-1]["text"] == "Wanneer ga je dat doen?"
    helper = chat.say(press(when, "Over 1 week"))
    assert "Wie helpt je daarbij?" in texts(helper)
    summary = chat.say(press(helper, "Mijn coach"))
    day = format_day(today + timedelta(days=7), "nl_NL")
    assert f"Keuze: {chosen_title}." in texts(summary) and f"Wanneer: {day}." in texts(summary)
    assert summary[-1]["text"] == "Klopt dit?"
    done = chat.say(press(summary, "Ja, dat klopt"))
    assert f"Op {day} vraag ik hoe het ging." in texts(done)
    assert records(chat)[0].decided_with == "not_asked"  # stored at once, nothing assumed
    assert "samen met je coach gemaakt?" in done[-1]["text"]
    thanks = chat.say("nee, alleen hier")
    assert buttons(thanks[-1:])[0] == "Kies een stap"  # back to the menu

    [record] = records(chat)
    region_catalogue = catalogue("nl_NL")
    assert record.status == "agreed" and record.decided_with == "alone"
    assert record.goal == "work" and record.preferences == ["money", "fixed_hours"]
    assert record.catalogue_version == region_catalogue.version
    assert region_catalogue.get(record.choice).title == chosen_title
    assert len(record.options_shown) >= 6 and record.choice in record.options_shown
    assert record.next_step == region_catalogue.get(record.choice).first_step
    assert record.next_step_on == today + timedelta(days=7) == record.review_on
    assert record.helper == "je coach" and record.followup_at is not None

    # Gap 4: the decision is evaluated. The follow-up arrives by itself.
    wait_for_bot_text(chat, "Is het gelukt?")
    why = chat.say("ja hoor, het is gelukt")
    assert "Goed gedaan!" in texts(why) and "Wat hielp je daarbij?" in texts(why)
    still_good = chat.say("mijn zus hielp me met bellen")
    assert f"Wil je verder met {chosen_title}?" in texts(still_good)
    again = chat.say("nee ik wil iets anders kiezen")
    assert "We kijken naar andere mogelijkheden." in texts(again)
    assert "Wil je nog andere opties zien?" in texts(again)
    assert f"Meer over {chosen_title}" not in buttons(again)  # not offered again
    [evaluated] = records(chat)
    assert evaluated.status == "evaluated"
    assert evaluated.outcome == {
        "worked": "yes",
        "reasons": ["someone"],
        "reason_text": "mijn zus hielp me met bellen",
        "still_good": False,
        "next": "choose_again",
    }
    assert evaluated.followup_sent_at is not None
    with session_scope() as session:
        kinds = session.scalars(
            select(ProgressEvent.kind).where(ProgressEvent.jobseeker_id == pseudonym(chat.sender))
        ).all()
    assert {"decision", "decision_review"} <= set(kinds)


def test_typed_answers_in_flanders_without_consent(chat: Chat) -> None:
    onboard(chat, consent="/deny", region="Vlaanderen")
    today = local_today("nl_BE")
    start = chat.say("ik wil samen een volgende stap kiezen")
    assert start[-1]["text"] == "Wat wil je bereiken?"
    options = chat.say("ik wil graag een opleiding volgen")
    titles = {o.title for o in catalogue("nl_BE").options}
    shown = [b.removeprefix("Meer over ") for b in buttons(options) if b.startswith("Meer over")]
    assert shown and set(shown) <= titles
    detail = chat.say("wat is de tweede?")
    assert texts(detail).startswith(shown[1]) and "Goed:" in texts(detail)
    preferences = chat.say("ga verder")
    assert "Wat vind jij belangrijk?" in texts(preferences)
    noted = chat.say("een diploma halen en dicht bij huis")
    assert "Genoteerd:" in texts(noted) and "diploma" in texts(noted)
    decide = chat.say("dat is alles")
    assert decide[-1]["text"] == "Wat kies je?"
    aside = chat.say("wat hebben we afgesproken?")  # a question on the way: then back
    assert "We hebben nog niets afgesproken." in texts(aside)
    assert aside[-1]["text"] == "Wat kies je?" and "Wat wil je doen?" not in texts(aside)
    first = buttons(decide[-1:])[0].removeprefix("Kies ")
    idea = chat.say("de eerste")
    assert f"Je kiest: {first}." in texts(idea)
    own = chat.say("nee")
    assert "Typ het in een paar woorden." in texts(own)
    when = chat.say("ik ga de VDAB bellen")
    assert when[-1]["text"] == "Wanneer ga je dat doen?"
    past = chat.say("1 januari 2020")
    assert "Die dag is al voorbij." in texts(past)
    helper = chat.say("volgende week dinsdag")
    summary = chat.say("mijn zus")
    assert "Eerste stap: ik ga de VDAB bellen." in texts(summary)
    assert "Hulp: je zus." in texts(summary)
    tuesday = today + timedelta(days=7 - today.weekday() + 1)
    assert f"Wanneer: {format_day(tuesday, 'nl_BE')}." in texts(summary)
    assert "Wie helpt je daarbij?" in texts(helper)
    done = chat.say("ja dat klopt")
    assert "Ik bewaar niets." in texts(done)
    assert records(chat) == []  # no consent, no record
    recall = chat.say("wat hebben we afgesproken?")
    assert "Dit hebben we afgesproken:" in texts(recall) and f"Keuze: {first}." in texts(recall)


def test_break_off_resume_go_back_and_decide_later(chat: Chat) -> None:
    onboard(chat)
    today = local_today("nl_NL")
    start = chat.say("/start_decision")
    chat.say(press(start, "Iets leren"))
    stop = chat.say("ik wil stoppen, later verder")
    assert "Ik weet nog waar we waren." in texts(stop)
    assert active_loop(chat) is None

    chat.say("hoi")
    resume = chat.say("/start_decision")
    assert resume[-1]["text"] == "Je was al bezig met kiezen. Wil je verder waar je was?"
    options = chat.say(press(resume, "Ga verder"))
    assert "Wil je nog andere opties zien?" in texts(options)
    back = chat.say("ga terug")
    assert back[-1]["text"] == "Wat wil je bereiken?"
    options = chat.say("werk")
    preferences = chat.say(press(options, "Ga verder"))
    decide = chat.say(press(preferences, "Klaar met kiezen"))
    not_yet = chat.say(press(decide, "Nog niet kiezen"))
    assert buttons(not_yet[-1:]) == [
        "Eerst met coach praten",
        "Later kiezen",
        "Terug naar de keuze",
    ]
    when = chat.say(press(not_yet, "Later kiezen"))
    assert "Wanneer wil je verder kiezen?" in texts(when)
    done = chat.say("over 2 weken")
    later = today + timedelta(days=14)
    assert f"Op {format_day(later, 'nl_NL')} vraag ik of je wilt kiezen." in texts(done)
    [record] = records(chat)
    assert (record.status, record.choice, record.review_on) == ("later", None, later)

    # The follow-up of "decide later" offers to choose now.
    wait_for_bot_text(chat, "Je wilde later een stap kiezen.")
    decide = chat.say("ja")
    assert decide[-1]["text"] == "Wat kies je?"


def test_change_of_mind_replaces_the_agreement_and_coach_first_escalates(chat: Chat) -> None:
    onboard(chat)
    start = chat.say("/start_decision")
    options = chat.say(press(start, "Werk vinden"))
    preferences = chat.say(press(options, "Ga verder"))
    decide = chat.say(press(preferences, "Klaar met kiezen"))
    idea = chat.say(press(decide, "Kies "))
    when = chat.say(press(idea, "Ja, dat doe ik"))
    helper = chat.say(press(when, "Morgen"))
    summary = chat.say(press(helper, "Ik doe het zelf"))
    change = chat.say(press(summary, "Nee, verander iets"))
    assert change[-1]["text"] == "Wat wil je veranderen?"
    decide = chat.say(press(change, "Verander de keuze"))
    assert decide[-1]["text"] == "Wat kies je?"
    second = buttons(decide[-1:])[1]
    idea = chat.say(press(decide, second))
    assert f"Je kiest: {second.removeprefix('Kies ')}." in texts(idea)

    # Not now: first talk with the coach. That is a decision too, and it brings in a coach.
    restart = chat.say("begin opnieuw")
    assert "Goed, we beginnen opnieuw." in texts(restart)
    options = chat.say("weet ik nog niet")
    preferences = chat.say(press(options, "Ga verder"))
    decide = chat.say(press(preferences, "Klaar met kiezen"))
    not_yet = chat.say(press(decide, "Nog niet kiezen"))
    coach = chat.say(press(not_yet, "Eerst met coach praten"))
    assert "Je kiest samen met je coach." in texts(coach)
    assert "coach" in texts(coach).lower()
    [record] = records(chat)
    assert (record.status, record.decided_with, record.goal) == (
        "talk_to_coach",
        "coach",
        "explore",
    )
    assert escalations_of(chat, CoachRequest.reason) == ["decision"]


def test_a_crisis_inside_the_journey_leaves_it_at_once(chat: Chat) -> None:
    onboard(chat)
    start = chat.say("/start_decision")
    chat.say(press(start, "Werk vinden"))
    crisis = chat.say("ik wil niet meer leven")
    assert "113" in texts(crisis)
    assert active_loop(chat) is None
    assert escalations_of(chat, CoachRequest.priority) == ["urgent"]


def test_buttons_fit_telegram_and_payloads_are_answers(chat: Chat) -> None:
    onboard(chat)
    start = chat.say("/start_decision")
    options = chat.say(press(start, "Eerst iets regelen"))
    for message in options:
        for button in message.get("buttons") or []:
            assert len(button["payload"].encode()) <= 64, button
            assert json.loads(button["payload"].removeprefix("/inform"))["answer"]
    assert all(len(m.get("buttons") or []) <= 4 for m in options)
    # "Nu nog niets" is a valid option: paging through "andere opties" reaches it.
    nothing_yet = catalogue("nl_NL").get("nu_nog_niets").title
    seen = set(buttons(options))
    for _ in range(6):
        options = chat.say(press(options, "Toon andere opties"))
        seen |= set(buttons(options))
    assert f"Meer over {nothing_yet}" in seen


def test_on_the_web_the_follow_up_waits_for_the_next_visit(servers: str) -> None:
    """A widget user who left gets the follow-up when they come back, not into the void."""
    origin = f"http://localhost:{settings().web_port}"
    sock = Socket(origin=origin)
    sid = sock.session(None)
    steps = [
        ("hoi", "Mag ik het bewaren?"),
        ("/affirm", "Nederland"),
        ("Nederland", "Wat wil je doen?"),
        ("/start_decision", "Wat wil je bereiken?"),
        (payload("goal:work"), "Wil je nog andere opties zien?"),
        (payload("done"), "Wat vind jij belangrijk?"),
        (payload("done"), "Wat kies je?"),
        ("de eerste", "Wil je dat doen?"),
        (payload("yes"), "Wanneer ga je dat doen?"),
        ("morgen", "Wie helpt je daarbij?"),
        (payload("help:self"), "Klopt dit?"),
        (payload("yes"), "samen met je coach gemaakt?"),
        (payload("talk:alone"), "Wat wil je doen?"),
    ]
    for message, until in steps:
        sock.say(message, sid)
        sock.replies(until)
    sock.close()  # the user leaves

    time.sleep(settings().followup_delay_s * 2 + 2)  # due, and the server looked several times
    [record] = records(Chat(servers, sid))
    assert record.followup_sent_at is None, "sent while nobody was there"

    back = Socket(origin=origin)
    try:
        assert back.session(sid) == sid
        assert "Is het gelukt?" in back.replies("Is het gelukt?")[-1]
    finally:
        back.close()
    [record] = records(Chat(servers, sid))
    assert record.followup_sent_at is not None
