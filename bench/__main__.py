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
from bench.systems import System, production, stock, werkmaatje
from bot.config import VAR_DIR, settings

# A whole Samen Beslissen journey with database writes, then a progress question.
# Typed steps vary ("a|b|c": one at random), as people's words do.
WERKMAATJE_SCRIPT: Script = [
    "hoi|hallo|goedemorgen|hey|hallo daar|hoi werkmaatje",
    "/affirm",
    "Nederland",
    "ik wil kiezen wat ik ga doen|ik wil een keuze maken|help me kiezen wat ik ga doen"
    "|ik weet niet wat ik moet doen|samen een stap kiezen",
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
    "hoe ver ben ik|wat heb ik al gedaan|laat mijn voortgang zien|hoe sta ik ervoor",
    "doei|dag|tot ziens|doei, bedankt|ik ga stoppen",
]
# moodbot: every path of the stock stories, with its own examples varied the same way.
STOCK_SCRIPT: Script = [
    "hi|hello|hey|good morning|hey there|hello there",
    "I am sad|I feel very sad|very sad|I am disappointed|sad|not good",
    "yes|indeed|of course|that sounds good|correct",
    "great|I am feeling very good|amazing|so so perfect|wonderful",
    "bye|goodbye|see you around|see you later|good night",
]
# The long-conversation check: onboard, then one question many times.
WERKMAATJE_OPENING: Script = ["hoi", "/affirm", "Nederland"]
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
        token = settings().rasa_api_token  # the profile's replicas ask for it
        url = f"{system.api_url}/conversations/{sender}/tracker?include_events=ALL&token={token}"
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


def level(result: dict[str, Any] | None, concurrency: int) -> dict[str, Any]:
    if not result:
        return {}
    return next((x for x in result["levels"] if x["concurrency"] == concurrency), {})


LIMITS = {
    "p50_single_vs_stock": lambda v: v <= 1.0,
    "throughput_50_vs_stock": lambda v: v >= 2.5,
    "throughput_50_prod_vs_stock": lambda v: v >= 2.5,
    "p95_at_10_ms": lambda v: v <= 250,
    "rasa_rss_mb": lambda v: v <= 1200,
    "long_conversation_ratio": lambda v: v <= 1.2,
}
TARGETS["throughput_50_prod_vs_stock"] = TARGETS["throughput_50_vs_stock"]


def verdicts(
    ours: dict[str, Any], prod: dict[str, Any] | None, theirs: dict[str, Any]
) -> dict[str, Any]:
    def throughput(result: dict[str, Any] | None) -> float | None:
        return level(result, 50).get("throughput_msg_s")

    checks = {
        "p50_single_vs_stock": ratio(level(ours, 1).get("p50_ms"), level(theirs, 1).get("p50_ms")),
        "throughput_50_vs_stock": ratio(throughput(ours), throughput(theirs)),
        "throughput_50_prod_vs_stock": ratio(throughput(prod), throughput(theirs)),
        "p95_at_10_ms": level(ours, 10).get("p95_ms"),
        "rasa_rss_mb": ours["memory"]["rasa"]["peak_rss_mb"],
        "long_conversation_ratio": ours["long_conversation"]["ratio"],
    }
    return {
        name: {
            "value": value,
            "target": TARGETS[name],
            "met": value is not None and LIMITS[name](value),
        }
        for name, value in checks.items()
    }


def table(
    ours: dict[str, Any],
    prod: dict[str, Any] | None,
    theirs: dict[str, Any],
    checks: dict[str, Any],
) -> str:
    """Werkmaatje (one process, `make run`), the production profile, the stock bot."""
    rows = [f"{'':<24}{'werkmaatje':>11}{'ratio':>7}{'prod':>9}{'ratio':>7}{'stock':>9}"]

    def show(value: Any, fmt: str) -> str:
        return fmt.format(value) if isinstance(value, (int, float)) else "–"

    def times(value: float | None) -> str:
        return f"{value}×" if value is not None else "–"

    def row(label: str, a: Any, p: Any, b: Any, fmt: str = "{:.1f}") -> None:
        rows.append(
            f"{label:<24}{show(a, fmt):>11}{times(ratio(a, b)):>7}"
            f"{show(p, fmt):>9}{times(ratio(p, b)):>7}{show(b, fmt):>9}"
        )

    for mine in ours["levels"]:
        n = mine["concurrency"]
        theirs_n, prod_n = level(theirs, n), level(prod, n)
        row(
            f"{n} users: msg/s",
            mine["throughput_msg_s"],
            prod_n.get("throughput_msg_s"),
            theirs_n.get("throughput_msg_s"),
        )
        for p in ("p50", "p95", "p99"):
            key = f"{p}_ms"
            row(f"{n} users: {p} ms", mine[key], prod_n.get(key), theirs_n.get(key))
        row(
            f"{n} users: errors",
            mine["errors"],
            prod_n.get("errors"),
            theirs_n.get("errors"),
            "{:d}",
        )

    def memory(result: dict[str, Any] | None, name: str) -> float | None:
        return ((result or {}).get("memory", {}).get(name) or {}).get("peak_rss_mb")

    def long(result: dict[str, Any] | None, key: str) -> float | None:
        return (result or {}).get("long_conversation", {}).get(key)

    row("rasa peak RSS MB", memory(ours, "rasa"), memory(prod, "rasa"), memory(theirs, "rasa"))
    row("actions peak RSS MB", memory(ours, "actions"), None, None)
    row("training s", ours["training_s"], None, theirs["training_s"])
    row(
        "start-up s",
        ours["startup_s"]["rasa"],
        (prod or {}).get("startup_s", {}).get("rasa"),
        theirs["startup_s"]["rasa"],
    )
    row(
        "fresh conv. p50 ms",
        long(ours, "fresh_p50_ms"),
        long(prod, "fresh_p50_ms"),
        long(theirs, "fresh_p50_ms"),
    )
    row(
        "long conv. p50 ms",
        long(ours, "long_p50_ms"),
        long(prod, "long_p50_ms"),
        long(theirs, "long_p50_ms"),
    )
    row(
        "long conv. events",
        long(ours, "events"),
        long(prod, "events"),
        long(theirs, "events"),
        "{:d}",
    )
    rows += ["", f"{'target':<30}{'value':>10}{'goal':>12}{'met':>6}"]
    for name, check in checks.items():
        value = check["value"] if check["value"] is not None else "–"
        met = "yes" if check["met"] else "NO"
        rows.append(f"{name:<30}{value!s:>10}{check['target']:>12}{met:>6}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20, help="load per concurrency level")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50, 200])
    parser.add_argument("--events", type=int, default=500, help="size of the long conversation")
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--no-train", action="store_true", help="use models/werkmaatje.tar.gz")
    parser.add_argument("--no-prod", action="store_true", help="skip the production profile")
    parser.add_argument("--port-base", type=int, default=55000)
    parser.add_argument("--out", type=Path, default=VAR_DIR / "bench")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="werkmaatje-bench-") as tmp:
        work = Path(tmp)
        print(f"Training the stock bot (rasa init) in {work}...", flush=True)
        theirs_system = stock(work, args.port_base + 6)
        print(f"Preparing Werkmaatje{'' if args.no_train else ' (training)'}...", flush=True)
        ours_system = werkmaatje(work, args.port_base + 5, args.port_base + 55, not args.no_train)
        prod_system = None if args.no_prod else production(work, args.port_base)
        if prod_system is None and not args.no_prod:
            print("No PostgreSQL, redis-server or nginx: the production profile is skipped.")
        theirs = measure(theirs_system, STOCK_SCRIPT, STOCK_OPENING, STOCK_TURN, args)
        ours = measure(ours_system, WERKMAATJE_SCRIPT, WERKMAATJE_OPENING, WERKMAATJE_TURN, args)
        prod = (
            measure(prod_system, WERKMAATJE_SCRIPT, WERKMAATJE_OPENING, WERKMAATJE_TURN, args)
            if prod_system is not None
            else None
        )

    checks = verdicts(ours, prod, theirs)
    print("\n" + table(ours, prod, theirs, checks))
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "werkmaatje": ours,
        "production_profile": prod,
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
