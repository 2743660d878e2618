"""Typed exercise answers the way people type them (bot/exercises/answers.py).

First the reading functions on their own, then the phishing exercise taken by typing in
the flow, as the conversation suite does it; and what must never count as an answer.
"""

from __future__ import annotations

import pytest

from bot.exercises import answers, flow
from tests.unit.test_exercise_flow import Chat, make_ctx

MAILS = ["Mail A", "Mail B"]
CHOICES = [
    "Ik klik op de link om te kijken",
    "Ik bel de bank via het nummer op mijn pas",
    "Ik antwoord op de mail",
]
STEPS = ["Niet op de link klikken", "De mail doorsturen als melding", "De mail verwijderen"]
SHOWN = [2, 0, 1]  # the order the steps are listed in: A is step 3, B step 1, C step 2
# Never an answer, at any step: a problem, a crisis, a control word, a question.
NOT_ANSWERS = [
    "ik heb schulden",
    "ik wil dood",
    "stop",
    "wat betekent dat eigenlijk?",
    "hoe ver ben ik",
    "waar is de link?",
    "ik word uit mijn huis gezet",
]


@pytest.mark.parametrize(
    "typed,fake",
    [("den eerste is fake", 0), ("den eersten", 0), ("diene eerste is nep", 0),
     ("d'n eerste", 0), ("da's den eerste", 0), ("de eerste mail is nep", 0), ("mail 1", 0),
     ("dan a", 0), ("mail b", 1), ("a nee wacht b", 1), ("de 2de", 1), ("die bovenste", 0),
     ("den onderste", 1), ("A want het adres klopt niet", 0), ("de eerste is echt nep", 0),
     ("b is echt", 0), ("mail b is echt", 0), ("a is niet echt", 0), ("ik denk de eerste", 0)],
)  # fmt: skip
def test_which_mail_is_fake(typed: str, fake: int) -> None:
    assert answers.choice(typed, MAILS, spot_fake=True) == fake


@pytest.mark.parametrize(
    "typed,picked",
    [("nee toch b", 1), ("ah nee, c", 2), ("a, nee wacht, ik bedoel c", 2), ("ik kies b", 1),
     ("de tweede, want dan bel ik de echte bank", 1), ("optie 2", 1), ("nummer 3", 2),
     ("ik zou de bank bellen", 1), ("B want dat is veilig", 1)],
)  # fmt: skip
def test_a_choice_by_letter_ordinal_or_words(typed: str, picked: int) -> None:
    assert answers.choice(typed, CHOICES) == picked


@pytest.mark.parametrize(
    "typed",
    [*NOT_ANSWERS, "wat is de eerste?", "de eerste keer dat ik mailde", "ik heb a gedaan",
     "a en b", "welke is nep"],
)  # fmt: skip
def test_no_choice(typed: str) -> None:
    assert answers.choice(typed, MAILS, spot_fake=True) is None
    assert answers.choice(typed, CHOICES) is None


@pytest.mark.parametrize(
    "typed,said",
    [("ja waar", True), ("waar", True), ("klopt", True), ("ja dat is zo", True), ("juist", True),
     ("tis waar", True), ("da's waar", True), ("klopt wel", True), ("ik denk het wel", True),
     ("nee da klopt nie", False), ("nie waar", False), ("niet waar", False), ("neen", False),
     ("fout", False), ("nee dat klopt niet", False), ("ja nee toch niet", False),
     ("ik denk van niet", False), ("nee, want het adres eindigt op .info", False),
     ("waar, want ze maken haast", True)],
)  # fmt: skip
def test_true_or_false(typed: str, said: bool) -> None:
    assert answers.true_false(typed) is said


@pytest.mark.parametrize("typed", [*NOT_ANSWERS, "waar is dat", "ja maar ik weet het niet"])
def test_no_true_or_false(typed: str) -> None:
    assert answers.true_false(typed) is None


@pytest.mark.parametrize(
    "typed,order",
    [("eerst niet klikken op de link", [0]), ("doorsturen als melding", [1]),
     ("eerst niet op de link klikken dan doorsturen als melding en dan verwijderen", [0, 1, 2]),
     ("1. niet klikken 2. doorsturen 3. verwijderen", [0, 1, 2]), ("b dan c dan a", [0, 1, 2]),
     ("doorsturen en verwijderen", [1, 2]), ("mail doorsturen -> verwijderen", [1, 2]),
     ("niet op de link klikke daarna door sturen", [0, 1])],
)  # fmt: skip
def test_steps_typed_in_order(typed: str, order: list[int]) -> None:
    assert answers.steps(typed, STEPS, SHOWN) == order


@pytest.mark.parametrize(
    "typed",
    # "klikken op de link" is the opposite of the step "Niet op de link klikken".
    [*NOT_ANSWERS, "klikken op de link", "wat moet ik doen", "eerst verwijderen dan verwijderen"],
)
def test_no_steps(typed: str) -> None:
    assert answers.steps(typed, STEPS, SHOWN) is None


@pytest.mark.parametrize(
    "typed,level",
    [("gaat best goed hoor", "3"), ("moeilijk want ik heb geen computer thuis", "1"),
     ("da gaat wel ze, ik zit de hele dag op mijn gsm", "2"), ("niet zo goed", "1"),
     ("best wel moeilijk", "1"), ("gaat wel goed", "3"), ("valt mee", "2")],
)  # fmt: skip
def test_intake_level(typed: str, level: str) -> None:
    assert answers.level(typed, flow.INTAKE) == level


@pytest.mark.parametrize(
    "typed,reply",
    [("ja begin maar", "yes"), ("ja graag", "yes"), ("doe maar", "yes"), ("👍", "yes"),
     ("nee ik kies zelf", "pick"), ("nee ik wil liever zelf kiezen", "pick"),
     ("laat mij kiezen", "pick"), ("nee", "pick"), ("ja, nee toch niet", "pick")],
)  # fmt: skip
def test_suggestion_reply(typed: str, reply: str) -> None:
    assert answers.suggestion_reply(typed) == reply


@pytest.mark.parametrize("typed", NOT_ANSWERS)
def test_no_level_or_suggestion_reply(typed: str) -> None:
    assert answers.level(typed, flow.INTAKE) is None
    assert answers.suggestion_reply(typed) is None


# --- the phishing exercise, typed -------------------------------------------------------


def phishing(region: str = "nl_NL") -> Chat:
    chat = Chat(region, text="hoe herken ik nep mail")
    assert chat.step == "question" and chat.state["exercise"] == "phishing_mail"
    assert chat.asked()[-1].buttons, "the question offers buttons"
    return chat


def typed_right(chat: Chat, text: str) -> bool:
    """Whether the typed text was understood and counted as right."""
    right = chat.state["right"]
    assert flow.understands(chat.state, text, chat.ctx), text
    chat.type(text)
    return chat.state["right"] > right


def test_the_fake_mail_by_flemish_ordinal_and_after_a_retry() -> None:
    assert typed_right(phishing("nl_BE"), "den eerste is fake")
    chat = phishing()
    assert not typed_right(chat, "mail b") and chat.state["q"] == chat.state["part"] == 0
    assert typed_right(chat, "dan a")


def test_the_clues_and_a_change_of_mind() -> None:
    chat = phishing()
    chat.press("i0")
    assert typed_right(chat, "omdat ze haast maken en het adres is vreemd")
    for text in ("nee dat klopt niet", "ja waar", "niet waar"):
        assert typed_right(chat, text)
    assert not typed_right(chat, "a")
    assert typed_right(chat, "nee toch b")


@pytest.mark.parametrize(
    "typed",
    [["eerst niet klikken op de link", "doorsturen als melding"],
     ["eerst niet op de link klikken dan doorsturen als melding en dan verwijderen"]],
)  # fmt: skip
def test_the_steps_typed_each_count_as_right(typed: list[str]) -> None:
    chat = phishing()
    for code in ("i0", "r0", "no", "yes", "no", "c1"):
        chat.press(code)
    for text in typed:
        assert typed_right(chat, text)
    assert typed_right(chat, "a")  # where to report: the first choice in both regions
    assert chat.step == "suggest" and chat.state["results"]["phishing_mail"]["passed"]
    [record] = chat.records()
    assert record["score"] == 100 and record["questions"] == 2 + 3 + 1 + 2 + 1


def test_a_wrong_step_in_one_go_stops_at_the_hint() -> None:
    chat = phishing()
    for code in ("i0", "r0", "no", "yes", "no", "c1"):
        chat.press(code)
    chat.type("eerst doorsturen als melding dan niet op de link klikken")
    assert chat.state["picked"] == [] and "Dat is niet stap 1." in chat.said()
    assert typed_right(chat, "niet op de link klikken")


@pytest.mark.parametrize(
    "intake,reply,step",
    [("gaat best goed hoor", "ja begin maar", "question"),
     ("moeilijk want ik heb geen computer thuis", "nee ik kies zelf", "pick")],
)  # fmt: skip
def test_intake_and_suggestion_typed(intake: str, reply: str, step: str) -> None:
    chat = Chat()
    assert flow.understands(chat.state, intake, chat.ctx)
    chat.type(intake)
    assert chat.step == "suggest"
    assert flow.understands(chat.state, reply, chat.ctx)
    chat.type(reply)
    assert chat.step == step


@pytest.mark.parametrize("typed", [t for t in NOT_ANSWERS if t != "stop"])
def test_no_step_takes_a_problem_or_a_question(typed: str) -> None:
    chat = phishing()
    states = [dict(chat.state, step=step) for step in ("intake", "suggest")]
    for code in ("", "i0", "r0", "no", "yes", "no", "c1"):
        if code:
            chat.press(code)
        states.append(chat.state)
    for state in states:
        assert not flow.understands(state, typed, make_ctx()), (state["step"], state["q"])


def test_stop_is_never_judged() -> None:
    chat = phishing()
    turn = chat.type("stop")
    assert turn.finished and chat.state["answers"] == 0
