"""Names typed in the decision journey never reach the database: every column is scanned.

The decisions are stored the way the journey stores them (bot.store.decisions.record
and record_review) on the test database; then every text value of every table, Rasa's
events included, is searched for the names. A control run with the identifier mask
alone shows that the scan finds them, so the store's name masking is what keeps them out.
"""

from __future__ import annotations

from collections import Counter
from uuid import uuid4

import pytest
from sqlalchemy import delete

from bot.store import decisions, jobseekers
from bot.store.db import session_scope
from bot.store.models import Decision
from bot.store.pseudonym import pseudonym
from bot.text import masking
from tests.privacy_data import leftovers

pytestmark = pytest.mark.postgres

# What job-seekers type: first step, helper, evaluation reasons (upper and lower case).
NEXT_STEPS = [
    "Ik bel Marco van de bakkerij.",
    "bel meneer De Vries over de stage",
    "mail Aynur over het cv",
]
HELPERS = ["mijn zus Fatima", "buurman Jan", "mn vriendin samira"]
REASONS = ["mijn begeleider Ahmed was ziek", "mevrouw Yilmaz belde niet terug"]
NEEDLES = [
    "Marco",
    "Vries",
    "Aynur",
    "Fatima",
    "buurman Jan",
    "samira",
    "Ahmed",
    "Yilmaz",
]


def new_sender() -> str:
    sender = f"names-{uuid4().hex[:10]}"
    jobseekers.touch(sender, "rest")
    jobseekers.set_consent(sender, True)
    return sender


def state(next_what: str, helper: str) -> dict:
    """The end state of the journey after "Ja, dat klopt" (the keys the store reads)."""
    return {
        "v": 1,
        "step": "done",
        "region": "nl_NL",
        "catalogue": "2026.11-1",
        "goal": "work",
        "preferences": ["money"],
        "shown": ["werkervaringsplek", "proefplaatsing"],
        "choice": "proefplaatsing",
        "next_what": next_what,
        "next_on": "2026-12-01",
        "helper": helper,
        "outcome": "agreed",
    }


def store_journeys(sender: str) -> None:
    for next_what, helper, reason in zip(NEXT_STEPS, HELPERS, [*REASONS, REASONS[0]], strict=True):
        decision_id = decisions.record(sender, state(next_what, helper), None)
        assert decision_id is not None
        review = {
            "worked": "partly",
            "reasons": ["sick", "other"],
            "reason_text": reason,
            "still_good": True,
            "next": "adjust",
        }
        assert decisions.record_review(sender, decision_id, review)


def found() -> Counter[str]:
    """How many values in the whole database hold each name (per table and column)."""
    return Counter(leftovers(NEEDLES))


def test_no_typed_name_is_stored_anywhere() -> None:
    before = found()
    sender = new_sender()
    store_journeys(sender)
    assert found() - before == Counter()
    stored = decisions.latest(sender)
    assert stored is not None
    assert stored.next_step == "mail [naam] over het cv"
    assert stored.helper == "mn vriendin [naam]"
    assert stored.outcome is not None
    assert stored.outcome["reason_text"] == "mijn begeleider [naam] was ziek"
    assert stored.outcome["reasons"] == ["sick", "other"] and stored.outcome["next"] == "adjust"


def test_the_scan_finds_names_stored_without_name_masking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The control: identifiers masked, names not. The scan must see every name."""
    monkeypatch.setattr(decisions, "mask_free_text", masking.mask)
    before = found()
    sender = new_sender()
    try:
        store_journeys(sender)
        new = found() - before
        assert {hit.rsplit(": ", 1)[1] for hit in new} == set(NEEDLES)
        assert {hit.split(": ")[0] for hit in new} == {
            "decisions.next_step",
            "decisions.helper",
            "decisions.outcome",
        }
    finally:
        with session_scope() as session:
            session.execute(delete(Decision).where(Decision.jobseeker_id == pseudonym(sender)))
