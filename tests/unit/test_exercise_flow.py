"""A digital-skills exercise as a pure state machine (bot/exercises/flow.py).

The tests talk to the flow as the Rasa action does: one Answer at a time, a button code
or typed Dutch, with the state going through JSON after every turn (it lives in a slot).
Every exercise in both regions is taken with right, wrong and skipped answers.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bot.dialogue import Answer, Message
from bot.exercises import answers, flow
from bot.exercises.catalogue import Question, catalogue
from bot.exercises.progress import PASS_SCORE
from bot.i18n import texts
from tests.exercise_script import current, right_code, wrong_code
from tests.unit.test_plain_language import b1_problems

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
REGIONS = ("nl_NL", "nl_BE")
MAX_TITLE = 40
EVERY_EXERCISE = [(r, e.id) for r in REGIONS for e in catalogue(r).exercises]


def make_ctx(region: str = "nl_NL") -> flow.Context:
    return flow.Context(
        region=region,
        now=NOW,
        catalogue=catalogue(region),
        t=texts(region),
        image_url=lambda image: f"https://example.org/media/exercises/{image}.png",
    )


class Chat:
    """A user doing exercises; every turn's state must survive a Rasa slot (JSON)."""

    def __init__(self, region: str = "nl_NL", text: str = "", state: flow.State | None = None):
        self.ctx = make_ctx(region)
        self.state, self.opening = flow.start(state, self.ctx, text)
        self.turns: list[flow.Turn] = []
        self.prompts: list[Message] = list(self.opening) + self.asked()

    @property
    def step(self) -> str:
        return self.state["step"]

    def press(self, code: str) -> flow.Turn:
        return self._send(Answer(button=code))

    def type(self, text: str, intent: str | None = None) -> flow.Turn:
        return self._send(Answer(text=text, intent=intent))

    def _send(self, answer: Answer) -> flow.Turn:
        turn = flow.advance(self.state, answer, self.ctx)
        assert json.loads(json.dumps(turn.state)) == turn.state, "state must fit in a slot"
        self.state = turn.state
        self.turns.append(turn)
        self.prompts += turn.say
        if not turn.finished:
            self.prompts += self.asked()
        return turn

    def asked(self, simple: bool = False) -> list[Message]:
        return flow.prompt(self.state, self.ctx, simple=simple)

    def codes(self) -> list[str]:
        return [b.answer for m in self.asked() for b in m.buttons]

    def said(self) -> str:
        return "\n".join(m.text for turn in self.turns for m in turn.say)

    def records(self) -> list[dict[str, Any]]:
        return [
            dataclasses.asdict(effect.attempt)
            for turn in self.turns
            for effect in turn.effects
            if isinstance(effect, flow.RecordAttempt)
        ]

    def begin(self, exercise_id: str) -> None:
        self.state["step"] = "pick"
        self.press(f"e:{exercise_id}")
        assert self.step == "question" and self.state["exercise"] == exercise_id

    def answer_all(self, choose: str) -> None:
        """Answer every question of the current exercise: right, wrong (twice) or skip."""
        exercise = self.state["exercise"]
        for _ in range(200):
            if self.state.get("exercise") != exercise or self.step != "question":
                return
            if choose == "skip":
                self.press("skip")
            elif choose == "right":
                self.press(right_code(self.state, self.ctx.catalogue))
            else:
                self.press(wrong_code(self.state, self.ctx.catalogue))
        raise AssertionError("the exercise never ended")


def problems(message: Message) -> list[str]:
    """Plain language and buttons; an image message is its text alternative, checked apart."""
    found = [] if message.image else b1_problems(message.text, len(message.buttons))
    for button in message.buttons:
        if not button.title.strip() or len(button.title) > MAX_TITLE:
            found.append(f"button title {button.title!r}")
        if len(json.dumps({"answer": button.answer})) > 40:
            found.append(f"button code {button.answer!r} is too long for Telegram")
    if message.image and not (message.alt and message.text):
        found.append(f"image without a text alternative: {message.image}")
    return found


@pytest.mark.parametrize("region,exercise_id", EVERY_EXERCISE)
def test_every_exercise_all_right(region: str, exercise_id: str) -> None:
    chat = Chat(region, state={**flow.new_state(make_ctx(region)), "level": 2, "step": "pick"})
    chat.begin(exercise_id)
    chat.answer_all("right")
    exercise = catalogue(region).get(exercise_id)
    [record] = chat.records()
    units = record["questions"]
    assert record["exercise_id"] == exercise_id and record["competence"] == exercise.competence
    assert record["score"] == 100 and record["passed"] and record["finished"]
    assert record["correct"] == record["first_try"] == units and record["skipped"] == 0
    assert record["answers"] >= units
    assert f"{units} van de {units} vragen had je meteen goed" in chat.said()
    assert "Tip:" not in chat.said()
    assert chat.step == "suggest" and chat.state["results"][exercise_id]["passed"] is True
    assert chat.state["level"] == min(exercise.level + 1, 4)
    found = [p for message in chat.prompts for p in problems(message)]
    assert not found, found
    # Every image of the exercise was shown, with its text alternative.
    shown = {m.image for m in chat.prompts if m.image}
    questions = exercise.questions_for(region)
    used = {q.image for q in questions if q.image} | {i.image for q in questions for i in q.items}
    assert {f"https://example.org/media/exercises/{i}.png" for i in used} == shown


@pytest.mark.parametrize("region,exercise_id", EVERY_EXERCISE)
def test_every_exercise_all_wrong_gets_hints_then_the_answer(region: str, exercise_id: str) -> None:
    chat = Chat(region, state={**flow.new_state(make_ctx(region)), "level": 3, "step": "pick"})
    chat.begin(exercise_id)
    chat.answer_all("wrong")
    [record] = chat.records()
    assert record["score"] == 0 and not record["passed"] and record["correct"] == 0
    said = chat.said()
    exercise = catalogue(region).get(exercise_id)
    questions = exercise.questions_for(region)
    retried = sum(flow.units(q) for q in questions if q.type != "true_false")
    assert said.count("Tip:") >= retried - 1  # order questions hint per step
    assert "Het goede antwoord is" in said or "Dit is de goede volgorde" in said
    for question in questions:
        if question.type not in ("true_false",):
            assert question.explain in said, question.id
        for statement in question.statements:
            assert statement.explain in said
    assert chat.state["level"] == max(exercise.level - 1, 1)
    assert not [p for message in chat.prompts for p in problems(message)]


@pytest.mark.parametrize("region,exercise_id", EVERY_EXERCISE)
def test_every_wrong_answer_is_told_why(region: str, exercise_id: str) -> None:
    """No bare "Dat klopt niet.": the reason for the very answer given follows it."""
    chat = Chat(region, state={**flow.new_state(make_ctx(region)), "level": 3, "step": "pick"})
    chat.begin(exercise_id)
    for _ in range(200):
        if chat.step != "question":
            break
        question, part = current(chat.state, chat.ctx.catalogue)
        code = wrong_code(chat.state, chat.ctx.catalogue)
        reason = wrong_reason(question, part, code)
        if question.type == "order" and chat.state["tries"]:
            # The second miss places the step: why that step belongs there.
            reason = question.step_whys[len(chat.state["picked"])]
        said = " ".join(m.text for m in chat.press(code).say)
        assert reason in said, (question.id, code, said)
    bare = [m.text for m in chat.prompts if m.text.strip() in ("Dat klopt niet.", "")]
    assert not bare


def wrong_reason(question: Question, part: int, code: str) -> str:
    """The content's reason for this wrong answer (the schema makes every one give one)."""
    index = int(code[1:]) if code[1:].isdigit() else -1
    if question.type == "true_false":
        return question.statements[part].explain
    if question.type == "order":
        return question.step_whys[index]
    if question.type == "spot_fake" and part == 0:
        return str(question.items[index].why)
    choices = question.choices if question.type == "choice" else question.reasons
    return str(choices[index].why)


@pytest.mark.parametrize("region", REGIONS)
def test_skipping_counts_as_skipped_and_still_explains(region: str) -> None:
    exercise = catalogue(region).exercises[0]
    chat = Chat(region, state={**flow.new_state(make_ctx(region)), "level": 1, "step": "pick"})
    chat.begin(exercise.id)
    chat.answer_all("skip")
    [record] = chat.records()
    assert record["skipped"] >= len(exercise.questions_for(region))
    assert record["correct"] == 0 and record["score"] == 0
    assert exercise.questions_for(region)[0].explain in chat.said()


def first_of_type(kind: str, region: str = "nl_NL") -> tuple[str, int]:
    for exercise in catalogue(region).exercises:
        for index, question in enumerate(exercise.questions_for(region)):
            if question.type == kind:
                return exercise.id, index
    raise AssertionError(f"no {kind} question")


def at_question(kind: str, region: str = "nl_NL") -> Chat:
    exercise_id, index = first_of_type(kind, region)
    chat = Chat(region, state={**flow.new_state(make_ctx(region)), "level": 1, "step": "pick"})
    chat.begin(exercise_id)
    while chat.state["q"] < index:
        chat.press(right_code(chat.state, chat.ctx.catalogue))
    return chat


def test_a_wrong_statement_gets_its_reason_and_the_next_one() -> None:
    """True or false has two answers: after the reason a retry would test only reading."""
    chat = at_question("true_false")
    question, part = current(chat.state, chat.ctx.catalogue)
    before = (chat.state["right"], chat.state["half"])
    turn = chat.press(wrong_code(chat.state, chat.ctx.catalogue))
    said = " ".join(m.text for m in turn.say)
    assert question.statements[part].explain in said and "Tip:" not in said
    assert chat.state["part"] == part + 1 or chat.state["q"] > 0
    assert (chat.state["right"], chat.state["half"]) == before


@pytest.mark.parametrize("kind", ["choice", "order", "spot_fake"])
def test_a_wrong_answer_gets_a_hint_and_a_retry_worth_half(kind: str) -> None:
    chat = at_question(kind)
    question, _ = current(chat.state, chat.ctx.catalogue)

    def position() -> tuple[int, int, int]:  # an order question's unit is one step
        return chat.state["q"], chat.state["part"], len(chat.state["picked"])

    asked = position()
    before = (chat.state["right"], chat.state["first"], chat.state["half"])
    turn = chat.press(wrong_code(chat.state, chat.ctx.catalogue))
    said = " ".join(m.text for m in turn.say)
    assert f"Tip: {question.hint}" in said
    assert position() == asked, "the same question again"
    while position() == asked:
        chat.press(right_code(chat.state, chat.ctx.catalogue))
    after = (chat.state["right"], chat.state["first"], chat.state["half"])
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 0, 1]


def test_the_retry_prompt_does_not_repeat_the_image() -> None:
    chat = at_question("spot_fake")
    assert any(m.image for m in chat.asked())
    chat.press(wrong_code(chat.state, chat.ctx.catalogue))
    assert not any(m.image for m in chat.asked())
    assert chat.asked(simple=True)[0].text.startswith("Tip:")


def test_typed_answers_work_like_buttons() -> None:
    chat = at_question("true_false")
    question, part = current(chat.state, chat.ctx.catalogue)
    first = chat.state["first"]
    chat.type("klopt" if question.statements[part].correct else "klopt niet")
    assert chat.state["first"] == first + 1
    for typed in ("ordinal", "letter"):
        chat = at_question("choice")
        question, _ = current(chat.state, chat.ctx.catalogue)
        right = next(i for i, c in enumerate(question.choices) if c.correct)
        first = chat.state["first"]
        chat.type(
            ["de eerste", "de tweede", "de derde"][right] if typed == "ordinal" else "abc"[right]
        )
        assert chat.state["first"] == first + 1, chat.said()


@pytest.mark.parametrize(
    "template",
    ["{L} want dat lijkt me het beste", "{l}, omdat de rest niet klopt", "ik denk {l}",
     "antwoord: {L}", "{L}.", "ik kies {l} want het adres klopt niet", "{l}"],
)  # fmt: skip
def test_a_letter_with_a_reason_is_that_answer(template: str) -> None:
    chat = at_question("choice")
    question, _ = current(chat.state, chat.ctx.catalogue)
    right = next(i for i, c in enumerate(question.choices) if c.correct)
    letter = "abcd"[right]
    first = chat.state["first"]
    typed = template.format(L=letter.upper(), l=letter)
    assert flow.understands(chat.state, typed, chat.ctx)
    chat.type(typed)
    assert chat.state["first"] == first + 1, chat.said()


def test_a_letter_inside_a_sentence_or_two_letters_is_no_answer() -> None:
    chat = at_question("choice")
    assert answers.letter(answers.words("ik heb a en b gedaan"), 4) is None
    assert answers.letter(answers.words("a en b"), 4) is None
    assert answers.letter(answers.words("B bellen"), 4) == 1
    assert not flow.understands(chat.state, "wat is phishing eigenlijk", chat.ctx)


@pytest.mark.parametrize(
    "typed", ["weet ik niet", "k weet het nie", "geen idee", "ik weet het echt niet", "idk"]
)
def test_not_knowing_skips(typed: str) -> None:
    chat = at_question("choice")
    position = chat.state["q"]
    assert flow.understands(chat.state, typed, chat.ctx)
    chat.type(typed)
    assert chat.state["skipped"] == 1 and chat.state["q"] == position + 1, chat.said()


def test_true_or_false_with_a_reason() -> None:
    chat = at_question("true_false")
    question, part = current(chat.state, chat.ctx.catalogue)
    first = chat.state["first"]
    right = "waar" if question.statements[part].correct else "niet waar"
    chat.type(f"{right}, want dat zie je aan de afzender")
    assert chat.state["first"] == first + 1, chat.said()


def test_an_order_question_can_be_typed_step_by_step_by_letter() -> None:
    chat = at_question("order")
    first = chat.state["first"]
    question, _ = current(chat.state, chat.ctx.catalogue)
    shown = flow.shuffled(question, chat.state["exercise"])
    assert shown != list(range(len(question.steps))), "never shown in the right order"
    for step in range(len(question.steps) - 1):
        if chat.state.get("exercise") is None or chat.state["picked"] == list(range(step)):
            chat.type("abcd"[shown.index(step)])
    assert chat.state["first"] == first + flow.units(question), chat.said()
    assert "Goed zo!" in chat.said()


def test_skip_and_stop_by_typing() -> None:
    chat = at_question("choice")
    position = chat.state["q"]
    chat.type("sla over")
    assert chat.state["skipped"] == 1 and chat.state["q"] == position + 1
    turn = chat.type("stop")
    assert turn.finished and flow.in_progress(chat.state)


def test_stop_and_resume_where_you_were() -> None:
    chat = at_question("true_false")
    position = (chat.state["exercise"], chat.state["q"], chat.state["part"])
    assert chat.press("stop").finished
    again = Chat(state=json.loads(json.dumps(chat.state)))
    assert again.step == "resume"
    assert "Wil je verder waar je was?" in again.asked()[0].text
    again.press("yes")
    assert (again.state["exercise"], again.state["q"], again.state["part"]) == position
    # "Nee, iets anders": the broken-off attempt is recorded as not finished.
    other = Chat(state=json.loads(json.dumps(chat.state)))
    other.type("nee")
    assert other.step == "pick"
    [record] = other.records()
    assert record["finished"] is False and record["passed"] is False


def test_intake_picks_the_starting_level_and_suggests_an_exercise() -> None:
    chat = Chat()
    assert chat.step == "intake"
    chat.type("dat vind ik echt moeilijk")
    assert chat.state["level"] == 1 and chat.step == "suggest"
    first = chat.codes()[0]
    assert first.startswith("e:")
    assert catalogue("nl_NL").get(first[2:]).level == 1
    chat = Chat()
    chat.press("3")
    assert catalogue("nl_NL").get(chat.codes()[0][2:]).level == 3


def test_after_success_a_harder_one_after_failure_an_easier_one() -> None:
    level_two = next(e for e in catalogue("nl_NL").exercises if e.level == 2)
    chat = Chat(state={**flow.new_state(make_ctx()), "level": 2, "step": "pick"})
    chat.begin(level_two.id)
    chat.answer_all("right")
    harder = catalogue("nl_NL").get(chat.codes()[0][2:])
    assert harder.level == 3 and harder.id != level_two.id
    chat.begin(level_two.id)
    chat.answer_all("wrong")
    easier = catalogue("nl_NL").get(chat.codes()[0][2:])
    assert easier.level == 1


def test_asking_for_a_topic_starts_that_exercise() -> None:
    chat = Chat(text="hoe maak ik een sterk wachtwoord")
    assert chat.step == "question"
    assert catalogue("nl_NL").get(chat.state["exercise"]).topic == "password"
    be = Chat("nl_BE", text="ik wil leren inloggen met itsme")
    assert catalogue("nl_BE").get(be.state["exercise"]).topic == "login_government"


def test_the_region_decides_the_variant() -> None:
    nl = {e.topic: e.id for e in catalogue("nl_NL").exercises}
    be = {e.topic: e.id for e in catalogue("nl_BE").exercises}
    assert nl["login_government"] != be["login_government"]
    assert nl["vacancies"] != be["vacancies"]
    with pytest.raises(KeyError):
        catalogue("nl_BE").get(nl["login_government"])


def test_picking_pages_through_every_exercise() -> None:
    chat = Chat(state={**flow.new_state(make_ctx()), "level": 1})
    chat.press("pick")
    seen: set[str] = set()
    for _ in range(10):
        codes = chat.codes()
        assert len(codes) <= 4
        seen |= {c[2:] for c in codes if c.startswith("e:")}
        chat.press("more")
    assert seen == {e.id for e in catalogue("nl_NL").exercises}


def test_a_typed_secret_is_refused_and_not_an_answer() -> None:
    chat = at_question("choice")
    before = dict(chat.state)
    for secret in ("mijn code is 482913", "Welkom2024!"):
        turn = chat.type(secret)
        assert "Typ nooit een echte code of wachtwoord" in turn.say[0].text
        assert chat.state == before
    for harmless in ("<script>alert(1)</script>", "ik ben 23", "werk.nl/vacature2024"):
        assert "Typ nooit" not in " ".join(m.text for m in chat.type(harmless).say)


def test_nonsense_is_not_understood_and_points_to_a_person() -> None:
    chat = at_question("choice")
    answers = chat.state["answers"]
    chat.type("blablabla")
    turn = chat.type("pizza")
    assert "coach" in turn.say[0].text
    assert chat.state["answers"] == answers


def test_time_is_measured() -> None:
    chat = at_question("choice")
    chat.ctx.now = NOW + timedelta(minutes=3)
    chat.answer_all("right")
    [record] = chat.records()
    assert 170 <= record["seconds"] <= 200


def test_results_suggest_nothing_when_everything_is_passed() -> None:
    ctx = make_ctx()
    results = {e.id: {"score": 100, "passed": True} for e in ctx.catalogue.exercises}
    chat = Chat(state={**flow.new_state(ctx), "level": 4, "results": results, "step": "suggest"})
    assert "alle oefeningen" in chat.asked()[0].text
    assert PASS_SCORE <= 100


def test_a_changed_exercise_is_chosen_again_not_resumed_halfway() -> None:
    chat = at_question("choice")
    saved = json.loads(json.dumps(chat.state))
    saved["version"] = 999  # the coach changed the exercise since
    again = Chat(state=saved)
    assert again.step == "suggest", "a changed exercise is not offered to resume"
    saved["step"], saved["exercise"] = "question", "removed_exercise"
    turn = flow.advance(saved, Answer(button="c0"), make_ctx())
    assert turn.state["step"] == "suggest" and "veranderd" in turn.say[0].text
