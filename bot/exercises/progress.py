"""Progress in the exercises: what to do next, and the badges earned per competence.

One source of truth for the chat summary ("Hoe ver ben ik?"), the progress card and
the coach's dashboard. Results are a dict ``{exercise_id: {"score", "passed"}}``: from
the stored attempts (with consent), or from the conversation's own state (without).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.exercises.catalogue import LEVELS, Catalogue, Exercise

# At least this score (0-100) passes an exercise: a level up, and a badge.
PASS_SCORE = 70
# Below this score the next suggestion is a level easier.
EASIER_BELOW = 50

Results = dict[str, dict[str, Any]]


class AttemptLike(Protocol):
    """Read-only, so frozen dataclasses (the stored attempts) fit too."""

    @property
    def exercise_id(self) -> str: ...
    @property
    def score(self) -> int: ...
    @property
    def passed(self) -> bool: ...
    @property
    def finished(self) -> bool: ...


def next_level(level: int, score: int) -> int:
    """A level up after success, a level down after failure, else the same level."""
    if score >= PASS_SCORE:
        return min(level + 1, LEVELS[-1])
    if score < EASIER_BELOW:
        return max(level - 1, LEVELS[0])
    return level


def starting_level(catalogue: Catalogue, results: Results) -> int:
    """Where a returning user goes on: one level above the highest level passed."""
    passed = [e.level for e in catalogue.exercises if (results.get(e.id) or {}).get("passed")]
    return min(max(passed) + 1, LEVELS[-1]) if passed else LEVELS[0]


def suggest(
    catalogue: Catalogue, results: Results, level: int, last: str | None
) -> Exercise | None:
    """The next exercise: not yet passed, closest to the level, a new competence first.

    None when every exercise has been passed.
    """
    todo = [e for e in catalogue.exercises if not (results.get(e.id) or {}).get("passed")]
    if not todo:
        return None
    earned = {e.competence for e in catalogue.exercises if (results.get(e.id) or {}).get("passed")}
    order = {e.id: i for i, e in enumerate(catalogue.exercises)}

    def rank(exercise: Exercise) -> tuple[int, int, int, int, int]:
        return (
            exercise.id == last,  # not the same one twice in a row
            abs(exercise.level - level),
            exercise.level > level,  # when unsure, easier first
            exercise.competence in earned,
            order[exercise.id],
        )

    return min(todo, key=rank)


def easier(catalogue: Catalogue, exercise: Exercise, results: Results) -> Exercise | None:
    """After a hard exercise, an easier one: the same topic first, then the same competence,
    then the same DigComp area (safety, communication...), the nearest level below, one
    not yet passed first. None when nothing is easier."""
    below = [e for e in catalogue.exercises if e.level < exercise.level]
    if not below:
        return None
    order = {e.id: i for i, e in enumerate(catalogue.exercises)}
    area = exercise.competence.split(".")[0]

    def rank(other: Exercise) -> tuple[bool, bool, bool, bool, int, int]:
        return (
            other.topic != exercise.topic,
            other.competence != exercise.competence,
            other.competence.split(".")[0] != area,
            bool((results.get(other.id) or {}).get("passed")),
            exercise.level - other.level,
            order[other.id],
        )

    return min(below, key=rank)


def results_of(attempts: Iterable[AttemptLike]) -> Results:
    """Best score per exercise, and whether it was ever passed."""
    results: Results = {}
    for attempt in attempts:
        if not attempt.finished:
            continue
        best = results.get(attempt.exercise_id) or {"score": 0, "passed": False}
        results[attempt.exercise_id] = {
            "score": max(int(best["score"]), int(attempt.score)),
            "passed": bool(best["passed"] or attempt.passed),
        }
    return results


@dataclass(frozen=True)
class CompetenceProgress:
    code: str
    label: str
    earned: bool
    level: int | None  # the highest level passed
    done: int  # exercises passed
    total: int  # exercises offered


@dataclass(frozen=True)
class Summary:
    done: int  # exercises finished at least once
    passed: int
    competences: tuple[CompetenceProgress, ...]

    @property
    def badges(self) -> tuple[CompetenceProgress, ...]:
        return tuple(c for c in self.competences if c.earned)


def summarise(catalogue: Catalogue, results: Results) -> Summary:
    rows = []
    for competence in catalogue.competences:
        offered = [e for e in catalogue.exercises if e.competence == competence.code]
        passed = [e for e in offered if (results.get(e.id) or {}).get("passed")]
        rows.append(
            CompetenceProgress(
                code=competence.code,
                label=competence.label,
                earned=bool(passed),
                level=max((e.level for e in passed), default=None),
                done=len(passed),
                total=len(offered),
            )
        )
    known = {e.id for e in catalogue.exercises}
    return Summary(
        done=sum(1 for i in results if i in known),
        passed=sum(1 for i, r in results.items() if i in known and r.get("passed")),
        competences=tuple(rows),
    )
