"""`make bench`: Werkmaatje against the stock `rasa init` bot, same load, same run.

Prints a table and writes JSON to var/bench/. Absolute figures on a shared 2-core
machine mean little; the ratios against the stock bot, measured minutes apart, do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.load import Script, long_conversation, run_level
from bench.systems import System, stock, werkmaatje
from bot.config import VAR_DIR

# A whole Samen Beslissen journey with database writes, then a progress question.
WERKMAATJE_SCRIPT: Script = [
    "hoi",
    "/affirm",
    "Nederland",
    "ik wil kiezen wat ik ga doen",
    "press:Werk vinden",
    "press:Meer over",
    "press:Toon andere opties",
    "press:Ga verder",
    "press:Geld verdienen",
    "press:Klaar met kiezen",
    "press:Kies ",
    "press:Ja, dat doe ik",
    "press:Over 1 week",
    "press:Mijn coach",
    "press:Ja, dat klopt",
    "hoe ver ben ik",
    "doei",
]
# moodbot: every path of the stock stories.
STOCK_SCRIPT: Script = ["hi", "I am sad", "yes", "great", "bye"]
# The long-conversation check: onboard, then one question many times.
WERKMAATJE_OPENING: Script = WERKMAATJE_SCRIPT[:3]
WERKMAATJE_TURN = "hoe ver ben ik"
STOCK_OPENING: Script = ["hi"]
STOCK_TURN = "great"

TARGETS = {
    "p50_single_vs_stock": "≤ 1.0×",
    "throughput_50_vs_stock": "≥ 2.5×",
    "p95_at_10_ms": "≤ 250 ms",
    "rasa_rss_mb": "≤ 1200 MB",
    "long_conversation_ratio": "≤ 1.2×",
}


def event_counter(system: System) -> Any:
    def events_of(sender: str) -> int:
        url = f"{system.url}/conversations/{sender}/tracker?include_events=ALL"
        with urllib.request.urlopen(url, timeout=30) as response:
            return len(json.load(response).get("events") or [])

    return events_of


def measure(
    system: System, script: Script, opening: Script, turn: str, args: argparse.Namespace
) -> dict[str, Any]:
    print(f"\n== {system.name}: starting", flush=True)
    system.start()
    try:
        # Warm-up: the first messages load lazily (TensorFlow graphs, caches).
        asyncio.run(run_level(system.url, script, 2, 3))
        levels = []
        for concurrency in args.levels:
            result = asyncio.run(run_level(system.url, script, concurrency, args.seconds))
            levels.append(result.summary())
            print(f"   {concurrency:>3} users: {json.dumps(levels[-1])}", flush=True)
        long = asyncio.run(
            long_conversation(
                system.url, opening, turn, args.events, args.samples, event_counter(system)
            )
        )
        print(f"   long conversation: {json.dumps(long)}", flush=True)
        return {"levels": levels, "long_conversation": long, **system.report()}
    finally:
        system.stop()


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or math.isnan(a) or math.isnan(b):
        return None
    return round(a / b, 2)


def level(result: dict[str, Any], concurrency: int) -> dict[str, Any]:
    return next((x for x in result["levels"] if x["concurrency"] == concurrency), {})


def verdicts(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    rasa_rss = ours["memory"]["rasa"]["peak_rss_mb"]
    checks = {
        "p50_single_vs_stock": ratio(level(ours, 1).get("p50_ms"), level(theirs, 1).get("p50_ms")),
        "throughput_50_vs_stock": ratio(
            level(ours, 50).get("throughput_msg_s"), level(theirs, 50).get("throughput_msg_s")
        ),
        "p95_at_10_ms": level(ours, 10).get("p95_ms"),
        "rasa_rss_mb": rasa_rss,
        "long_conversation_ratio": ours["long_conversation"]["ratio"],
    }
    limits = {
        "p50_single_vs_stock": lambda v: v <= 1.0,
        "throughput_50_vs_stock": lambda v: v >= 2.5,
        "p95_at_10_ms": lambda v: v <= 250,
        "rasa_rss_mb": lambda v: v <= 1200,
        "long_conversation_ratio": lambda v: v <= 1.2,
    }
    return {
        name: {
            "value": value,
            "target": TARGETS[name],
            "met": value is not None and limits[name](value),
        }
        for name, value in checks.items()
    }


def table(ours: dict[str, Any], theirs: dict[str, Any], checks: dict[str, Any]) -> str:
    rows = [
        f"{'':<26}{'werkmaatje':>14}{'stock':>12}{'ratio':>9}",
    ]

    def row(label: str, a: Any, b: Any, fmt: str = "{:.1f}") -> None:
        show = lambda v: fmt.format(v) if isinstance(v, (int, float)) else "–"  # noqa: E731
        rows.append(f"{label:<26}{show(a):>14}{show(b):>12}{show(ratio(a, b)) + '×':>9}")

    for mine in ours["levels"]:
        stocks = level(theirs, mine["concurrency"])
        users = f"{mine['concurrency']} users"
        row(f"{users}: msg/s", mine["throughput_msg_s"], stocks.get("throughput_msg_s"))
        for p in ("p50", "p95", "p99"):
            row(f"{users}: {p} ms", mine[f"{p}_ms"], stocks.get(f"{p}_ms"))
        row(f"{users}: errors", mine["errors"], stocks.get("errors"), "{:d}")
    row(
        "rasa peak RSS MB",
        ours["memory"]["rasa"]["peak_rss_mb"],
        theirs["memory"]["rasa"]["peak_rss_mb"],
    )
    row("actions peak RSS MB", ours["memory"]["actions"]["peak_rss_mb"], None)
    row("training s", ours["training_s"], theirs["training_s"])
    row("rasa start-up s", ours["startup_s"]["rasa"], theirs["startup_s"]["rasa"])
    row(
        "long conv. p50 ms",
        ours["long_conversation"]["long_p50_ms"],
        theirs["long_conversation"]["long_p50_ms"],
    )
    row(
        "fresh conv. p50 ms",
        ours["long_conversation"]["fresh_p50_ms"],
        theirs["long_conversation"]["fresh_p50_ms"],
    )
    rows.append("")
    rows.append(f"{'target':<26}{'value':>14}{'goal':>12}{'met':>9}")
    for name, check in checks.items():
        value = check["value"] if check["value"] is not None else "–"
        rows.append(
            f"{name:<26}{value!s:>14}{check['target']:>12}{'yes' if check['met'] else 'NO':>9}"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20, help="load per concurrency level")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50, 200])
    parser.add_argument("--events", type=int, default=500, help="size of the long conversation")
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--no-train", action="store_true", help="use models/werkmaatje.tar.gz")
    parser.add_argument("--port-base", type=int, default=55000)
    parser.add_argument("--out", type=Path, default=VAR_DIR / "bench")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="werkmaatje-bench-") as tmp:
        work = Path(tmp)
        print(f"Training the stock bot (rasa init) in {work}...", flush=True)
        theirs_system = stock(work, args.port_base + 6)
        print(f"Preparing Werkmaatje{'' if args.no_train else ' (training)'}...", flush=True)
        ours_system = werkmaatje(work, args.port_base + 5, args.port_base + 55, not args.no_train)
        theirs = measure(theirs_system, STOCK_SCRIPT, STOCK_OPENING, STOCK_TURN, args)
        ours = measure(ours_system, WERKMAATJE_SCRIPT, WERKMAATJE_OPENING, WERKMAATJE_TURN, args)

    checks = verdicts(ours, theirs)
    print("\n" + table(ours, theirs, checks))
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "werkmaatje": ours,
        "stock": theirs,
        "targets": checks,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2))
    (args.out / "latest.json").write_text(json.dumps(report, indent=2))
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
