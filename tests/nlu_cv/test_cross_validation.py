"""5-fold cross-validation of the NLU pipeline: `make nlu-cv`, not part of `make test`.

Five trainings take about half an hour on two cores, and the held-out sets of tests/nlu
gate the shipped model on every run. Run this after changing config.yml or much of the
training data; docs/nlu.md has the figures.
"""

from __future__ import annotations

from bot.nlp import evaluate

FLOOR = 0.85


def test_cross_validation_macro_f1() -> None:
    scores = evaluate.cross_validation(folds=5)
    assert scores["macro_f1"] >= FLOOR, scores
