"""Right and wrong answers to the exercise on screen, read from the catalogue.

Shared by the flow's unit tests and the end-to-end tests, which take every exercise
with right and with wrong answers: the answers come from the YAML, not from the test.
"""

from __future__ import annotations

from typing import Any

from bot.exercises.catalogue import Catalogue, Question


def current(state: dict[str, Any], catalogue: Catalogue) -> tuple[Question, int]:
    exercise = catalogue.get(state["exercise"])
    question = exercise.questions_for(catalogue.region)[state["q"]]
    return question, int(state.get("part") or 0)


def right_code(state: dict[str, Any], catalogue: Catalogue) -> str:
    """The button code of the right answer to what is asked now."""
    question, part = current(state, catalogue)
    if question.type == "choice":
        return f"c{next(i for i, c in enumerate(question.choices) if c.correct)}"
    if question.type == "true_false":
        return "yes" if question.statements[part].correct else "no"
    if question.type == "order":
        return f"s{len(state.get('picked') or [])}"
    if part == 0:
        return f"i{next(i for i, item in enumerate(question.items) if item.fake)}"
    return f"r{next(i for i, c in enumerate(question.reasons) if c.correct)}"


def wrong_code(state: dict[str, Any], catalogue: Catalogue) -> str:
    """The button code of a wrong answer to what is asked now."""
    question, part = current(state, catalogue)
    if question.type == "choice":
        return f"c{next(i for i, c in enumerate(question.choices) if not c.correct)}"
    if question.type == "true_false":
        return "no" if question.statements[part].correct else "yes"
    if question.type == "order":
        picked = state.get("picked") or []
        left = [i for i in range(len(question.steps)) if i not in picked]
        return f"s{next(i for i in left if i != len(picked))}"
    if part == 0:
        return f"i{next(i for i, item in enumerate(question.items) if not item.fake)}"
    return f"r{next(i for i, c in enumerate(question.reasons) if not c.correct)}"
