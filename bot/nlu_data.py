"""Reading Rasa's NLU training files (data/nlu/, the held-out sets in tests/nlu/).

One reader, so that every user of the examples (the crisis check by meaning, the learning
loop's export, the NLU gates, the benchmarks) sees the same text: the line after ``- ``,
with entity markup removed (``[Utrecht](city)`` and ``[Utrecht]{"entity": "city"}`` are
``Utrecht``). Rasa's own loader does the same but needs Rasa imported; this needs YAML only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
ENTITY_MARKUP = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


def nlu_files(sources: Iterable[Path]) -> list[Path]:
    """The YAML files of these sources: a folder is read with its subfolders, in order."""
    files: list[Path] = []
    for source in sources:
        files += sorted(source.rglob("*.yml")) if source.is_dir() else [source]
    return [path for path in files if path.is_file()]


def examples_by_intent(sources: Iterable[Path]) -> dict[str, list[str]]:
    """Every intent's examples in these files or folders, in file order."""
    found: dict[str, list[str]] = {}
    for path in nlu_files(sources):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        blocks = content.get("nlu") if isinstance(content, dict) else None
        for block in blocks or []:
            if not isinstance(block, dict) or not isinstance(block.get("intent"), str):
                continue
            text = block.get("examples")
            lines = text.splitlines() if isinstance(text, str) else []
            found.setdefault(block["intent"], []).extend(
                ENTITY_MARKUP.sub(r"\1", line.strip()[2:]).strip()
                for line in lines
                if line.strip().startswith("- ")
            )
    return found


def all_examples(sources: Iterable[Path]) -> list[str]:
    """Every example in these files or folders, whatever its intent."""
    return [text for texts in examples_by_intent(sources).values() for text in texts]
