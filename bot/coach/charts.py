"""A small bar chart of progress per week, drawn on the server as SVG.

No chart library and no script: the page stays within the strict CSP, and the
chart is readable without JavaScript. The template draws the bars from these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WIDTH, HEIGHT, GAP, LABEL = 360, 120, 4, 16


@dataclass(frozen=True)
class Bar:
    week: str  # ISO week, e.g. "2026-W07"
    count: int
    x: int
    y: int
    width: int
    height: int


def weekly_bars(moments: list[datetime], now: datetime, weeks: int = 12) -> list[Bar]:
    """One bar per ISO week for the last ``weeks`` weeks, oldest first."""
    starts = [(now - timedelta(weeks=offset)).isocalendar()[:2] for offset in range(weeks)][::-1]
    counts = dict.fromkeys(starts, 0)
    for moment in moments:
        key = moment.isocalendar()[:2]
        if key in counts:
            counts[key] += 1
    top = max(counts.values()) or 1
    width = WIDTH // weeks - GAP
    bars = []
    for index, (key, count) in enumerate(counts.items()):
        height = round((HEIGHT - LABEL) * count / top)
        bars.append(
            Bar(
                week=f"{key[0]}-W{key[1]:02d}",
                count=count,
                x=index * (width + GAP),
                y=HEIGHT - LABEL - height,
                width=width,
                height=height,
            )
        )
    return bars
