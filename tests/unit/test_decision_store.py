"""Decision records and their follow-ups (bot/store/decisions.py) on the test database."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from uuid import uuid4

from sqlalchemy import func, select

from bot.store import decisions, jobseekers
from bot.store.db import session_scope
from bot.store.models import Decision, utcnow
from bot.store.pseudonym import pseudonym


def new_sender(channel: str = "rest", consent: bool | None = True) -> str:
    sender = f"dec-{uuid4().hex[:10]}"
    jobseekers.touch(sender, channel)
    if consent is not None:
        jobseekers.set_consent(sender, consent)
    return sender


def agreed(**changes: object) -> dict:
    """The end state of the flow after "Ja, dat klopt" (the keys the store reads)."""
    state = {
        "v": 1,
        "step": "done",
        "region": "nl_NL",
        "catalogue": "2026.11-1",
        "goal": "work",
        "preferences": ["money", "fixed_hours"],
        "shown": ["werkervaringsplek", "proefplaatsing", "sollicitatietraining"],
        "offered": ["proefplaatsing"],
        "choice": "proefplaatsing",
        "next_what": "Mail jan.jansen@example.org over een proefplaats.",
        "next_on": "2026-12-01",
        "helper": "je zus",
        "later_on": None,
        "outcome": "agreed",
    }
    state.update(changes)
    return state


def count_rows(sender: str) -> int:
    with session_scope() as session:
        return session.scalar(
            select(func.count())
            .select_from(Decision)
            .where(Decision.jobseeker_id == pseudonym(sender))
        )


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC; Postgres aware. Compare both as aware UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def past(minutes: int = 5) -> datetime:
    return utcnow() - timedelta(minutes=minutes)


def due_ids(now: datetime | None = None) -> dict[int, decisions.DueFollowup]:
    return {d.decision_id: d for d in decisions.due_followups(now, limit=10_000)}


# --------------------------------------------------------------------------- consent


def test_nothing_is_stored_without_consent() -> None:
    undecided = new_sender(consent=None)
    refused = new_sender(consent=False)
    for sender in (undecided, refused):
        assert decisions.record(sender, agreed(), past()) is None
        assert count_rows(sender) == 0
        assert decisions.latest(sender) is None
    stranger = f"dec-{uuid4().hex[:10]}"  # never seen at all
    assert decisions.record(stranger, agreed(), None) is None
    assert count_rows(stranger) == 0


def test_consent_withdrawn_deletes_and_stores_nothing_new() -> None:
    sender = new_sender()
    assert decisions.record(sender, agreed(), None) is not None
    jobseekers.set_consent(sender, False)
    assert count_rows(sender) == 0  # consent was the ground for keeping it
    assert decisions.record(sender, agreed(), None) is None
    assert count_rows(sender) == 0


# --------------------------------------------------------------------------- record


def test_record_keeps_every_field_with_free_text_masked() -> None:
    sender = new_sender()
    followup_at = utcnow() + timedelta(days=8)
    state = agreed(helper="mijn buurvrouw, bel 06 12345678")
    decision_id = decisions.record(sender, state, followup_at)
    assert isinstance(decision_id, int)

    stored = decisions.get(sender, decision_id)
    assert stored is not None
    assert stored.id == decision_id
    assert stored.region == "nl_NL"
    assert stored.catalogue_version == "2026.11-1"
    assert stored.goal == "work"
    assert stored.options_shown == ["werkervaringsplek", "proefplaatsing", "sollicitatietraining"]
    assert stored.preferences == ["money", "fixed_hours"]
    assert stored.choice == "proefplaatsing"
    assert stored.decided_with == "not_asked"
    assert stored.next_step == "Mail [e-mail] over een proefplaats."
    assert "example.org" not in stored.next_step
    assert stored.helper == "mijn buurvrouw, bel [telefoon]"
    assert stored.next_step_on == date(2026, 12, 1)
    assert stored.review_on == date(2026, 12, 1)
    assert stored.status == "agreed"
    assert stored.outcome is None
    assert aware(stored.followup_at) == followup_at
    assert stored.created_at is not None

    as_state = stored.as_state()
    assert as_state["id"] == decision_id and as_state["status"] == "agreed"
    assert as_state["next_what"] == "Mail [e-mail] over een proefplaats."
    assert as_state["next_on"] == "2026-12-01" and as_state["choice"] == "proefplaatsing"


def test_record_later_keeps_the_day_to_ask_again_but_no_choice() -> None:
    sender = new_sender()
    state = agreed(outcome="later", later_on="2026-12-07", next_on=None, next_what=None)
    state["choice"] = "proefplaatsing"  # looked at, not chosen
    stored = decisions.get(sender, decisions.record(sender, state, past()))
    assert stored.status == "later"
    assert stored.choice is None and stored.next_step is None and stored.next_step_on is None
    assert stored.review_on == date(2026, 12, 7)
    assert stored.decided_with == "not_asked"


def test_record_coach_is_decided_with_the_coach() -> None:
    sender = new_sender()
    state = agreed(outcome="coach", next_what=None, next_on=None, helper=None)
    stored = decisions.get(sender, decisions.record(sender, state, None))
    assert stored.status == "talk_to_coach" and stored.decided_with == "coach"
    assert stored.choice is None and stored.followup_at is None


def test_region_comes_from_the_job_seeker_when_the_state_has_none() -> None:
    sender = f"dec-{uuid4().hex[:10]}"
    jobseekers.touch(sender, "rest", "nl_BE")
    jobseekers.set_consent(sender, True)
    stored = decisions.get(sender, decisions.record(sender, agreed(region=None), None))
    assert stored.region == "nl_BE"


def test_a_new_record_replaces_the_open_one() -> None:
    sender = new_sender()
    first = decisions.record(sender, agreed(), past())
    second = decisions.record(sender, agreed(choice="sollicitatietraining"), past())
    assert first != second

    old = decisions.get(sender, first)
    assert old.status == "replaced"
    assert old.followup_at is None  # its follow-up is never sent
    assert decisions.get(sender, second).status == "agreed"

    newest = decisions.latest(sender)
    assert newest.id == second and newest.choice == "sollicitatietraining"
    assert first not in due_ids() and second in due_ids()


def test_latest_skips_replaced_but_not_evaluated() -> None:
    sender = new_sender()
    assert decisions.latest(sender) is None
    first = decisions.record(sender, agreed(), None)
    assert decisions.latest(sender).id == first
    assert decisions.record_review(sender, first, {"worked": "yes", "still_good": True})
    assert decisions.latest(sender).id == first  # evaluated still counts
    second = decisions.record(sender, agreed(outcome="later", later_on="2026-12-07"), None)
    third = decisions.record(sender, agreed(), None)
    assert decisions.get(sender, second).status == "replaced"
    assert decisions.get(sender, first).status == "evaluated"  # not open: left alone
    assert decisions.latest(sender).id == third


def test_for_jobseeker_lists_newest_first() -> None:
    sender = new_sender()
    ids = [decisions.record(sender, agreed(), None) for _ in range(3)]
    listed = decisions.for_jobseeker(pseudonym(sender))
    assert [d.id for d in listed] == list(reversed(ids))
    assert [d.status for d in listed] == ["agreed", "replaced", "replaced"]
    assert len(decisions.for_jobseeker(pseudonym(sender), limit=2)) == 2


# --------------------------------------------------------------------------- review


def test_record_review_sets_evaluated_and_the_outcome() -> None:
    sender = new_sender()
    decision_id = decisions.record(sender, agreed(), past())
    review = {"worked": "partly", "still_good": True, "extra": "not kept"}
    assert decisions.record_review(sender, decision_id, review) is True
    stored = decisions.get(sender, decision_id)
    assert stored.status == "evaluated"
    assert stored.outcome == {"worked": "partly", "still_good": True}
    assert decision_id not in due_ids()


def test_record_review_refuses_another_users_decision() -> None:
    owner, other = new_sender(), new_sender()
    decision_id = decisions.record(owner, agreed(), past())
    assert decisions.record_review(other, decision_id, {"worked": "no"}) is False
    stored = decisions.get(owner, decision_id)
    assert stored.status == "agreed" and stored.outcome is None


def test_record_review_without_a_decision() -> None:
    sender = new_sender()
    assert decisions.record_review(sender, None, {"worked": "yes"}) is False
    assert decisions.record_review(sender, 10**9, {"worked": "yes"}) is False


def test_get_refuses_another_senders_decision() -> None:
    owner, other = new_sender(), new_sender()
    decision_id = decisions.record(owner, agreed(), None)
    assert decisions.get(owner, decision_id) is not None
    assert decisions.get(other, decision_id) is None
    assert decisions.get(owner, 10**9) is None


# --------------------------------------------------------------------------- follow-ups


def test_due_followups_only_due_unsent_agreed_or_later() -> None:
    now = utcnow()
    due_agreed = new_sender("telegram")
    due_later = new_sender("rest")
    not_yet = new_sender()
    coach = new_sender()
    evaluated = new_sender()
    sent = new_sender()
    no_time = new_sender()

    ids = {
        "due_agreed": decisions.record(due_agreed, agreed(), now - timedelta(minutes=1)),
        "due_later": decisions.record(
            due_later, agreed(outcome="later", later_on="2026-12-07"), now - timedelta(hours=3)
        ),
        "not_yet": decisions.record(not_yet, agreed(), now + timedelta(hours=1)),
        "coach": decisions.record(coach, agreed(outcome="coach"), now - timedelta(minutes=1)),
        "evaluated": decisions.record(evaluated, agreed(), now - timedelta(minutes=1)),
        "sent": decisions.record(sent, agreed(), now - timedelta(minutes=1)),
        "no_time": decisions.record(no_time, agreed(), None),
    }
    assert decisions.record_review(evaluated, ids["evaluated"], {"worked": "yes"})
    assert decisions.claim_followup(ids["sent"])

    due = due_ids(now)
    assert due[ids["due_agreed"]] == decisions.DueFollowup(
        ids["due_agreed"], due_agreed, "telegram"
    )
    assert due[ids["due_later"]] == decisions.DueFollowup(ids["due_later"], due_later, "rest")
    for name in ("not_yet", "coach", "evaluated", "sent", "no_time"):
        assert ids[name] not in due, name

    later = due_ids(now + timedelta(hours=2))
    assert ids["not_yet"] in later
    # In id order, so a caller can page through all of them.
    order = [d.decision_id for d in decisions.due_followups(now, limit=10_000)]
    assert order == sorted(order)
    mine = decisions.due_followups(now, sender_id=due_later)
    assert [d.decision_id for d in mine] == [ids["due_later"]]


def test_paging_through_due_followups_reaches_every_one() -> None:
    made = [decisions.record(new_sender(), agreed(), past(60)) for _ in range(5)]
    seen: list[int] = []
    after = 0
    while page := decisions.due_followups(limit=2, after_id=after):
        seen += [d.decision_id for d in page]
        after = page[-1].decision_id
    assert set(made) <= set(seen) and len(seen) == len(set(seen))


def test_due_followups_respects_the_limit() -> None:
    for _ in range(3):
        sender = new_sender()
        decisions.record(sender, agreed(), past(60))
    assert len(decisions.due_followups(limit=2)) == 2


def test_claim_once_then_release_makes_it_due_again() -> None:
    sender = new_sender()
    decision_id = decisions.record(sender, agreed(), past())
    assert decision_id in due_ids()
    assert decisions.claim_followup(decision_id) is True
    assert decisions.claim_followup(decision_id) is False
    assert decision_id not in due_ids()
    decisions.release_followup(decision_id)
    assert decision_id in due_ids()
    assert decisions.claim_followup(decision_id) is True


def test_claim_of_an_unknown_decision_fails() -> None:
    assert decisions.claim_followup(10**9) is False


def test_no_follow_up_after_consent_is_withdrawn() -> None:
    sender = new_sender()
    decision_id = decisions.record(sender, agreed(), past())
    assert decision_id in due_ids()
    jobseekers.set_consent(sender, False)
    assert decision_id not in due_ids()


def test_how_the_choice_was_made_is_not_assumed_then_stored_as_said() -> None:
    sender = new_sender()
    decision = decisions.record(sender, agreed(), None)
    assert decisions.get(sender, decision).decided_with == "not_asked"
    assert decisions.record_talk(sender, decision, "coach_asked")
    assert decisions.get(sender, decision).decided_with == "coach_asked"
    assert not decisions.record_talk(sender, decision, "de buurman")  # no free text
    assert not decisions.record_talk(new_sender(), decision, "alone")  # not theirs
    assert decisions.get(sender, decision).decided_with == "coach_asked"


def test_the_evaluation_keeps_its_reasons_with_the_typed_text_masked() -> None:
    sender = new_sender()
    decision = decisions.record(sender, agreed(), None)
    review = {
        "worked": "no",
        "reasons": ["no_answer"],
        "reason_text": "mail jan.jansen@example.org kwam terug " + "x" * 300,
        "still_good": False,
        "next": "choose_again",
        "unknown": "not kept",
    }
    assert decisions.record_review(sender, decision, review)
    outcome = decisions.get(sender, decision).outcome
    assert outcome["reasons"] == ["no_answer"] and outcome["next"] == "choose_again"
    assert "jan.jansen" not in outcome["reason_text"] and len(outcome["reason_text"]) <= 200
    assert "unknown" not in outcome


def test_what_the_job_seeker_would_rather_not_have_is_kept_and_read_in_words() -> None:
    """ "geen vaste uren" counts in the choice: the coach sees it beside what matters."""
    from bot.coach.decisions import decision_row

    sender = new_sender()
    decision_id = decisions.record(
        sender, agreed(preferences=["money"], avoid=["fixed_hours"]), None
    )
    assert decision_id is not None
    stored = decisions.get(sender, decision_id)
    assert stored is not None and stored.avoid == ["fixed_hours"]
    assert stored.as_state()["avoid"] == ["fixed_hours"]
    row = decision_row(stored, "nl")
    assert row.preferences and row.avoid and row.avoid != row.preferences
    assert "fixed" not in row.avoid  # words, not ids
    older = decisions.record(sender, agreed(), None)
    assert older is not None
    assert decisions.get(sender, older).avoid == []  # a record without it reads as none
