"""The README's folder table matches the tree: every package and module of bot/ is in it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _table_paths() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([\w./-]+)`", section))


def test_every_part_of_bot_is_in_the_readme_table() -> None:
    named = _table_paths()
    parts = {f"bot/{p.name}/" for p in (ROOT / "bot").iterdir() if (p / "__init__.py").exists()}
    parts |= {f"bot/{p.name}" for p in (ROOT / "bot").glob("*.py") if p.name != "__init__.py"}
    assert parts - named == set()


def test_every_path_in_the_readme_table_exists() -> None:
    top = {p.name for p in ROOT.iterdir()}
    paths = [p for p in _table_paths() if "/" in p and p.split("/")[0] in top]
    missing = [path for path in paths if not (ROOT / path).exists()]
    assert len(paths) > 30  # the table was read
    assert missing == []
