"""Pass rate of the people conversations, per topic file and overall.

    .venv/bin/python -m tests.conversations.report [extra pytest arguments]

Runs tests/integration/test_people_conversations.py (it starts the real servers) and
counts, per file: conversations, passing, known gaps (expected failures), and surprises
(a failure that is not marked, or a known gap that now passes). The pass rate counts a
conversation as passing when every need of every turn was met.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

import pytest

RUNNER = "tests/integration/test_people_conversations.py"


class Collect:
    """A pytest plugin that keeps each conversation's outcome."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: Any) -> None:
        if "[" not in report.nodeid or "test_person" not in report.nodeid:
            return
        test_id = report.nodeid.split("[", 1)[1].rstrip("]")
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            if hasattr(report, "wasxfail"):
                outcome = "xpassed" if report.outcome == "passed" else "xfailed"
            else:
                outcome = report.outcome
            self.outcomes[test_id] = outcome


def table(outcomes: dict[str, str]) -> str:
    per_file: dict[str, Counter[str]] = defaultdict(Counter)
    for test_id, outcome in outcomes.items():
        per_file[test_id.split("/", 1)[0]][outcome] += 1
    rows = [
        "| file | conversations | pass | known gap | surprise | pass rate |",
        "|---|---|---|---|---|---|",
    ]
    total: Counter[str] = Counter()
    for name in sorted(per_file):
        counts = per_file[name]
        total.update(counts)
        rows.append(_row(name, counts))
    rows.append(_row("**all**", total))
    return "\n".join(rows)


def _row(name: str, counts: Counter[str]) -> str:
    n = sum(counts.values())
    passing = counts["passed"] + counts["xpassed"]
    surprise = counts["failed"] + counts["xpassed"]
    rate = f"{100 * passing / n:.0f}%" if n else "-"
    return f"| {name} | {n} | {passing} | {counts['xfailed']} | {surprise} | {rate} |"


def model_time() -> str:
    from bot.services import MODEL

    if not MODEL.exists():
        return "no model"
    return datetime.fromtimestamp(MODEL.stat().st_mtime).strftime("%Y-%m-%d %H:%M")


def commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or "unknown"


def main(argv: list[str]) -> int:
    collect = Collect()
    started = time.monotonic()
    os.environ["PEOPLE_STRICT"] = "1"  # a known gap that now passes must be seen
    code = pytest.main([RUNNER, "-q", "-p", "no:cacheprovider", *argv], plugins=[collect])
    minutes = (time.monotonic() - started) / 60
    print()
    print(
        f"People conversations, {date.today().isoformat()}, commit {commit()},"
        f" model of {model_time()}, {minutes:.1f} min"
    )
    print(table(collect.outcomes))
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
