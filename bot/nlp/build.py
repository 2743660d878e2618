"""Build the Dutch spaCy pipeline: blank ``nl`` plus a lookup lemmatizer.

No Dutch spaCy model can be downloaded here, so we assemble one from spaCy's
Dutch tokenizer rules and the lemma tables in ``spacy-lookups-data``. It has no
vectors: the NLU features come from sparse featurizers (see config.yml).
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy

DEFAULT_PATH = Path("build/spacy_nl")


def build(path: Path = DEFAULT_PATH) -> Path:
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "werkmaatje_nl"
    nlp.meta["version"] = "1.0.0"
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
    print(f"Dutch spaCy pipeline written to {build(target)}")
