"""`python -m bench.encoder`: what the sentence encoder costs a Rasa process.

Prints the memory the encoder adds (RSS before and after loading it and encoding one
sentence), and the time to encode one message, for messages it has not seen (no cache)
and for repeated ones, measured on the held-out sets. The same run times the sparse
featurizers' cheapest neighbour, spaCy's tokenizer, as a baseline on the same machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.nlu_data import all_examples


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def held_out_texts() -> list[str]:
    files = [PROJECT_ROOT / "tests" / "nlu" / name for name in ("heldout.yml", "out_of_domain.yml")]
    return list(dict.fromkeys(all_examples(files)))


def timings_ms(function: Callable[[str], object], texts: list[str]) -> list[float]:
    found = []
    for text in texts:
        start = time.perf_counter()
        function(text)
        found.append((time.perf_counter() - start) * 1000)
    return found


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms"


def main() -> None:
    import spacy

    texts = held_out_texts()
    before = rss_mb()
    from bot.nlp.sentence_encoder import encoder

    model = encoder()
    model.encode_one("hallo")
    after = rss_mb()
    print(f"messages: {len(texts)} distinct held-out texts")
    print(
        f"RSS: {before:.0f} MB before the encoder, {after:.0f} MB after (+{after - before:.0f} MB)"
    )
    print(f"encode, first time (no cache):  {summary(timings_ms(model.encode_one, texts))}")
    print(f"encode, repeated (cache):       {summary(timings_ms(model.encode_one, texts))}")
    nlp = spacy.blank("nl")
    print(f"baseline, spaCy blank tokenizer: {summary(timings_ms(nlp, texts))}")


if __name__ == "__main__":
    main()
