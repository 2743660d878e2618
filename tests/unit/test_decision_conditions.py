"""Conditions, ruled-out wishes and a real evaluation in the Samen Beslissen flow.

A job-seeker must see before choosing what an option asks first and what it does to a
benefit; a wish said with "geen" must count; a step that failed must lead to something
else; and the record says how the choice was made, as the user said it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.coach.decisions import outcome_words
from bot.decision import flow
from bot.decision.catalogue import catalogue
from tests.unit.test_decision_flow import AGREED, Chat, make_ctx, problems, text_of


def at_decide(region: str, *typed: str) -> Chat:
    chat = Chat(region)
    chat.press("goal:work")
    chat.press("done")
    for text in typed:
        chat.type(text)
    chat.press("done")
    assert chat.step == "decide"
    return chat


@pytest.mark.parametrize(
    ("region", "said"),
    [("nl_NL", "geld en vaste uren"), ("nl_BE", "geld, geen vaste uren")],
)
def test_the_first_option_offered_asks_nobody_first(region: str, said: str) -> None:
    """The reviewer's walks: beschut werk / a maatwerkbedrijf came first on preferences."""
    chat = at_decide(region, said)
    first = catalogue(region).get(chat.state["offered"][0])
    assert not first.gated, first.id


def test_a_wish_with_geen_is_kept_and_told() -> None:
    chat = Chat("nl_BE")
    chat.press("goal:work")
    chat.press("done")
    turn = chat.type("geen vaste uren, wel dicht bij huis")
    assert chat.state["avoid"] == ["fixed_hours"]
    assert chat.state["preferences"] == ["close_to_home"]
    told = text_of(turn.say)
    assert "liever niet: vaste uren" in told and "dichtbij huis" in told
    chat.press("done")
    offered = [catalogue("nl_BE").get(i) for i in chat.state["offered"]]
    assert "fixed_hours" not in offered[0].tags


def test_a_wish_said_again_the_other_way_counts_as_the_last() -> None:
    chat = Chat()
    chat.press("goal:work")
    chat.press("done")
    chat.type("geen vaste uren")
    chat.type("toch wel vaste uren")
    assert chat.state["preferences"] == ["fixed_hours"] and chat.state["avoid"] == []


@pytest.mark.parametrize("region", ["nl_NL", "nl_BE"])
def test_the_choice_shows_the_minus_and_what_must_happen_first(region: str) -> None:
    ctx = make_ctx(region)
    gated = [o for o in ctx.catalogue.options if o.gated]
    assert gated, "a catalogue without conditions proves nothing here"
    state = {**flow.new_state(ctx), "step": "decide", "offered": [gated[0].id]}
    text = text_of(flow.prompt(state, ctx))
    assert gated[0].minus in text and gated[0].first in text
    assert all(not problems(m) for m in flow.prompt(state, ctx))


@pytest.mark.parametrize("region", ["nl_NL", "nl_BE"])
def test_more_about_an_option_tells_who_and_the_benefit(region: str) -> None:
    ctx = make_ctx(region)
    for option in ctx.catalogue.options:
        detail = flow.option_detail(option, ctx).text
        assert option.who in detail and option.benefit in detail
        assert not option.duty or option.duty in detail
        assert not problems(flow.option_detail(option, ctx)), option.id


def _with_gate(ctx: flow.Context) -> tuple[flow.Context, str]:
    """nl_NL with the proefplaatsing marked as needing the klantmanager first."""
    option = ctx.catalogue.get("proefplaatsing")
    if option.gated:
        return ctx, option.id
    gated = replace(option, first="Je klantmanager moet eerst ja zeggen.")
    options = tuple(gated if o.id == option.id else o for o in ctx.catalogue.options)
    return replace(ctx, catalogue=replace(ctx.catalogue, options=options)), option.id


def test_an_own_first_step_for_a_gated_option_starts_with_who_arranges_it() -> None:
    chat = Chat()
    chat.ctx, option_id = _with_gate(chat.ctx)
    chat.state = {**chat.state, "step": "decide", "goal": "work", "offered": [option_id]}
    turn = chat.press(f"choose:{option_id}")
    option = chat.ctx.catalogue.get(option_id)
    assert option.first in text_of(turn.say)  # told at the choice
    chat.press("own")
    turn = chat.type("ik bel zelf de werkgever")
    assert chat.step == "next_when"
    assert chat.state["next_what"].startswith(option.first_step)
    assert "ik bel zelf de werkgever" in chat.state["next_what"]
    assert option.first in text_of(turn.say)


def test_an_own_step_that_names_the_klantmanager_stays_as_typed() -> None:
    chat = Chat()
    chat.ctx, option_id = _with_gate(chat.ctx)
    chat.state = {**chat.state, "step": "next_what", "goal": "work", "choice": option_id}
    chat.press("own")
    chat.type("ik vraag het aan mijn klantmanager")
    assert chat.state["next_what"] == "ik vraag het aan mijn klantmanager."


def review() -> Chat:
    return Chat(state=flow.start_review(AGREED, make_ctx()))


def test_adjust_the_step_keeps_the_choice_and_asks_a_new_step() -> None:
    chat = review()
    chat.press("worked:no")
    chat.press("why:too_hard")
    turn = chat.press("adjust")
    assert chat.step == "next_what" and chat.state["choice"] == "proefplaatsing"
    assert chat.state["typing"] is True  # their own, smaller step
    reviewed = turn.effects[0]
    assert isinstance(reviewed, flow.RecordReview)
    assert reviewed.state["review"]["next"] == "adjust"
    assert reviewed.state["review"]["reasons"] == ["too_hard"]


@pytest.mark.parametrize(
    ("typed", "reasons"),
    [
        ("te druk gehad met de kinderen", ["no_time"]),
        ("ze belden nooit terug, geen reactie", ["no_answer"]),
        ("ik heb veel schulden", ["money"]),
        ("was ziek", ["health"]),
        ("mijn zus ging mee", []),
    ],
)
def test_typed_reasons_are_understood_and_kept(typed: str, reasons: list[str]) -> None:
    chat = review()
    chat.press("worked:no")
    turn = chat.type(typed)
    assert chat.step == "review_still_good"
    assert chat.state["review"]["reasons"] == reasons
    assert chat.state["review"]["reason_text"] == typed
    if {"health", "money"} & set(reasons):
        assert "coach" in text_of(turn.say)


def test_a_reason_with_a_number_is_masked() -> None:
    chat = review()
    chat.press("worked:partly")
    chat.type("bel me op 0612345678 dan leg ik het uit")
    assert "0612345678" not in chat.state["review"]["reason_text"]


def test_a_question_is_no_reason() -> None:
    chat = review()
    chat.press("worked:no")
    assert not flow.understands(chat.state, "wat is een proefplaatsing?", chat.ctx)
    assert flow.understands(chat.state, "weet ik niet", chat.ctx)


@pytest.mark.parametrize(
    ("typed", "decided_with"),
    [
        ("nee", "alone"),
        ("alleen", "alone"),
        ("ja", "with_coach"),
        ("ja samen met mijn coach", "with_coach"),
        ("mijn coach vroeg het", "coach_asked"),
        ("moest van de klantmanager", "coach_asked"),
        ("mijn klantmanager vroeg het, dus ja", "coach_asked"),
        ("de consulent zei dat ik dit moest kiezen", "coach_asked"),
        ("met mijn begeleider", "with_coach"),
    ],
)
def test_how_the_choice_was_made_is_what_the_user_says(typed: str, decided_with: str) -> None:
    chat = Chat()
    chat.state = {**AGREED, **flow.new_state(chat.ctx), "step": "talk", "outcome": "agreed"}
    turn = chat.type(typed)
    assert turn.finished and chat.state["decided_with"] == decided_with
    assert turn.effects == [flow.RecordTalk(chat.state)]


def test_without_consent_nothing_is_asked_about_the_talk() -> None:
    chat = Chat(consent=False)
    chat.state = {**flow.new_state(chat.ctx), **{k: v for k, v in AGREED.items() if k != "id"}}
    chat.state["step"] = "summary"
    assert chat.press("yes").finished


def test_the_coach_reads_the_evaluation_in_words() -> None:
    outcome = {
        "worked": "no",
        "reasons": ["no_time", "health"],
        "reason_text": "mijn kind was ziek",
        "still_good": True,
        "next": "adjust",
    }
    words = outcome_words(outcome, "nl")
    assert words == (
        "niet gelukt; in de weg: geen tijd, gezondheid of zorgen; "
        "in eigen woorden: “mijn kind was ziek”; past de stap aan"
    )
    assert "no_time" not in outcome_words(outcome, "en")
    # A record from before the reasons were asked still reads.
    assert outcome_words({"worked": "yes", "still_good": False}, "nl") == "gelukt; kiest opnieuw"


def test_a_wish_that_is_not_known_is_told_not_dropped() -> None:
    chat = Chat()
    chat.press("goal:work")
    chat.press("done")
    turn = chat.type("geld, geen weekendwerk en leuke collegas want ik heb kinderen")
    assert chat.state["preferences"][:1] == ["money"]
    told = text_of(turn.say)
    assert "Dit ken ik niet: “geen weekendwerk”." in told
    assert "kinderen" not in told.split("Dit ken ik niet")[1]  # a reason is no wish
    assert all(not problems(m) for m in turn.say)
