"""NLU quality: 5-fold cross-validation, a held-out set, and held-out requests for other assistants.

`python -m bot.nlp.evaluate` (or `make nlu-report`) prints macro-F1 per check and
writes Rasa's reports to var/results/nlu/. tests/nlu uses the same functions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT, VAR_DIR

RASA = str(Path(sys.executable).parent / "rasa")
RESULTS = VAR_DIR / "results" / "nlu"
FOLD_SEED = 42
# As `make train`: one TensorFlow thread makes each fold's model the same on every machine.
ONE_THREAD = {"TF_INTER_OP_PARALLELISM_THREADS": "1", "TF_INTRA_OP_PARALLELISM_THREADS": "1"}
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


def _rows(out: Path) -> list[dict[str, Any]]:
    """Every prediction Rasa wrote, right or wrong."""
    return [
        row
        for name in ("intent_successes.json", "intent_errors.json")
        if (out / name).exists()
        for row in json.loads((out / name).read_text())
    ]


def _macro(out: Path) -> dict[str, float]:
    """Macro-F1, accuracy and F1 per intent, from every prediction Rasa wrote."""
    from sklearn.metrics import classification_report

    rows = _rows(out)
    gold = [str(row["intent"]) for row in rows]
    predicted = [
        SCORED_AS.get(name, name)
        for name in (str((row.get("intent_prediction") or {}).get("name")) for row in rows)
    ]
    # Averaged over the intents in the test set: a prediction outside it ("nlu_fallback", a
    # control word's "resume") costs its intent's recall, but is no class of its own with F1 0.
    data = classification_report(
        gold, predicted, labels=sorted(set(gold)), output_dict=True, zero_division=0
    )
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    return {"macro_f1": data["macro avg"]["f1-score"], "accuracy": accuracy} | {
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
        cwd=PROJECT_ROOT, check=True, env=os.environ | ONE_THREAD,
    )  # fmt: skip
    return _macro(out)


MODEL = PROJECT_ROOT / "models" / "werkmaatje.tar.gz"
# What a request for another assistant should become: "I cannot help with that".
NOT_OURS = ("out_of_scope", "nlu_fallback")


def _test_model(model: Path, nlu: str, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [RASA, "test", "nlu", "--nlu", nlu, "--model", str(model),
         "--successes", "--out", str(out)],
        cwd=PROJECT_ROOT, check=True,
    )  # fmt: skip


def held_out(model: Path = MODEL) -> dict[str, float]:
    out = RESULTS / "held-out"
    _test_model(model, "tests/nlu/heldout.yml", out)
    return _macro(out)


def out_of_domain(model: Path = MODEL) -> tuple[float, Counter[str]]:
    """Share of held-out requests for other assistants that we do not take as ours, and
    what the others were taken as. (`rasa test nlu` evaluates no set of one intent.)"""
    predicted = [name for _, name in predictions(model, "tests/nlu/out_of_domain.yml")]
    taken = Counter(name for name in predicted if name not in NOT_OURS)
    return 1 - sum(taken.values()) / len(predicted), taken


def predictions(model: Path, nlu: str) -> list[tuple[str, str]]:
    """(text, predicted intent) for every example in an NLU file, through the whole pipeline."""
    import asyncio

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    texts = [example.get("text") for example in load_data(str(PROJECT_ROOT / nlu)).intent_examples]
    agent = Agent.load(str(model))

    async def parse_all() -> list[tuple[str, str]]:
        parsed = [await agent.parse_message(text) for text in texts]
        return [(text, str(p["intent"].get("name"))) for text, p in zip(texts, parsed, strict=True)]

    return asyncio.run(parse_all())


if __name__ == "__main__":
    share, taken = out_of_domain()
    print(f"out-of-domain: {share:.1%} not taken as ours; taken as {dict(taken.most_common())}")
    for name, check in (("held-out", held_out), ("cross-validation", cross_validation)):
        scores = check()
        print(f"{name}: macro-F1 {scores['macro_f1']:.3f}, accuracy {scores['accuracy']:.3f}")
        for intent, f1 in sorted(scores.items()):
            if intent not in ("macro_f1", "accuracy"):
                print(f"  {intent:18} {f1:.3f}")
