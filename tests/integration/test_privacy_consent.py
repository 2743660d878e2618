"""Consent end to end: real Rasa, actions and database over REST.

Without consent a decision and an exercise leave no row in the consent-based tables.
With consent they do; withdrawing it through the privacy overview deletes them, and
nothing new is stored after that.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.exercises.catalogue import catalogue
from bot.store.db import session_scope
from bot.store.jobseekers import CONSENT_BASED
from bot.store.models import JobSeeker
from bot.store.pseudonym import pseudonym
from tests.integration.conftest import Chat
from tests.integration.test_conversation import buttons, onboard
from tests.integration.test_decision import press, texts
from tests.integration.test_exercises import do_exercise

pytestmark = pytest.mark.postgres


def rows_of(chat: Chat) -> dict[str, int]:
    jid = pseudonym(chat.sender)
    with session_scope() as session:
        return {
            model.__tablename__: session.scalar(
                select(func.count()).select_from(model).where(model.jobseeker_id == jid)
            )
            for model in CONSENT_BASED
        }


def consent_of(chat: Chat) -> bool | None:
    with session_scope() as session:
        return session.get(JobSeeker, pseudonym(chat.sender)).consent


def decide_with_the_coach(chat: Chat) -> None:
    """The shortest decision: goal, options, "not yet", "first talk with my coach"."""
    start = chat.say("/start_decision")
    options = chat.say(press(start, "Werk vinden"))
    preferences = chat.say(press(options, "Ga verder"))
    decide = chat.say(press(preferences, "Klaar met kiezen"))
    not_yet = chat.say(press(decide, "Nog niet kiezen"))
    coach = chat.say(press(not_yet, "Eerst met coach praten"))
    assert "Je kiest samen met je coach." in texts(coach)


def exercise(chat: Chat) -> None:
    first = chat.say("/start_exercise")
    if any(b.startswith("Dat gaat wel") for b in buttons(first)):
        chat.say(press(first, "Dat gaat wel"))
    do_exercise(chat, catalogue("nl_NL").exercises[0].id, "right")


NONE = {"progress_events": 0, "decisions": 0, "exercise_attempts": 0}


def test_without_consent_a_decision_and_an_exercise_store_nothing(chat: Chat) -> None:
    onboard(chat, consent="/deny")
    assert consent_of(chat) is False
    decide_with_the_coach(chat)
    exercise(chat)
    assert rows_of(chat) == NONE


def test_withdrawing_in_the_privacy_overview_deletes_and_stops_storing(chat: Chat) -> None:
    onboard(chat)
    decide_with_the_coach(chat)
    exercise(chat)
    stored = rows_of(chat)
    assert all(stored.values()), stored

    overview = chat.say("welke gegevens hebben jullie")
    question = chat.say(press(overview, "Ja, verander het"))
    assert "Nee, liever niet" in buttons(question)
    chat.say(press(question, "Nee, liever niet"))
    assert consent_of(chat) is False
    assert rows_of(chat) == NONE

    decide_with_the_coach(chat)
    exercise(chat)
    assert rows_of(chat) == NONE
