"""The Samen Beslissen conversation as a pure state machine (bot/decision/flow.py).

Every test talks to the flow the way the Rasa action does: one Answer at a time, a button
code or typed Dutch, and the state goes through JSON after every turn (it lives in a slot).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest

from bot.decision import flow
from bot.decision.catalogue import catalogue, terms
from bot.i18n import format_day, texts
from tests.unit.test_plain_language import b1_problems

TODAY = date(2026, 11, 23)  # a Monday
REGIONS = ("nl_NL", "nl_BE")
MAX_TITLE = 40


def make_ctx(region: str = "nl_NL", consent: bool = True, today: date = TODAY) -> flow.Context:
    return flow.Context(region, today, catalogue(region), terms(), texts(region), consent=consent)


class Chat:
    """A user talking to the flow; every turn's state must survive a Rasa slot (JSON)."""

    def __init__(
        self, region: str = "nl_NL", consent: bool = True, state: flow.State | None = None
    ) -> None:
        self.ctx = make_ctx(region, consent)
        self.opening: list[flow.Message] = []
        if state is None:
            state, self.opening = flow.start(None, self.ctx)
        self.state = state
        self.turns: list[flow.Turn] = []

    @property
    def step(self) -> str:
        return self.state["step"]

    def press(self, code: str) -> flow.Turn:
        return self._send(flow.Answer(button=code))

    def type(self, text: str, intent: str | None = None) -> flow.Turn:
        return self._send(flow.Answer(text=text, intent=intent))

    def _send(self, answer: flow.Answer) -> flow.Turn:
        turn = flow.advance(self.state, answer, self.ctx)
        assert json.loads(json.dumps(turn.state)) == turn.state, "state must fit in a slot"
        self.state = turn.state
        self.turns.append(turn)
        return turn

    def asked(self, simple: bool = False) -> list[flow.Message]:
        return flow.prompt(self.state, self.ctx, simple=simple)

    def answers(self) -> list[str]:
        return [b.answer for m in self.asked() for b in m.buttons]

    def said(self) -> list[flow.Message]:
        return [m for turn in self.turns for m in turn.say]


def text_of(messages: list[flow.Message]) -> str:
    return "\n".join(m.text for m in messages)


def problems(message: flow.Message) -> list[str]:
    """What breaks the plain-language and button rules in one message."""
    found = b1_problems(message.text, len(message.buttons))
    for button in message.buttons:
        if not button.title.strip() or len(button.title) > MAX_TITLE:
            found.append(f"button title {button.title!r}")
        if not button.answer:
            found.append(f"button {button.title!r} sends nothing")
    return found


def to_summary(chat: Chat, choice: str | None = None) -> None:
    """Buttons only, from the goal step to "Klopt dit?"."""
    for code in ("goal:work", "done", "pref:money", "done"):
        chat.press(code)
    assert chat.step == "decide"
    chat.press(f"choose:{choice or chat.state['offered'][0]}")
    chat.press("yes")
    chat.press("morgen")
    chat.press("help:usual")
    assert chat.step == "summary"


# --------------------------------------------------------------------------- whole walks


def test_walk_with_buttons() -> None:
    chat = Chat()
    assert chat.opening and chat.step == "goal"
    assert chat.answers() == ["goal:work", "goal:learn", "goal:sort_out", "goal:explore"]
    chat.press("goal:work")
    assert chat.step == "options" and chat.state["goal"] == "work"
    first_page = list(chat.state["page_ids"])
    assert len(first_page) == 3 and f"more:{first_page[0]}" in chat.answers()
    chat.press("more:proefplaatsing")
    chat.press("done")
    assert chat.step == "preferences"
    chat.press("pref:money")
    chat.press("pref:fixed_hours")
    assert chat.step == "preferences"
    chat.press("done")
    assert chat.step == "decide" and "choose:proefplaatsing" in chat.answers()
    chat.press("choose:proefplaatsing")
    assert chat.step == "next_what"
    chat.press("yes")
    assert chat.step == "next_when"
    chat.press("morgen")
    assert chat.step == "helper"
    chat.press("help:usual")
    assert chat.step == "summary"
    turn = chat.press("yes")

    # Stored at once; then one question on how the choice was made, never assumed.
    state = turn.state
    assert not turn.finished and state["outcome"] == "agreed" and state["step"] == "talk"
    assert turn.effects == [flow.Record({**state, "step": "done"})]
    recorded = turn.effects[0].state
    assert chat.answers() == ["talk:alone", "talk:with_coach", "talk:coach_asked"]
    talk = chat.press("talk:with_coach")
    assert talk.finished and talk.state["step"] == "done"
    assert talk.effects == [flow.RecordTalk(talk.state)]
    assert talk.state["decided_with"] == "with_coach"
    option = chat.ctx.catalogue.get("proefplaatsing")
    assert recorded["goal"] == "work"
    assert recorded["preferences"] == ["money", "fixed_hours"]
    assert recorded["choice"] == "proefplaatsing"
    assert recorded["next_what"] == option.first_step
    assert recorded["next_on"] == (TODAY + timedelta(days=1)).isoformat()
    assert recorded["helper"] == option.helper
    assert set(first_page) | set(recorded["offered"]) <= set(recorded["shown"])
    assert "proefplaatsing" in recorded["shown"]


def test_walk_with_typed_dutch() -> None:
    chat = Chat()
    chat.type("ik wil gewoon werken")
    assert chat.step == "options" and chat.state["goal"] == "work"
    detail = chat.type("wat is een proefplaatsing")
    assert chat.step == "options"
    assert detail.say[0].text.startswith("Proefplaatsing.")
    chat.type("verder")
    assert chat.step == "preferences"
    chat.type("geld en vaste uren")
    assert chat.state["preferences"] == ["money", "fixed_hours"]
    chat.type("klaar")
    assert chat.step == "decide"
    # Beschut werk and the proefplaatsing need an advice or a yes first: never on top.
    assert chat.state["offered"][2] == "proefplaatsing"  # what "de derde" points at
    chat.type("de derde")
    assert chat.state["choice"] == "proefplaatsing" and chat.step == "next_what"
    chat.type("ja")
    assert chat.step == "next_when"
    chat.type("volgende week dinsdag")
    assert chat.step == "helper"
    chat.type("mijn zus")
    assert chat.step == "summary"
    assert "Hulp: je zus." in text_of(chat.asked())
    turn = chat.type("ja klopt")

    assert turn.state["outcome"] == "agreed" and chat.step == "talk"
    assert len(turn.effects) == 1
    (effect,) = turn.effects
    assert isinstance(effect, flow.Record) and effect.state == {**turn.state, "step": "done"}
    recorded = effect.state
    assert chat.type("nee hoor, dat heb ik zelf bedacht").state["decided_with"] == "alone"
    assert recorded["goal"] == "work"
    assert recorded["preferences"] == ["money", "fixed_hours"]
    assert recorded["choice"] == "proefplaatsing"
    assert recorded["next_what"] == chat.ctx.catalogue.get("proefplaatsing").first_step
    assert recorded["next_on"] == "2026-12-01"  # the Tuesday of next week
    assert recorded["helper"] == "je zus"
    assert "proefplaatsing" in recorded["shown"]
    assert set(recorded["offered"]) <= set(recorded["shown"])


def test_own_first_step_is_masked_and_ends_with_a_full_stop() -> None:
    chat = Chat()
    # An option without conditions: a gated one puts who arranges it before the own step.
    for code in ("goal:work", "done", "done", "choose:sollicitatietraining", "own"):
        chat.press(code)
    assert chat.step == "next_what" and chat.state["typing"]
    assert "Typ het" in text_of(chat.asked())
    chat.type("mail jan@example.org over de training")
    assert chat.step == "next_when"
    assert chat.state["next_what"] == "mail [e-mail] over de training."


# --------------------------------------------------------------------------- plain language

GOALS = ("work", "learn", "sort_out", "explore")


def rendered(region: str) -> dict[str, list[flow.Message]]:
    """Every message of every step, catalogue content included, per step."""
    ctx = make_ctx(region)
    out: dict[str, list[flow.Message]] = {}

    def add(key: str, chat: Chat, simple: bool = True) -> None:
        out.setdefault(key, []).extend(chat.asked())
        if simple:
            out[key].extend(chat.asked(simple=True))

    pages = -(-len(ctx.catalogue.options) // 3)
    for goal in GOALS:
        chat = Chat(region)
        out.setdefault("start", []).extend(chat.opening)
        add("goal", chat)
        chat.press(f"goal:{goal}")
        for _ in range(pages):
            add("options", chat)
            for option_id in chat.state["page_ids"]:
                chat.press(f"more:{option_id}")
                add("options", chat, simple=False)  # the short version after a detail
            chat.press("other")
        chat.press("done")
        for preference in list(terms().preferences)[:3]:
            add("preferences", chat)
            chat.press(f"pref:{preference.id}")
        add("preferences", chat)
        chat.press("done")
        for _ in range(pages):
            if len(chat.state["offered"]) > 1:  # one alone: test_decide_with_one_option
                add("decide", chat)
            chat.type("andere opties")
        chat.press("not_yet")
        add("not_yet", chat)
        chat.press("later")
        add("later_when", chat)
        chat.press("back")
        chat.press("back")
        assert chat.step == "decide"
        chat.press(f"choose:{chat.state['offered'][0]}")
        chat.press("own")
        add("next_what_typing", chat)
        chat.type("bellen met de gemeente")
        add("next_when", chat)
        chat.press("over 1 week")
        out.setdefault("said", []).extend(chat.said())

    for option in ctx.catalogue.options:
        state = flow.new_state(ctx)
        state.update(goal="work", choice=option.id, next_on="2026-12-01")
        chat = Chat(region, state={**state, "step": "next_what"})
        add("next_what", chat)
        chat.press("yes")
        chat.press("morgen")
        add("helper", chat)
        chat.press("help:usual")
        add("summary", chat)
        chat.press("no")
        add("change", chat)
        record = {**chat.state, "id": 1, "status": "agreed"}
        review = Chat(region, state=flow.start_review(record, ctx))
        add("review_worked", review)
        review.press("worked:partly")
        add("review_why", review)
        review.press("why:too_hard")
        add("review_still_good", review)
        out["said"].extend(chat.said() + review.said())

    chat = Chat(region, state={**flow.new_state(ctx), "step": "helper"})
    add("helper_without_choice", chat)
    later = Chat(region, state=flow.start_review({"id": 2, "status": "later"}, ctx))
    add("review_later", later)

    halfway = Chat(region)
    halfway.press("goal:learn")
    resumed, _ = flow.start(halfway.state, ctx)
    add("resume", Chat(region, state=resumed))

    for consent in (True, False):  # the last words, and the hints for a miss
        chat = Chat(region, consent=consent)
        to_summary(chat)
        chat.type("jaja")
        chat.type("xyz qqq")
        chat.type("ja")
        if consent:
            add("talk", chat)
            chat.type("xyz qqq")
            chat.press("talk:alone")
        later = Chat(region, consent=consent)
        for code in ("goal:explore", "done", "done", "not_yet"):
            later.press(code)
        coach = Chat(region, consent=consent, state=later.state)
        coach.press("coach")
        later.press("later")
        later.type("xyz qqq")
        later.type("over 2 weken")
        prefs = Chat(region, consent=consent)
        for code in ("goal:work", "done"):
            prefs.press(code)
        prefs.type("xyz qqq")
        prefs.press("back")
        prefs.type("opnieuw")
        out["said"].extend(chat.said() + later.said() + coach.said() + prefs.said())
    return out


RENDERED = {region: rendered(region) for region in REGIONS}
STEP_CASES = [
    pytest.param(
        region,
        key,
        id=f"{region}-{key}",
    )
    for region in REGIONS
    for key in RENDERED[region]
]


@pytest.mark.parametrize("region,key", STEP_CASES)
def test_every_message_is_plain_dutch_with_few_buttons(region: str, key: str) -> None:
    messages = RENDERED[region][key]
    assert messages, f"{key}: nothing rendered"
    found = [problem for message in messages for problem in problems(message)]
    assert not found, "\n".join(found)


def test_every_step_is_rendered() -> None:
    expected = set(flow._PROMPTS) | {"said", "start", "next_what_typing"}
    for region in REGIONS:
        assert expected <= set(RENDERED[region])
    assert all(
        option.id
        in {b.answer.removeprefix("more:") for m in RENDERED["nl_NL"]["options"] for b in m.buttons}
        for option in catalogue("nl_NL").options
    ), "every option's line was shown"


def test_the_rule_checker_can_fail() -> None:
    long = flow.Message(" ".join(["woord"] * 16) + ". Kan dat? En dit?")
    too_many = flow.Message("Kies.", tuple(flow.Button(str(i), str(i)) for i in range(5)))
    long_title = flow.Message("Kies.", (flow.Button("x" * 41, "x"), flow.Button(" ", "y")))
    assert len(problems(long)) == 2
    assert len(problems(too_many)) == 1
    assert len(problems(long_title)) == 2


@pytest.mark.parametrize("region", REGIONS)
def test_decide_with_one_option_is_plain_dutch(region: str) -> None:
    ctx = make_ctx(region)
    found = []
    for option in ctx.catalogue.options:
        state = {**flow.new_state(ctx), "step": "decide", "offered": [option.id]}
        found += [problem for message in flow.prompt(state, ctx) for problem in problems(message)]
    assert not found, "\n".join(found)


def test_options_show_at_most_three_and_each_has_a_more_button() -> None:
    chat = Chat()
    chat.press("goal:work")
    messages = chat.asked()
    lines = [m for m in messages if m.buttons and m.buttons[0].answer.startswith("more:")]
    assert len(lines) == 3
    for number, (message, option_id) in enumerate(
        zip(lines, chat.state["page_ids"], strict=True), start=1
    ):
        assert message.text.startswith(f"{number}. ")
        assert message.buttons[0].answer == f"more:{option_id}"


def test_decide_offers_three_choices_and_not_choosing() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done"):
        chat.press(code)
    offered = chat.state["offered"]
    assert len(offered) == 3
    assert chat.answers() == [*(f"choose:{i}" for i in offered), "not_yet"]


# --------------------------------------------------------------------------- navigation


def test_terug_goes_one_step_back() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "pref:money", "done"):
        chat.press(code)
    assert chat.step == "decide"
    chat.type("terug")
    assert chat.step == "preferences" and chat.state["preferences"] == ["money"]
    chat.type("ga terug")
    assert chat.step == "options" and chat.state["goal"] == "work"
    chat.press("back")
    assert chat.step == "goal"


def test_terug_from_the_summary_asks_for_the_helper_again() -> None:
    chat = Chat()
    to_summary(chat)
    chat.type("terug")
    assert chat.step == "helper"


def test_opnieuw_restarts() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "pref:money", "done"):
        chat.press(code)
    turn = chat.type("opnieuw")
    assert chat.step == "goal"
    assert chat.state["goal"] is None and chat.state["preferences"] == []
    assert chat.state["shown"] == [] and chat.state["choice"] is None
    assert "opnieuw" in text_of(turn.say)


def test_andere_opties_shows_the_next_page() -> None:
    chat = Chat()
    chat.press("goal:work")
    first = list(chat.state["page_ids"])
    chat.type("andere opties")
    assert chat.step == "options" and chat.state["page"] == 1
    second = chat.state["page_ids"]
    assert second and not set(first) & set(second)
    assert set(first) | set(second) <= set(chat.state["shown"])
    chat.press("other")
    assert chat.state["page"] == 2 and not set(chat.state["page_ids"]) & set(second)


def test_andere_opties_at_decide_offers_other_choices() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done"):
        chat.press(code)
    first = list(chat.state["offered"])
    chat.type("andere opties")
    assert chat.step == "decide"
    assert chat.state["offered"] and not set(first) & set(chat.state["offered"])


def test_more_tells_the_plus_before_the_minus() -> None:
    chat = Chat()
    chat.press("goal:work")
    option_id = chat.state["page_ids"][0]
    turn = chat.press(f"more:{option_id}")
    option = chat.ctx.catalogue.get(option_id)
    text = text_of(turn.say)
    assert f"Goed: {option.plus}" in text and f"Minder goed: {option.minus}" in text
    assert text.index("Goed:") < text.index("Minder goed:")
    assert chat.step == "options" and chat.state["brief"] is True
    # After a detail only the question comes again, not the whole list.
    assert [m.text for m in chat.asked()] == ["Wil je nog andere opties zien?"]


def test_more_at_decide_keeps_the_step() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done"):
        chat.press(code)
    option_id = chat.state["offered"][2]
    turn = chat.press(f"more:{option_id}")
    assert chat.step == "decide" and chat.state["choice"] is None
    assert "Minder goed:" in text_of(turn.say)


@pytest.mark.parametrize(
    "typed",
    ["wat is er minder goed aan de eerste?", "hoe lang duurt de eerste", "nadelen van de 1e",
     "en de eerste, wat is daar slecht aan?", "is de eerste betaald?"],
)  # fmt: skip
def test_a_question_about_an_option_answers_it_and_chooses_nothing(typed: str) -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done"):
        chat.press(code)
    turn = chat.type(typed)
    assert chat.step == "decide" and chat.state["choice"] is None, text_of(turn.say)
    assert "Minder goed:" in text_of(turn.say)
    chat.type("doe maar de eerste, want dat is dichtbij")
    assert chat.state["choice"] == chat.state["offered"][0]


# --------------------------------------------------------------------------- preferences


def test_preferences_by_buttons_add_up() -> None:
    chat = Chat()
    chat.press("goal:work")
    chat.press("done")
    first_buttons = chat.answers()
    assert first_buttons[-1] == "done" and len(first_buttons) == 4
    turn = chat.press("pref:people")
    assert "Genoteerd:\n- met mensen werken." in text_of(turn.say)
    assert "pref:people" not in chat.answers()  # a chosen one is not offered again
    chat.press("pref:money")
    assert chat.step == "preferences"
    assert chat.state["preferences"] == ["people", "money"]
    chat.press("pref:money")
    assert chat.state["preferences"] == ["people", "money"]


def test_preferences_by_text_add_up() -> None:
    chat = Chat()
    chat.press("goal:work")
    chat.press("done")
    chat.type("dichtbij huis")
    chat.type("en met mijn handen werken")
    assert chat.step == "preferences"
    assert chat.state["preferences"] == ["close_to_home", "hands"]


def test_geen_vaste_uren_does_not_add_fixed_hours() -> None:
    chat = Chat()
    chat.press("goal:work")
    chat.press("done")
    chat.type("geen vaste uren")
    assert "fixed_hours" not in chat.state["preferences"]
    chat.type("geen vaste uren maar wel dichtbij")
    assert chat.state["preferences"] == ["close_to_home"]


def test_nothing_matters_goes_on_to_decide() -> None:
    chat = Chat()
    chat.press("goal:work")
    chat.press("done")
    chat.type("maakt niet uit")
    assert chat.step == "decide" and chat.state["preferences"] == []


def test_choosing_every_preference_goes_on_to_decide() -> None:
    chat = Chat()
    chat.press("goal:work")
    chat.press("done")
    for preference in terms().preferences:
        assert chat.step == "preferences"
        chat.press(f"pref:{preference.id}")
    assert chat.step == "decide"


def test_genoteerd_stays_plain_with_many_preferences() -> None:
    chat = Chat()
    chat.press("goal:work")
    chat.press("done")
    for preference in terms().preferences:
        chat.press(f"pref:{preference.id}")
    found = [problem for message in chat.said() for problem in problems(message)]
    assert not found, "\n".join(found)


def test_preferences_reorder_the_choices() -> None:
    plain = Chat()
    for code in ("goal:work", "done", "done"):
        plain.press(code)
    hands = Chat()
    for code in ("goal:work", "done", "pref:hands", "pref:own_pace", "done"):
        hands.press(code)
    assert plain.state["offered"] != hands.state["offered"]


# --------------------------------------------------------------------------- dates and misses


@pytest.mark.parametrize("step", ["next_when", "later_when"])
def test_a_past_date_is_refused(step: str) -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done"):
        chat.press(code)
    if step == "next_when":
        chat.press("choose:proefplaatsing")
        chat.press("yes")
    else:
        chat.press("not_yet")
        chat.press("later")
    assert chat.step == step
    turn = chat.type("gisteren")
    assert "Die dag is al voorbij" in text_of(turn.say)
    assert chat.step == step and not turn.finished and not turn.effects
    assert chat.state["next_on"] is None and chat.state["later_on"] is None


def test_today_is_not_in_the_past() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done", "choose:proefplaatsing", "yes"):
        chat.press(code)
    chat.type("vandaag")
    assert chat.state["next_on"] == TODAY.isoformat() and chat.step == "helper"


def test_gibberish_gets_a_hint_and_after_two_misses_the_coach_hint() -> None:
    chat = Chat()
    first = chat.type("xyz qqq")
    assert chat.step == "goal" and chat.state["misses"] == 1
    assert first.say and "Typ: coach" not in text_of(first.say)
    second = chat.type("blub blob")
    assert chat.step == "goal" and chat.state["misses"] == 2
    assert "Typ: coach" in text_of(second.say)
    chat.press("goal:learn")
    assert chat.state["misses"] == 0 and chat.step == "options"


def test_a_date_miss_explains_how_to_type_a_date() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done", "choose:proefplaatsing", "yes"):
        chat.press(code)
    turn = chat.type("xyz qqq")
    assert chat.step == "next_when"
    assert "morgen" in text_of(turn.say) and not turn.effects


def test_simple_prompt_says_it_differently_first() -> None:
    chat = Chat()
    simple = chat.asked(simple=True)
    assert simple[1:] == chat.asked()
    assert simple[0].text and not simple[0].buttons


# --------------------------------------------------------------------------- not choosing


def test_not_yet_then_coach_records_and_escalates() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done", "not_yet"):
        chat.press(code)
    assert chat.step == "not_yet"
    assert chat.answers() == ["coach", "later", "back"]
    turn = chat.press("coach")
    assert turn.finished and turn.state["outcome"] == "coach"
    assert turn.effects == [flow.Record(turn.state), flow.Escalate("decision")]


def test_not_yet_back_returns_to_the_choice() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done", "not_yet", "back"):
        chat.press(code)
    assert chat.step == "decide" and chat.state["offered"]


def test_typed_coach_at_decide_goes_to_the_coach() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done"):
        chat.press(code)
    turn = chat.type("eerst met mijn coach praten")
    assert turn.finished and turn.state["outcome"] == "coach"
    assert flow.Escalate("decision") in turn.effects


def test_later_in_two_weeks() -> None:
    chat = Chat()
    for code in ("goal:work", "done", "done", "not_yet", "later"):
        chat.press(code)
    assert chat.step == "later_when"
    turn = chat.type("over 2 weken")
    later_on = TODAY + timedelta(days=14)
    assert turn.finished and turn.state["outcome"] == "later"
    assert turn.state["later_on"] == later_on.isoformat()
    assert turn.effects == [flow.Record(turn.state)]
    assert format_day(later_on, "nl_NL") in text_of(turn.say)


# --------------------------------------------------------------------------- changing


def test_change_the_day_goes_back_to_the_summary_without_asking_the_helper() -> None:
    chat = Chat()
    to_summary(chat)
    helper = chat.state["helper"]
    chat.type("nee")
    assert chat.step == "change"
    assert "change:next_when" in chat.answers()
    chat.press("change:next_when")
    assert chat.step == "next_when" and chat.state["fixing"] is True
    chat.type("over 1 week")
    assert chat.step == "summary"
    assert chat.state["fixing"] is False
    assert chat.state["next_on"] == (TODAY + timedelta(days=7)).isoformat()
    assert chat.state["helper"] == helper
    assert format_day(TODAY + timedelta(days=7), "nl_NL") in text_of(chat.asked())
    turn = chat.type("ja")
    assert turn.state["outcome"] == "agreed" and turn.state["next_on"] == "2026-11-30"


def test_change_the_step_in_words() -> None:
    chat = Chat()
    to_summary(chat)
    chat.press("no")
    chat.type("de stap")
    assert chat.step == "next_what" and chat.state["fixing"] is True
    chat.press("own")
    chat.type("cv naar de werkgever sturen")
    assert chat.step == "summary"
    assert chat.state["next_what"] == "cv naar de werkgever sturen."


def test_summary_in_other_words_is_not_a_yes() -> None:
    chat = Chat()
    to_summary(chat)
    turn = chat.type("xyz qqq")
    assert chat.step == "summary" and not turn.finished and not turn.effects


# --------------------------------------------------------------------------- resume


def at_preferences() -> Chat:
    chat = Chat()
    chat.press("goal:work")
    chat.press("pref:money")  # not understood at options: stays
    chat.press("done")
    chat.press("pref:money")
    assert chat.step == "preferences"
    return chat


def test_start_offers_to_resume_a_broken_off_journey() -> None:
    old = at_preferences()
    state, say = flow.start(old.state, old.ctx)
    assert state["step"] == "resume" and state["resume_step"] == "preferences" and say == []
    assert json.loads(json.dumps(state)) == state
    chat = Chat(state=state)
    assert chat.answers() == ["yes", "restart"]
    chat.press("yes")
    assert chat.step == "preferences"
    assert chat.state["goal"] == "work" and chat.state["preferences"] == ["money"]
    assert "resume_step" not in chat.state


def test_stopping_at_the_resume_offer_keeps_the_journey() -> None:
    old = at_preferences()
    offered, _ = flow.start(old.state, old.ctx)
    again, say = flow.start(offered, old.ctx)  # the user left without answering
    assert again["step"] == "resume" and again["resume_step"] == "preferences" and say == []


def test_resume_with_ga_verder_typed() -> None:
    old = at_preferences()
    chat = Chat(state=flow.start(old.state, old.ctx)[0])
    chat.type("ga verder")
    assert chat.step == "preferences"


@pytest.mark.parametrize("answer", [{"button": "restart"}, {"text": "Begin opnieuw"}])
def test_resume_begin_opnieuw_gives_a_fresh_goal_step(answer: dict) -> None:
    old = at_preferences()
    chat = Chat(state=flow.start(old.state, old.ctx)[0])
    chat._send(flow.Answer(**answer))
    assert chat.step == "goal"
    assert chat.state["goal"] is None and chat.state["preferences"] == []
    assert "resume_step" not in chat.state


def test_start_after_a_finished_journey_is_fresh() -> None:
    chat = Chat()
    to_summary(chat)
    chat.press("yes")
    state, say = flow.start(chat.state, chat.ctx)
    assert state == flow.new_state(chat.ctx)
    assert say and "5 minuten" in say[0].text


def test_start_at_the_goal_step_does_not_offer_to_resume() -> None:
    ctx = make_ctx()
    state, say = flow.start(flow.new_state(ctx), ctx)
    assert state["step"] == "goal" and say


# --------------------------------------------------------------------------- reviews

AGREED = {
    "id": 41,
    "status": "agreed",
    "catalogue": "2026.11-1",
    "goal": "work",
    "preferences": ["money"],
    "choice": "proefplaatsing",
    "next_what": "Bel de werkgever.",
    "next_on": "2026-12-01",
    "helper": "je zus",
}


def review(record: dict | None = None) -> Chat:
    ctx = make_ctx()
    return Chat(state=flow.start_review(record or AGREED, ctx))


def test_review_of_an_agreed_step() -> None:
    chat = review()
    assert chat.step == "review_worked"
    assert chat.state["decision_id"] == 41 and chat.state["choice"] == "proefplaatsing"
    assert "Bel de werkgever." in text_of(chat.asked())
    assert chat.answers() == ["worked:yes", "worked:partly", "worked:no"]
    chat.type("een beetje")
    assert chat.step == "review_why"
    assert chat.state["review"] == {"worked": "partly"}
    assert "in de weg" in text_of(chat.asked())
    chat.type("ik had geen tijd want mijn kind was ziek")
    assert chat.step == "review_still_good"
    review_ = chat.state["review"]
    assert review_["reasons"] == ["no_time", "health"]
    assert review_["reason_text"] == "ik had geen tijd want mijn kind was ziek"
    assert "Proefplaatsing" in text_of(chat.asked())
    assert chat.answers() == ["adjust", "no", "coach"]


def test_review_still_good_yes_asks_for_the_next_step() -> None:
    chat = review()
    chat.press("worked:yes")
    assert chat.answers() == ["why:someone", "why:clear", "why:had_time"]
    chat.press("why:someone")
    turn = chat.type("ja")
    assert len(turn.effects) == 1
    (effect,) = turn.effects
    assert isinstance(effect, flow.RecordReview)
    reviewed = effect.state
    assert reviewed["review"] == {
        "worked": "yes",
        "reasons": ["someone"],
        "still_good": True,
        "next": "continue",
    }
    assert reviewed["decision_id"] == 41
    assert chat.step == "next_what"
    assert chat.state["choice"] == "proefplaatsing"
    assert chat.state["next_what"] is None and chat.state["next_on"] is None
    assert chat.state["decision_id"] is None  # the next agreement is a new record
    assert not turn.finished


def test_review_still_good_no_shows_the_options_again() -> None:
    chat = review()
    chat.press("worked:no")
    chat.press("why:no_answer")
    turn = chat.type("nee")
    assert isinstance(turn.effects[0], flow.RecordReview)
    assert turn.effects[0].state["review"] == {
        "worked": "no",
        "reasons": ["no_answer"],
        "still_good": False,
        "next": "choose_again",
    }
    assert chat.step == "options"
    assert chat.state["choice"] is None and chat.state["page_ids"]
    # The option that did not work is not offered again.
    assert "proefplaatsing" not in chat.state["page_ids"]
    assert chat.state["excluded"] == ["proefplaatsing"]


def test_review_coach_records_and_escalates() -> None:
    chat = review()
    chat.press("worked:partly")
    chat.type("weet ik niet")
    turn = chat.press("coach")
    assert turn.finished and turn.state["outcome"] == "coach"
    reviewed, escalated = turn.effects
    assert escalated == flow.Escalate("decision_review")
    assert isinstance(reviewed, flow.RecordReview)
    assert reviewed.state["review"] == {
        "worked": "partly",
        "reasons": [],
        "still_good": None,
        "next": "coach",
    }


def test_review_ignores_restart() -> None:
    chat = review()
    chat.type("opnieuw")
    assert chat.step == "review_worked" and chat.state["decision_id"] == 41


def test_review_of_later() -> None:
    chat = review({"id": 7, "status": "later", "goal": "explore", "preferences": []})
    assert chat.step == "review_later" and chat.state["decision_id"] == 7
    assert chat.answers() == ["yes", "later", "coach"]
    chat.press("yes")
    assert chat.step == "decide" and len(chat.state["offered"]) == 3


def test_review_of_later_not_yet_asks_a_new_day() -> None:
    chat = review({"id": 7, "status": "later", "goal": "explore", "preferences": []})
    chat.press("later")
    assert chat.step == "later_when"
    turn = chat.press("over 1 week")
    assert turn.finished and turn.state["outcome"] == "later"


def test_review_of_later_coach() -> None:
    chat = review({"id": 7, "status": "later", "goal": "explore", "preferences": []})
    turn = chat.press("coach")
    assert turn.finished and flow.Escalate("decision") in turn.effects


# --------------------------------------------------------------------------- typed labels

# Pressing a button and typing its title should do the same ("Every step works with buttons
# and with typed words"). Compared: where the conversation goes and what it keeps.
TYPED_KEYS = ("step", "outcome", "choice", "next_what", "review", "preferences", "later_on")


def state_at(step: str) -> flow.State:
    ctx = make_ctx()
    state = flow.new_state(ctx)
    state.update(
        goal="work",
        preferences=["money"],
        choice="proefplaatsing",
        next_what="Bel de werkgever.",
        next_on="2026-12-01",
        helper="je zus",
        decision_id=41,
    )
    turn = flow.Turn(state=state)
    flow._go(turn, step, ctx)
    if step == "resume":
        state["resume_step"] = "decide"
    if step == "review_still_good":
        state["review"] = {"worked": "yes"}
    return json.loads(json.dumps(turn.state))


def typed_label_cases() -> list:
    ctx = make_ctx()
    cases = []
    for step in flow._PROMPTS:
        if step in ("decide", "options"):
            continue  # titles there name options; covered by the walks
        for message in flow.prompt(state_at(step), ctx):
            for button in message.buttons:
                cases.append(
                    pytest.param(step, button.title, button.answer, id=f"{step}-{button.title}")
                )
    return cases


@pytest.mark.parametrize("step,title,code", typed_label_cases())
def test_typing_a_button_title_works_like_pressing_it(step: str, title: str, code: str) -> None:
    ctx = make_ctx()
    pressed = flow.advance(state_at(step), flow.Answer(button=code), ctx)
    typed = flow.advance(state_at(step), flow.Answer(text=title), ctx)
    assert {k: typed.state.get(k) for k in TYPED_KEYS} == {
        k: pressed.state.get(k) for k in TYPED_KEYS
    }
    assert [type(e) for e in typed.effects] == [type(e) for e in pressed.effects]


# --------------------------------------------------------------------------- consent


def test_with_consent_the_end_promises_the_follow_up_day() -> None:
    chat = Chat(consent=True)
    to_summary(chat)
    turn = chat.press("yes")
    day = format_day(TODAY + timedelta(days=1), "nl_NL")
    assert f"Op {day} vraag ik hoe het ging" in text_of(turn.say)
    assert "bewaar niets" not in text_of(turn.say)


def test_without_consent_the_end_says_nothing_is_kept() -> None:
    chat = Chat(consent=False)
    to_summary(chat)
    turn = chat.press("yes")
    text = text_of(turn.say)
    assert "Ik bewaar niets" in text
    assert "vraag ik" not in text
    assert format_day(TODAY + timedelta(days=1), "nl_NL") not in text


@pytest.mark.parametrize("consent", [True, False])
def test_later_promises_only_with_consent(consent: bool) -> None:
    chat = Chat(consent=consent)
    for code in ("goal:work", "done", "done", "not_yet", "later"):
        chat.press(code)
    turn = chat.press("over 1 week")
    text = text_of(turn.say)
    assert ("Ik bewaar niets" in text) is not consent
    assert ("vraag ik" in text) is consent
    # The store decides; it keeps nothing without consent.
    assert isinstance(turn.effects[0], flow.Record)


# --------------------------------------------------------------------------- regions


def test_walk_in_belgium_offers_only_flemish_options() -> None:
    be_ids = {o.id for o in catalogue("nl_BE").options}
    nl_only = {o.id for o in catalogue("nl_NL").options} - be_ids
    assert nl_only  # otherwise this test proves nothing
    chat = Chat("nl_BE")
    chat.press("goal:work")
    chat.type("andere opties")
    chat.press("other")
    chat.press("done")
    chat.press("pref:money")
    chat.press("done")
    chat.type("andere opties")
    offered = set(chat.state["offered"])
    chat.press(f"choose:{chat.state['offered'][0]}")
    chat.press("yes")
    chat.press("morgen")
    chat.press("help:usual")
    turn = chat.type("ja")
    assert turn.state["outcome"] == "agreed" and turn.state["region"] == "nl_BE"
    shown = set(turn.state["shown"])
    assert offered <= shown <= be_ids and len(shown) >= 6
    assert turn.state["choice"] in be_ids
    assert turn.state["catalogue"] == catalogue("nl_BE").version
    buttons = {b.answer for m in chat.said() for b in m.buttons}
    assert not buttons & {f"more:{i}" for i in nl_only}


@pytest.mark.parametrize("region", REGIONS)
def test_every_offered_option_exists_in_the_region(region: str) -> None:
    ids = {o.id for o in catalogue(region).options}
    for goal in GOALS:
        chat = Chat(region)
        chat.press(f"goal:{goal}")
        assert set(chat.state["page_ids"]) <= ids
        chat.press("done")
        chat.press("done")
        assert set(chat.state["offered"]) <= ids and chat.state["offered"]


# --------------------------------------------------------------------------- small parts


@pytest.mark.parametrize(
    "said,expected",
    [
        ("mijn zus", "je zus"),
        ("Mijn moeder", "je moeder"),
        ("m'n broer", "je broer"),
        ("mn buurman", "je buurman"),
        ("Ali", "Ali"),
        ("mijnheer Jansen", "mijnheer Jansen"),
    ],
)
def test_your(said: str, expected: str) -> None:
    assert flow.your(said) == expected


def test_summary_lines() -> None:
    ctx = make_ctx()
    state = {**flow.new_state(ctx), **{k: v for k, v in AGREED.items() if k in flow.new_state(ctx)}}
    lines = flow.summary_lines(state, ctx)
    assert lines == [
        "Doel: werk vinden.",
        "Keuze: Proefplaatsing.",
        "Eerste stap: Bel de werkgever.",
        "Wanneer: dinsdag 1 december.",
        "Hulp: je zus.",
    ]
    assert flow.summary_lines(flow.new_state(ctx), ctx) == ["Doel: nog niet bekend."]


def test_state_is_json_after_every_turn_of_a_long_walk() -> None:
    chat = Chat()
    chat.type("xyz qqq")
    chat.press("goal:work")
    chat.press("more:proefplaatsing")
    chat.press("other")
    chat.press("back")
    chat.press("goal:learn")
    chat.press("done")
    chat.type("geld en vaste uren")
    chat.press("done")
    chat.press("not_yet")
    chat.press("back")
    chat.type("de eerste")
    chat.press("own")
    chat.type("ik bel morgen met de gemeente")
    chat.type("gisteren")
    chat.type("vrijdag")
    chat.type("m'n buurman")
    chat.press("no")
    chat.press("change:next_when")
    chat.press("over 2 weken")
    chat.press("yes")
    turn = chat.press("talk:coach_asked")
    assert turn.finished and len(chat.turns) == 22
    for each in chat.turns:
        assert json.loads(json.dumps(each.state)) == each.state
        for effect in each.effects:
            json.dumps(dataclasses.asdict(effect))
    assert turn.state["helper"] == "je buurman"
    assert turn.state["goal"] == "learn"


# --------------------------------------------------------------------------- typed as people type


def at_step(step: str, region: str = "nl_NL") -> Chat:
    """A journey that reached this step with buttons, the first option chosen."""
    chat = Chat(region)
    codes = ["goal:work", "done", "done", "choose:", "yes", "morgen", "help:self"]
    for code in codes:
        if chat.step == step:
            break
        chat.press(code if code != "choose:" else f"choose:{chat.state['offered'][0]}")
    assert chat.step == step
    return chat


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("geld en dichtbij huis want ik heb kinderen", "nl_NL", ["money", "close_to_home"]),
        ("geld is belangrijk, ik heb drie kinder", "nl_NL", ["money"]),
        ("dichtbij huis want ik heb gene auto", "nl_BE", ["close_to_home"]),
    ],
)
def test_what_matters_with_a_reason(text: str, region: str, expected: list[str]) -> None:
    chat = at_step("preferences", region)
    assert flow.understands(chat.state, text, chat.ctx)
    chat.type(text)
    assert chat.step == "preferences" and chat.state["preferences"] == expected


@pytest.mark.parametrize(
    ("text", "step"),
    [("werrk vinde", "options"), ("ik wil beter nederlands leer", "options"),
     ("'k weet het nie", "options")],
)  # fmt: skip
def test_goal_typed_with_typos_and_a2_grammar(text: str, step: str) -> None:
    chat = Chat()
    chat.type(text)
    assert chat.step == step and chat.state["misses"] == 0


@pytest.mark.parametrize(
    ("step", "then"),
    [("options", "preferences"), ("preferences", "decide"), ("decide", "not_yet"),
     ("next_when", "next_when"), ("helper", "helper")],
)  # fmt: skip
@pytest.mark.parametrize("text", ["weet ik niet", "da maakt mij nie uit", "geen idee"])
def test_not_knowing_answers_every_step(step: str, then: str, text: str) -> None:
    chat = at_step(step)
    turn = chat.type(text)
    assert chat.step == then and chat.state["misses"] == 0
    assert "snap ik niet" not in text_of(turn.say)
    assert not any(problems(message) for message in turn.say)


def test_not_knowing_the_first_step_offers_the_idea_again() -> None:
    chat = at_step("next_what")
    chat.press("own")
    turn = chat.type("weet ik niet")
    assert chat.step == "next_what" and not chat.state["typing"]
    assert "idee" in text_of(turn.say) and "yes" in chat.answers()


@pytest.mark.parametrize(
    "text",
    ["nee toch de eerste", "wacht nee, doe maar de eerste want dan hou ik mijn uitkering",
     "de eerste", "oeps, ik bedoel de eerste"],
)  # fmt: skip
def test_a_change_of_mind_after_choosing_is_a_new_choice(text: str) -> None:
    chat = at_step("decide")
    chat.type("de tweede")
    assert chat.step == "next_what"
    chat.type(text)
    assert chat.step == "next_what" and chat.state["choice"] == chat.state["offered"][0]


def test_a_change_of_mind_later_asks_the_first_step_again() -> None:
    chat = at_step("helper")
    chat.type("nee toch liever de derde")
    assert chat.step == "next_what" and chat.state["choice"] == chat.state["offered"][2]
    assert chat.state["next_what"] is None and chat.state["next_on"] is None


def test_the_last_choice_named_wins_at_decide() -> None:
    chat = at_step("decide")
    chat.type("de tweede, nee toch de eerste")
    assert chat.state["choice"] == chat.state["offered"][0]


def test_a_reason_names_no_option() -> None:
    chat = at_step("decide")
    chat.type("geld, want ik heb kinderen")  # "kinderen" is a keyword of the wijkteam
    assert chat.step == "decide" and chat.state["choice"] is None


def test_a_question_about_an_option_leaves_the_state_as_it_was() -> None:
    chat = at_step("decide")
    before = dict(chat.state)
    turn = chat.type("wat is beschut werk precies?")
    assert "Beschut werk" in text_of(turn.say) and "Minder goed:" in text_of(turn.say)
    assert chat.state == before
    assert "Wat kies je?" in text_of(chat.asked())


def test_no_with_an_own_first_step_takes_that_step() -> None:
    chat = at_step("next_what")
    text = "nee ik ga zelf eerst bellen met het uitzendbureau bij mij in de straat"
    assert flow.understands(chat.state, text, chat.ctx)
    chat.type(text)
    assert chat.step == "next_when"
    assert chat.state["next_what"] == text.removeprefix("nee ") + "."
    assert chat.state["choice"] == chat.state["offered"][0]  # the place named is no new choice


def test_a_bare_no_to_the_idea_still_asks_to_type() -> None:
    chat = at_step("next_what")
    chat.type("nee")
    assert chat.step == "next_what" and chat.state["typing"]


@pytest.mark.parametrize(
    ("text", "helper"),
    [("ik doe da zelf", "je doet het zelf"), ("niemand", "je doet het zelf"),
     ("mijn buurman helpt", "je buurman helpt")],
)  # fmt: skip
def test_who_helps_typed(text: str, helper: str) -> None:
    chat = at_step("helper", "nl_BE")
    assert flow.understands(chat.state, text, chat.ctx)
    chat.type(text)
    assert chat.step == "summary" and chat.state["helper"] == helper
    assert "Klopt dit?" in text_of(chat.asked())


def test_no_the_date_is_wrong_asks_the_day_then_back_to_the_summary() -> None:
    chat = at_step("summary")
    chat.type("nee de datum klopt niet")
    assert chat.step == "next_when" and chat.state["fixing"]
    chat.type("over 2 weken")
    assert chat.step == "summary"
    assert chat.state["next_on"] == (TODAY + timedelta(days=14)).isoformat()


def test_a_new_day_typed_at_what_to_change() -> None:
    chat = at_step("summary")
    chat.press("no")
    assert chat.step == "change"
    chat.type("over 2 weken")
    assert chat.step == "summary"
    assert chat.state["next_on"] == (TODAY + timedelta(days=14)).isoformat()


def test_flemish_journey_typed() -> None:
    chat = Chat("nl_BE")
    for text in ("ne job vinden", "ga maar verder", "da maakt mij nie uit", "den eerste"):
        chat.type(text)
    assert chat.step == "next_what" and chat.state["choice"] == chat.state["offered"][0]
    for text in ("ja da doe ik", "morgen", "ik doe da zelf"):
        chat.type(text)
    assert chat.step == "summary"
    assert chat.type("ja da klopt").state["outcome"] == "agreed"
    assert chat.type("samen me mijne coach").finished
    assert chat.state["decided_with"] == "with_coach"


@pytest.mark.parametrize("step", ["preferences", "decide", "next_what", "next_when", "helper"])
@pytest.mark.parametrize(
    "text",
    ["ik heb schulden", "stop", "ik wil dood", "hoe laat is het?", "wie kan mij helpen?",
     "menu", "ik snap het niet", "xyz qqq"],
)  # fmt: skip
def test_what_is_not_an_answer_is_left_to_the_classifier(step: str, text: str) -> None:
    chat = at_step(step)
    assert not flow.understands(chat.state, text, chat.ctx)


@pytest.mark.parametrize(
    ("step", "text"),
    [("goal", "werk"), ("preferences", "geld"), ("decide", "nummer 1 👍"),
     ("next_what", "ja da doe ik"), ("next_when", "volgende week dinsdag"),
     ("helper", "ik doe da zelf"), ("summary", "ja klopt"), ("options", "terug")],
)  # fmt: skip
def test_the_step_understands_its_own_answers(step: str, text: str) -> None:
    chat = at_step(step)
    assert flow.understands(chat.state, text, chat.ctx)


def test_a_crisis_word_is_only_a_command_or_a_typed_button() -> None:
    chat = at_step("helper")
    assert flow.says_command(chat.state, "ik doe da zelf", chat.ctx)
    assert not flow.says_command(chat.state, "mijn buurman helpt", chat.ctx)
    assert not flow.says_command(chat.state, "ik wil dood", chat.ctx)


def test_back_to_the_same_choice_while_fixing_asks_what_it_emptied() -> None:
    """Summary, "nee", fix the step, "terug", the same option again: the step, day and
    helper were emptied, so they are asked again before "Klopt dit?" (it crashed on "ja")."""
    chat = Chat()
    to_summary(chat)
    choice = chat.state["choice"]
    chat.type("nee")
    chat.press("change:next_what")
    chat.type("terug")
    assert chat.step == "decide"
    chat.press(f"choose:{choice}")
    chat.press("yes")
    assert chat.step == "next_when"
    chat.press("morgen")
    assert chat.step == "helper"
    chat.press("help:usual")
    assert chat.step == "summary"
    chat.press("yes")
    assert chat.state["outcome"] == "agreed" and chat.state["next_on"]


def test_fixing_one_answer_still_goes_straight_back_to_the_summary() -> None:
    chat = Chat()
    to_summary(chat)
    chat.type("nee")
    chat.press("change:next_when")
    chat.press("over 1 week")
    assert chat.step == "summary"
