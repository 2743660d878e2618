from uuid import uuid4

from sqlalchemy import select

from bot.store import escalations, jobseekers
from bot.store.db import session_scope
from bot.store.models import ChannelIdentity, CoachRequest, JobSeeker, ProgressEvent
from bot.store.pseudonym import pseudonym


def new_sender() -> str:
    return f"test-{uuid4().hex[:8]}"


def test_touch_creates_pseudonymous_job_seeker() -> None:
    sender = new_sender()
    first = jobseekers.touch(sender, "rest")
    assert first.is_new and first.consent is None and not first.disclosed
    again = jobseekers.touch(sender, "rest", "nl_BE")
    assert not again.is_new and again.region == "nl_BE"
    with session_scope() as session:
        row = session.get(JobSeeker, pseudonym(sender))
        assert row.id != sender and sender not in row.id
        identity = session.get(ChannelIdentity, row.id)
        assert identity.sender_id == sender and identity.channel == "rest"


def test_pseudonym_is_stable_and_keyed() -> None:
    assert pseudonym("12345") == pseudonym("12345")
    assert pseudonym("12345") != pseudonym("12346")
    assert len(pseudonym("12345")) == 32


def test_progress_is_stored_only_with_consent() -> None:
    sender = new_sender()
    jobseekers.touch(sender, "rest")
    assert jobseekers.log_progress(sender, "onboarded") is False
    jobseekers.set_consent(sender, False)
    assert jobseekers.log_progress(sender, "onboarded") is False
    with session_scope() as session:
        rows = session.execute(
            select(ProgressEvent).where(ProgressEvent.jobseeker_id == pseudonym(sender))
        ).all()
        assert rows == []
    jobseekers.set_consent(sender, True)
    assert jobseekers.log_progress(sender, "onboarded", {"region": "nl_NL"}) is True
    assert jobseekers.progress_counts(sender) == {"onboarded": 1}


def test_consent_change_is_remembered() -> None:
    sender = new_sender()
    jobseekers.touch(sender, "telegram")
    jobseekers.set_consent(sender, True)
    assert jobseekers.get_profile(sender).consent is True
    jobseekers.set_consent(sender, False)
    assert jobseekers.get_profile(sender).consent is False


def test_one_open_escalation_per_jobseeker_and_a_crisis_makes_it_urgent() -> None:
    sender = new_sender()
    jobseekers.touch(sender, "rest")
    first = escalations.open_escalation(sender, "request")
    assert escalations.open_escalation(sender, "request") == first
    crisis = escalations.open_escalation(sender, "crisis", priority="urgent")
    assert crisis == first
    with session_scope() as session:
        row = session.get(CoachRequest, crisis)
        assert (row.priority, row.status, row.reason) == ("urgent", "waiting", "crisis")


def test_update_of_unknown_user_creates_the_row() -> None:
    sender = new_sender()
    jobseekers.set_region(sender, "nl_BE")
    assert jobseekers.get_profile(sender).region == "nl_BE"
