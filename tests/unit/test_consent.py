"""Consent: without it nothing consent-based is stored; withdrawing deletes it.

The consent-based records are progress events, decisions (with their follow-ups) and
exercise attempts. Other tests share the database, so counts are of our own users,
and the table totals are compared before and after.
"""

from __future__ import annotations

from uuid import uuid4

import pytest
from sqlalchemy import func, select

from bot.exercises.catalogue import catalogue
from bot.store import decisions, exercises, jobseekers
from bot.store.db import session_scope
from bot.store.jobseekers import CONSENT_BASED
from bot.store.models import JobSeeker
from bot.store.pseudonym import pseudonym
from tests.unit.test_decision_store import agreed, due_ids, past
from tests.unit.test_exercise_progress import attempt

pytestmark = pytest.mark.postgres


def new_sender(consent: bool | None) -> str:
    sender = f"consent-{uuid4().hex[:10]}"
    jobseekers.touch(sender, "rest")
    if consent is not None:
        jobseekers.set_consent(sender, consent)
    return sender


def store_everything(sender: str) -> list[object]:
    """One record of each kind, the way the actions write them; what each call returned."""
    exercise_id = catalogue("nl_NL").exercises[0].id
    return [
        jobseekers.log_progress(sender, "decision", {"choice": "proefplaatsing"}),
        decisions.record(sender, agreed(), past()),
        exercises.record(sender, attempt(exercise_id, 100)),
    ]


def rows_of(sender: str) -> dict[str, int]:
    jid = pseudonym(sender)
    with session_scope() as session:
        return {
            model.__tablename__: session.scalar(
                select(func.count()).select_from(model).where(model.jobseeker_id == jid)
            )
            for model in CONSENT_BASED
        }


def totals() -> dict[str, int]:
    with session_scope() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in CONSENT_BASED
        }


NONE = {"progress_events": 0, "decisions": 0, "exercise_attempts": 0}
ONE_EACH = {"progress_events": 1, "decisions": 1, "exercise_attempts": 1}


@pytest.mark.parametrize("consent", [None, False])
def test_without_consent_nothing_is_stored(consent: bool | None) -> None:
    sender = new_sender(consent)
    before = totals()
    assert store_everything(sender) == [False, None, False]
    assert rows_of(sender) == NONE
    assert totals() == before


def test_a_stranger_gets_nothing_stored_and_no_row() -> None:
    stranger = f"consent-{uuid4().hex[:10]}"  # never wrote: no profile
    before = totals()
    assert store_everything(stranger) == [False, None, False]
    assert totals() == before
    with session_scope() as session:
        assert session.get(JobSeeker, pseudonym(stranger)) is None


def test_withdrawing_deletes_that_users_records_only() -> None:
    leaving, staying = new_sender(True), new_sender(True)
    for sender in (leaving, staying):
        returned = store_everything(sender)
        assert returned[0] is True and returned[1] is not None and returned[2] is True
        assert rows_of(sender) == ONE_EACH
    decision_id = decisions.latest(leaving).id
    assert decision_id in due_ids()  # its follow-up is pending
    before = totals()

    assert jobseekers.set_consent(leaving, False) is True
    assert rows_of(leaving) == NONE
    assert decision_id not in due_ids()
    assert decisions.record_review(leaving, decision_id, {"worked": "yes"}) is False
    assert rows_of(staying) == ONE_EACH
    assert totals() == {table: count - 1 for table, count in before.items()}
    # From now on nothing is stored.
    assert store_everything(leaving) == [False, None, False]
    assert rows_of(leaving) == NONE


def test_withdrawing_in_the_onboarding_form_deletes_too() -> None:
    """After the privacy overview the form asks again; "Nee" goes through here."""
    sender = new_sender(None)
    assert jobseekers.complete_onboarding(sender, True, "nl_NL", "rest") is True
    store_everything(sender)
    assert rows_of(sender) == {**ONE_EACH, "progress_events": 2}  # "onboarded" as well
    assert jobseekers.complete_onboarding(sender, False, "nl_NL", "rest") is True
    assert rows_of(sender) == NONE
    assert jobseekers.get_profile(sender).consent is False
    # Saying "no" again changes nothing and stores nothing.
    assert jobseekers.complete_onboarding(sender, False, "nl_NL", "rest") is False
    assert rows_of(sender) == NONE


def test_consent_given_again_stores_new_records_and_nothing_old_comes_back() -> None:
    sender = new_sender(True)
    store_everything(sender)
    jobseekers.set_consent(sender, False)
    assert jobseekers.set_consent(sender, True) is True
    assert rows_of(sender) == NONE
    assert jobseekers.progress_counts(sender) == {}
    assert decisions.latest(sender) is None and exercises.of_sender(sender) == []

    jobseekers.log_progress(sender, "exercise", {"score": 40})
    decisions.record(sender, agreed(choice="sollicitatietraining"), past())
    assert rows_of(sender) == {**NONE, "progress_events": 1, "decisions": 1}
    assert decisions.latest(sender).choice == "sollicitatietraining"
    assert jobseekers.progress_counts(sender) == {"exercise": 1}
