"""Custom actions against tracker fixtures and the real domain, on a real SQLite database."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from uuid import uuid4

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import support
from actions.common import session_intents
from actions.fallback import ActionDefaultAskAffirmation
from actions.journey import ActionShowProgress
from actions.onboarding import (
    ActionOnboardingDone,
    ActionRegionChanged,
    AskConsent,
    AskRegion,
    ValidateOnboardingForm,
)
from actions.privacy import ActionEraseData, ActionPrivacySummary
from actions.session import ActionSessionStart
from actions.simpler import ActionExplainSimpler
from actions.support import (
    ActionCrisis,
    ActionReferQuestion,
    ActionRequestCoach,
    ActionShareProblem,
)
from bot.escalation import summary
from bot.store import escalations, jobseekers
from bot.store.db import session_scope
from bot.store.models import CoachRequest, ProgressEvent, Team
from bot.store.pseudonym import pseudonym
from tests.unit.trackers import bot_event, domain, from_fixture, responses, run, slots, tracker

DOMAIN = domain()


# --- session start ---------------------------------------------------------


def test_new_user_gets_the_disclosure_once() -> None:
    t = tracker()
    messages, events = run(ActionSessionStart(), t)
    assert responses(messages) == ["utter_disclosure"]
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    assert slots(events) == {"region": None, "consent": None, "onboarded": False}
    again, _ = run(ActionSessionStart(), tracker(sender_id=t.sender_id))
    assert again == []


def test_returning_user_gets_profile_slots_back() -> None:
    t = tracker()
    jobseekers.touch(t.sender_id, "rest")
    jobseekers.mark_disclosed(t.sender_id)
    jobseekers.set_consent(t.sender_id, True)
    jobseekers.set_region(t.sender_id, "nl_BE")
    messages, events = run(ActionSessionStart(), t)
    assert messages == []
    assert slots(events) == {"region": "nl_BE", "consent": True, "onboarded": True}


def test_start_parameter_sets_the_region() -> None:
    t = tracker(metadata={"region": "be", "channel": "telegram"})
    _, events = run(ActionSessionStart(), t)
    assert slots(events)["region"] == "nl_BE"
    assert slots(events)["session_started_metadata"] == {"region": "be", "channel": "telegram"}
    assert jobseekers.get_profile(t.sender_id).region == "nl_BE"


# --- ik snap het niet --------------------------------------------------------


def test_not_understood_gives_the_simple_variant_of_the_question() -> None:
    messages, _ = run(ActionExplainSimpler(), from_fixture("tracker_consent_question.json"))
    assert responses(messages) == ["utter_ask_consent_simple"]


def test_not_understood_twice_repeats_simple_words_and_offers_a_person() -> None:
    t = tracker(events=[bot_event("utter_ask_consent_simple")])
    messages, _ = run(ActionExplainSimpler(), t)
    assert responses(messages) == ["utter_ask_consent_simple", "utter_still_hard"]


def test_not_understood_repeats_a_text_without_simple_variant() -> None:
    buttons = [{"title": "Ja", "payload": "/affirm"}]
    t = tracker(events=[bot_event("utter_greet_back", "Hoi daar!", buttons)])
    messages, _ = run(ActionExplainSimpler(), t)
    assert messages[0]["response"] == "utter_explain_again"
    assert messages[1]["text"] == "Hoi daar!" and messages[1]["buttons"] == buttons


def test_not_understood_at_the_start_explains_what_i_do() -> None:
    messages, _ = run(ActionExplainSimpler(), tracker(events=[{"event": "session_started"}]))
    assert responses(messages) == ["utter_capabilities_simple", "utter_menu_simple"]


# --- onboarding ----------------------------------------------------------------


def test_region_validation_reads_typed_answers() -> None:
    dispatcher = CollectingDispatcher()
    form = ValidateOnboardingForm()
    assert form.validate_region("ik woon in Gent", dispatcher, tracker(), DOMAIN) == {
        "region": "nl_BE"
    }
    assert form.validate_region("nl_NL", dispatcher, tracker(), DOMAIN) == {"region": "nl_NL"}
    assert dispatcher.messages == []
    assert form.validate_region("banaan", dispatcher, tracker(), DOMAIN) == {"region": None}
    assert responses(dispatcher.messages) == ["utter_region_unknown"]


def test_onboarding_done_with_consent_logs_progress() -> None:
    t = tracker(slots={"consent": True, "region": "nl_NL"})
    jobseekers.touch(t.sender_id, "rest")
    messages, events = run(ActionOnboardingDone(), t)
    assert responses(messages) == ["utter_consent_given", "utter_menu"]
    assert slots(events) == {"onboarded": True}
    profile = jobseekers.get_profile(t.sender_id)
    assert (profile.consent, profile.region) == (True, "nl_NL")
    assert jobseekers.progress_counts(t.sender_id) == {"onboarded": 1}


def test_onboarding_done_without_consent_stores_no_progress() -> None:
    t = tracker(slots={"consent": False, "region": "nl_BE"})
    jobseekers.touch(t.sender_id, "rest")
    messages, _ = run(ActionOnboardingDone(), t)
    assert responses(messages) == ["utter_consent_refused", "utter_menu"]
    with session_scope() as session:
        stored = session.execute(
            select(ProgressEvent).where(ProgressEvent.jobseeker_id == pseudonym(t.sender_id))
        ).all()
    assert stored == []


# --- coach, crisis, fallback ---------------------------------------------------


TUESDAY_NOON = datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc)
FRIDAY_NIGHT = datetime(2026, 11, 27, 22, 0, tzinfo=timezone.utc)


def test_coach_request_is_recorded_and_said_honestly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "now", lambda: TUESDAY_NOON)
    user_said = [{"event": "user", "text": f"bericht {i}"} for i in range(5)]
    t = tracker(intent="request_coach", events=user_said)
    messages, events = run(ActionRequestCoach(), t)
    assert responses(messages) == ["utter_coach_requested"]
    assert slots(events) == {"coach_time": None}
    with session_scope() as session:
        row = session.execute(
            select(CoachRequest).where(CoachRequest.jobseeker_id == pseudonym(t.sender_id))
        ).scalar_one()
    assert (row.reason, row.priority, row.status) == ("request", "normal", "waiting")
    assert summary.read(row.summary)["last_messages"] == ["bericht 2", "bericht 3", "bericht 4"]


@pytest.mark.parametrize(
    ("region", "expected"),
    [("nl_NL", "maandag 30 november om 9 uur"), ("nl_BE", "maandag 30 november om 9 uur")],
)
def test_outside_coach_hours_the_user_hears_when(
    monkeypatch: pytest.MonkeyPatch, region: str, expected: str
) -> None:
    monkeypatch.setattr(support, "now", lambda: FRIDAY_NIGHT)
    messages, events = run(ActionRequestCoach(), tracker(slots={"region": region}))
    assert responses(messages) == ["utter_coach_later"]
    assert messages[0]["coach_time"] == expected
    assert slots(events) == {"coach_time": expected}


def escalation_of(sender_id: str) -> CoachRequest:
    with session_scope() as session:
        return session.execute(
            select(CoachRequest).where(CoachRequest.jobseeker_id == pseudonym(sender_id))
        ).scalar_one()


def problem_tracker(text: str, entity: str | None = None, region: str = "nl_NL", **kw: Any) -> Any:
    t = tracker(intent="share_problem", slots={"region": region}, **kw)
    t.latest_message["text"] = text
    if entity:
        t.latest_message["entities"] = [{"entity": "topic", "value": entity}]
    return t


def test_a_problem_brings_in_a_coach_at_once_and_keeps_the_topic() -> None:
    t = problem_tracker("ik heb schulden", entity="schulden")
    messages, _ = run(ActionShareProblem(), t)
    assert "schuldhulp" in responses(messages)[0] and "geldfit.nl" in responses(messages)[0]
    assert responses(messages)[1] == "utter_share_problem"
    assert responses(messages)[2] in ("utter_coach_requested", "utter_coach_later")
    row = escalation_of(t.sender_id)
    assert (row.reason, row.status, row.priority) == ("problem:schulden", "waiting", "normal")
    summary_data = summary.read(row.summary)
    assert "progress" in summary_data and "last_messages" in summary_data


@pytest.mark.parametrize(
    ("text", "region", "needles"),
    [
        ("weet ik nie, ik heb vooral schulden", "nl_NL", ["schuldhulp", "geldfit.nl"]),
        ("ik heb veel schulden", "nl_BE", ["OCMW", "CAW"]),
        ("mijn uitkering is gekort", "nl_NL", ["gemeente", "UWV"]),
        ("mijn uitkering is gestopt", "nl_BE", ["RVA", "VDAB"]),
        ("mijn vriend slaat me soms", "nl_NL", ["0800-2000"]),
        ("mijn vriend slaat me soms", "nl_BE", ["1712"]),
    ],
)
def test_a_problem_gets_the_help_of_the_region_even_without_an_entity(
    text: str, region: str, needles: list[str]
) -> None:
    messages, _ = run(ActionShareProblem(), problem_tracker(text, region=region))
    assert all(needle in responses(messages)[0] for needle in needles), responses(messages)


def test_a_problem_inside_a_journey_offers_to_go_on_there() -> None:
    t = problem_tracker("ik heb schulden", entity="schulden")
    t.active_loop = {"name": "decision_form"}
    messages, _ = run(ActionShareProblem(), t)
    assert responses(messages)[-1] == "utter_resume_decision"


@pytest.mark.parametrize(
    ("text", "region", "needles"),
    [
        ("hoeveel mag ik bijverdienen naast de bijstand", "nl_NL", ["gemeente", "UWV"]),
        ("hoeveel krijg ik aan dopgeld", "nl_BE", ["RVA"]),
        ("heb ik recht op huurtoeslag", "nl_NL", ["toeslagen.nl"]),
        ("wat is een nulurencontract", "nl_NL", ["juridischloket.nl"]),
        ("wat zijn de regels hiervoor", "nl_BE", ["VDAB"]),
    ],
)
def test_a_question_about_rules_gets_a_referral_and_no_escalation(
    text: str, region: str, needles: list[str]
) -> None:
    t = tracker(intent="ask_rules", slots={"region": region})
    t.latest_message["text"] = text
    messages, events = run(ActionReferQuestion(), t)
    assert len(messages) == 1 and all(n in messages[0]["text"] for n in needles), messages
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_coach"]
    assert "niet makkelijk" not in messages[0]["text"]
    assert events == []
    with session_scope() as session:
        mine = select(CoachRequest).where(CoachRequest.jobseeker_id == pseudonym(t.sender_id))
        assert session.execute(mine).first() is None


def test_a_problem_without_a_topic_is_still_a_problem() -> None:
    t = problem_tracker("het gaat gewoon niet goed thuis")
    messages, _ = run(ActionShareProblem(), t)
    assert responses(messages)[0] == "utter_share_problem"
    assert escalation_of(t.sender_id).reason == "problem"


def test_session_start_pauses_again_while_a_coach_has_the_conversation() -> None:
    t = tracker()
    jobseekers.touch(t.sender_id, "rest")
    jobseekers.mark_disclosed(t.sender_id)
    escalation_id = escalations.open_escalation(t.sender_id, "request")
    with session_scope() as session:
        session.get(CoachRequest, escalation_id).status = "with_coach"
    messages, events = run(ActionSessionStart(), t)
    assert messages == []
    kinds = [e["event"] for e in events]
    assert kinds[:2] == ["session_started", "pause"]
    with session_scope() as session:
        session.get(CoachRequest, escalation_id).status = "waiting"
    _, events = run(ActionSessionStart(), t)
    assert "pause" not in [e["event"] for e in events]


def test_an_invite_code_puts_the_jobseeker_in_that_team() -> None:
    team = Team(name=f"Team {uuid4().hex[:6]}", invite_code=f"inv-{uuid4().hex[:8]}")
    with session_scope() as session:
        session.add(team)
    t = tracker(metadata={"invite": team.invite_code, "channel": "webchat"})
    run(ActionSessionStart(), t)
    escalations.open_escalation(t.sender_id, "request")
    assert escalation_of(t.sender_id).team_id == team.id


def test_crisis_leaves_the_form_and_is_urgent() -> None:
    t = tracker(intent="crisis", slots={"region": "nl_BE"})
    messages, events = run(ActionCrisis(), t)
    assert responses(messages) == ["utter_crisis", "utter_crisis_coach"]
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events
    ]
    with session_scope() as session:
        row = session.execute(
            select(CoachRequest).where(CoachRequest.jobseeker_id == pseudonym(t.sender_id))
        ).scalar_one()
    assert (row.reason, row.priority) == ("crisis", "urgent")


def test_crisis_text_names_the_right_line_per_region() -> None:
    variations = DOMAIN["responses"]["utter_crisis"]
    flemish = next(v for v in variations if v.get("condition"))
    dutch = next(v for v in variations if not v.get("condition"))
    assert "1813" in flemish["text"] and "112" in flemish["text"] and "113" not in flemish["text"]
    assert "113" in dutch["text"] and "0800-0113" in dutch["text"] and "112" in dutch["text"]


def test_affirmation_question_is_dutch_and_skips_the_fallback_intent() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.55},
        {"name": "request_coach", "confidence": 0.41},
    ]
    messages, _ = run(
        ActionDefaultAskAffirmation(), tracker(intent="nlu_fallback", ranking=ranking)
    )
    assert messages[0]["text"] == "Wil je met een coach praten?"
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_coach", "/out_of_scope"]


def test_affirmation_without_a_sensible_guess_asks_to_rephrase() -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "inform", "confidence": 0.2}]
    messages, _ = run(
        ActionDefaultAskAffirmation(), tracker(intent="nlu_fallback", ranking=ranking)
    )
    assert responses(messages) == ["utter_ask_rephrase"]


def test_affirmation_in_flemish() -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "pause", "confidence": 0.3}]
    t = tracker(intent="nlu_fallback", ranking=ranking, slots={"region": "nl_BE"})
    messages, _ = run(ActionDefaultAskAffirmation(), t)
    assert messages[0]["text"] == "Wil je later verder doen?"
    assert messages[0]["buttons"][1]["title"] == "Neen, iets anders"


# --- progress and privacy ------------------------------------------------------


def test_progress_without_consent_offers_to_change_it() -> None:
    t = tracker()
    jobseekers.touch(t.sender_id, "rest")
    messages, _ = run(ActionShowProgress(), t)
    assert "Ik bewaar je voortgang niet" in messages[0]["text"]
    assert responses(messages)[-1] == "utter_ask_change_consent"


def test_progress_with_consent_shows_the_start_date_in_words() -> None:
    t = tracker(slots={"region": "nl_NL"})
    jobseekers.touch(t.sender_id, "rest")
    jobseekers.set_consent(t.sender_id, True)
    jobseekers.log_progress(t.sender_id, "onboarded")
    messages, _ = run(ActionShowProgress(), t)
    text = messages[0]["text"]
    assert "Je kwam hier voor het eerst op " in text and "Ik heb 1 stap van je bewaard." in text
    weekdays = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
    assert any(day in text for day in weekdays)


def test_privacy_summary_says_what_is_stored() -> None:
    t = tracker(slots={"region": "nl_BE"})
    jobseekers.touch(t.sender_id, "rest", "nl_BE")
    jobseekers.set_consent(t.sender_id, False)
    messages, _ = run(ActionPrivacySummary(), t)
    text = messages[0]["text"]
    assert "Je woont in Vlaanderen." in text
    assert "Ik bewaar je voortgang niet." in text
    assert responses(messages)[-1] == "utter_ask_change_consent"


def user_event(text: str, intent: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def erasure_tracker(*events: dict[str, Any]) -> Any:
    t = tracker(events=list(events))
    jobseekers.touch(t.sender_id, "rest")
    jobseekers.set_consent(t.sender_id, True)
    return t


@pytest.mark.parametrize(
    "answer",
    [user_event("/privacy_delete", "privacy_delete"), user_event("ja wis alles", "privacy_delete")],
)
@pytest.mark.parametrize("question", ["utter_ask_erasure", "utter_ask_erasure_sure"])
def test_erasure_erases_after_the_request_said_again(question: str, answer: dict) -> None:
    t = erasure_tracker(
        user_event("verwijder mijn gegevens", "privacy_delete"), bot_event(question), answer
    )
    messages, events = run(ActionEraseData(), t)
    assert responses(messages) == ["utter_erasure_done"]
    assert events == []
    assert jobseekers.get_profile(t.sender_id) is None
    assert jobseekers.log_progress(t.sender_id, "anything") is False


@pytest.mark.parametrize(
    "events",
    [
        # a bare "ja" after the question
        [bot_event("utter_ask_erasure"), user_event("ja", "affirm")],
        # "ja" that a wrong model took for privacy_delete
        [bot_event("utter_ask_erasure"), user_event("ja", "privacy_delete")],
        # no question asked: a call straight to the action, or a policy's mistake
        [user_event("verwijder mijn gegevens", "privacy_delete")],
        [bot_event("utter_menu"), user_event("/privacy_delete", "privacy_delete")],
        # "stop" after "Je kunt altijd stoppen"
        [bot_event("utter_ask_erasure"), user_event("stop", "privacy_delete")],
        [],
    ],
)
def test_erasure_without_a_confirmation_erases_nothing_and_asks(events: list) -> None:
    t = erasure_tracker(*events)
    messages, _ = run(ActionEraseData(), t)
    assert responses(messages) == ["utter_ask_erasure"]
    assert jobseekers.get_profile(t.sender_id) is not None


def test_form_question_is_not_repeated_right_after_its_simple_version() -> None:
    simple_just_said = tracker(
        events=[
            {"event": "user", "text": "ik snap het niet"},
            bot_event("utter_ask_consent_simple"),
        ]
    )
    messages, _ = run(AskConsent(), simple_just_said)
    assert messages == []
    earlier = tracker(
        events=[bot_event("utter_ask_consent_simple"), {"event": "user", "text": "hmm"}]
    )
    messages, _ = run(AskConsent(), earlier)
    assert responses(messages) == ["utter_ask_consent"]
    assert AskRegion().name() == "action_ask_region"


def test_free_text_inside_a_form_is_not_counted_as_misunderstood() -> None:
    """Low NLU confidence on an answer to the decision journey is no fallback."""

    def user(intent: str) -> dict[str, Any]:
        return {"event": "user", "text": "x", "parse_data": {"intent": {"name": intent}}}

    events = [
        {"event": "session_started"},
        user("nlu_fallback"),
        {"event": "active_loop", "name": "decision_form"},
        user("nlu_fallback"),
        user("inform"),
        {"event": "active_loop", "name": None},
        user("nlu_fallback"),
        {"event": "active_loop", "name": "action_two_stage_fallback"},
        user("nlu_fallback"),
    ]
    assert session_intents(tracker(events=events)) == [
        "nlu_fallback",
        "inform",
        "nlu_fallback",
        "nlu_fallback",
    ]


def test_a_move_changes_the_region_now_and_for_next_time() -> None:
    t = tracker(intent="inform_region", slots={"region": "nl_NL"})
    jobseekers.touch(t.sender_id, "rest", "nl_NL")
    t.latest_message["entities"] = [{"entity": "region", "value": "nl_BE"}]
    messages, events = run(ActionRegionChanged(), t)
    assert responses(messages) == ["utter_region_now_be"]
    assert slots(events) == {"region": "nl_BE"}
    assert jobseekers.get_profile(t.sender_id).region == "nl_BE"
