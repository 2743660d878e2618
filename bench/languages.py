"""Other languages: precision, recall, time and memory of bot/languages.py.

    .venv/bin/python -m bench.languages            # both accuracy modes, one process each
    .venv/bin/python -m bench.languages --mode high

The labelled messages are the tables in tests/unit/test_languages.py, every line of the
Dutch training and held-out data, and Dutch sentences from the content files
(data/content, domain responses: people's B1 Dutch the detector never saw), whole
and cut into 3 to 5 words, as short chat messages are. Figures go to docs/nlu.md.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from bot import languages
from tests.unit.test_languages import (
    DUTCH,
    ENGLISH_IN_TRAINING,
    FOREIGN,
    UNANSWERED,
    training_lines,
)

ROOT = Path(__file__).resolve().parents[1]
# English names of DigComp competences; the crisis and youth files hold patterns.
NOT_DUTCH_PROSE = {"digcomp.yml", "languages.yml", "crisis_patterns.yml", "youth_signals.yml"}


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def content_dutch() -> list[str]:
    """Sentences people wrote for the assistant, and random 3-5 word pieces of them."""
    files = [*(ROOT / "data" / "content").rglob("*.yml"), *(ROOT / "domain").glob("*.yml")]
    sentences: set[str] = set()
    for path in sorted(files):
        if path.name in NOT_DUTCH_PROSE:
            continue
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if "\\" in text or "{" in text:  # patterns and templates
                continue
            for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
                if len(sentence.split()) >= 2:
                    sentences.add(sentence)
    chance = random.Random(1)
    pieces = []
    for sentence in sorted(sentences):
        words = sentence.split()
        for size in (3, 4, 5):
            if len(words) > size:
                start = chance.randrange(len(words) - size + 1)
                pieces.append(" ".join(words[start : start + size]))
    return sorted(sentences) + pieces


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 1e6


def timed(detect: Callable[[str], str | None], texts: list[str]) -> tuple[list[str | None], float]:
    start = time.perf_counter()
    found = [detect(text) for text in texts]
    return found, (time.perf_counter() - start) / max(len(texts), 1) * 1000


def measure(mode: str) -> None:
    before = rss_mb()
    start = time.perf_counter()
    detector = languages.build_detector(low_accuracy=mode == "low")
    load_s = time.perf_counter() - start
    memory = rss_mb() - before
    languages.detector.cache_clear()
    languages.detector = lambda: detector  # type: ignore[assignment]

    foreign = [(code, text) for code, lines in FOREIGN.items() for text in lines]
    training = [text for text in training_lines() if text.lower() not in ENGLISH_IN_TRAINING]
    dutch_sets = {
        "chat table": DUTCH,
        "training + held-out": training,
        "content sentences": content_dutch(),
    }
    found, foreign_ms = timed(languages.detect, [text for _, text in foreign])
    print(f"\n== {mode} accuracy: models +{memory:.0f} MB RSS, loaded in {load_s:.1f} s")
    correct = sum(code == got for (code, _), got in zip(foreign, found, strict=True))
    wrong = sum(
        got is not None and got != code for (code, _), got in zip(foreign, found, strict=True)
    )
    print(f"other languages: {len(foreign)} messages, {foreign_ms:.2f} ms each")
    for code in FOREIGN:
        hits = [got == code for (c, _), got in zip(foreign, found, strict=True) if c == code]
        print(f"  {code}: recall {sum(hits)}/{len(hits)}")
    switched, false_dutch = correct + wrong, 0
    for name, texts in dutch_sets.items():
        got, ms = timed(languages.detect, texts)
        taken = [(text, code) for text, code in zip(texts, got, strict=True) if code]
        false_dutch += len(taken)
        print(f"Dutch, {name}: {len(taken)}/{len(texts)} taken for another, {ms:.3f} ms each")
        for text, code in taken[:5]:
            print(f"    {code}: {text}")
    unanswered, _ = timed(languages.detect, UNANSWERED)
    false_other = sum(code is not None for code in unanswered)
    print(f"languages without a text: {false_other}/{len(UNANSWERED)} answered in another")
    switched += false_dutch + false_other
    precision = correct / switched if switched else 1.0
    print(f"precision {precision:.3f} ({correct}/{switched}), recall {correct / len(foreign):.3f}")
    _, ms = timed(
        lambda text: str(detector.detect_language_of(text)), [t for _, t in foreign] + DUTCH
    )
    print(f"detector alone (no filters): {ms:.3f} ms per message")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["high", "low", "both"], default="both")
    mode = parser.parse_args().mode
    if mode != "both":
        measure(mode)
        return
    for each in ("high", "low"):  # one process each: memory figures of their own
        subprocess.run([sys.executable, "-m", "bench.languages", "--mode", each], check=True)


if __name__ == "__main__":
    main()
