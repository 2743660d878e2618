"""NLU quality: 5-fold cross-validation on the training data and a held-out set.

`python -m bot.nlp.evaluate` (or `make nlu-report`) prints macro-F1 per check and
writes Rasa's reports to var/results/nlu/. tests/nlu uses the same functions.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT, VAR_DIR

RASA = str(Path(sys.executable).parent / "rasa")
RESULTS = VAR_DIR / "results" / "nlu"
FOLD_SEED = 42
# Rasa draws the folds with numpy's global random state (StratifiedKFold without a
# seed), so two runs on the same data would differ by about 0.01. Seeding it first
# makes the figure reproducible; `rasa test nlu` itself runs unchanged.
SEEDED_RASA = (
    "import sys, numpy; numpy.random.seed(int(sys.argv.pop(1)));"
    "from rasa.__main__ import main; sys.argv[0] = 'rasa'; main()"
)


# Intents a deterministic component sets on top of the classifier (the crisis ladder, the
# control word "menu", a stated move, another language) are scored as the intent the
# classifier stands for there: the gate measures what the model learned, and each
# component has tests of its own (tests/unit/test_crisis_net.py, test_intent_guard.py,
# test_languages.py).
SCORED_AS = {
    "distress": "crisis",
    "menu": "ask_capabilities",
    "inform_region": "inform",
    "other_language": "out_of_scope",
}


def _macro(out: Path) -> dict[str, float]:
    """Macro-F1, accuracy and F1 per intent, from every prediction Rasa wrote."""
    from sklearn.metrics import classification_report

    rows = [
        row
        for name in ("intent_successes.json", "intent_errors.json")
        if (out / name).exists()
        for row in json.loads((out / name).read_text())
    ]
    gold = [str(row["intent"]) for row in rows]
    predicted = [
        SCORED_AS.get(name, name)
        for name in (str((row.get("intent_prediction") or {}).get("name")) for row in rows)
    ]
    data = classification_report(gold, predicted, output_dict=True, zero_division=0)
    return {"macro_f1": data["macro avg"]["f1-score"], "accuracy": data["accuracy"]} | {
        name: values["f1-score"]
        for name, values in data.items()
        if isinstance(values, dict) and "support" in values and "avg" not in name
    }


def cross_validation(folds: int = 5) -> dict[str, float]:
    out = RESULTS / "cross-validation"
    shutil.rmtree(out, ignore_errors=True)  # only this run's predictions are read
    subprocess.run(
        [sys.executable, "-c", SEEDED_RASA, str(FOLD_SEED),
         "test", "nlu", "--nlu", "data/nlu", "--config", "config.yml",
         "--cross-validation", "--folds", str(folds), "--successes", "--out", str(out)],
        cwd=PROJECT_ROOT, check=True,
    )  # fmt: skip
    return _macro(out)


def held_out(model: Path = PROJECT_ROOT / "models" / "werkmaatje.tar.gz") -> dict[str, float]:
    out = RESULTS / "held-out"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [RASA, "test", "nlu", "--nlu", "tests/nlu/heldout.yml", "--model", str(model),
         "--successes", "--out", str(out)],
        cwd=PROJECT_ROOT, check=True,
    )  # fmt: skip
    return _macro(out)


if __name__ == "__main__":
    for name, check in (("held-out", held_out), ("cross-validation", cross_validation)):
        scores = check()
        print(f"{name}: macro-F1 {scores['macro_f1']:.3f}, accuracy {scores['accuracy']:.3f}")
        for intent, f1 in sorted(scores.items()):
            if intent not in ("macro_f1", "accuracy"):
                print(f"  {intent:18} {f1:.3f}")
