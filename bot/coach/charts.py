"""Small bar charts for the job-seeker page, drawn on the server as SVG.

No chart library and no script: the page stays within the strict CSP, and the
chart is readable without JavaScript. The template draws the bars from these numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.exercises.progress import CompetenceProgress

# The week's label ("week 49") sits under its bar, the count above it (TOP keeps room).
WIDTH, HEIGHT, GAP, LABEL, TOP = 480, 130, 4, 16, 12


def scaled(value: int, top: int, room: int) -> int:
    """How long a bar of ``value`` is when ``top`` fills ``room``; 0 when ``top`` is 0."""
    if top <= 0:
        return 0
    return round(room * min(max(value, 0), top) / top)


@dataclass(frozen=True)
class Bar:
    week: str  # ISO week, e.g. "2026-W07"
    number: int  # the week's number, as people say it: "week 7"
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
    top = max(counts.values())
    width = WIDTH // weeks - GAP
    bars = []
    for index, (key, count) in enumerate(counts.items()):
        height = scaled(count, top, HEIGHT - LABEL - TOP)
        bars.append(
            Bar(
                week=f"{key[0]}-W{key[1]:02d}",
                number=key[1],
                count=count,
                x=index * (width + GAP),
                y=HEIGHT - LABEL - height,
                width=width,
                height=height,
            )
        )
    return bars


# Exercises passed per DigComp competence: one horizontal bar a row, the label on
# its left, "passed/offered", the highest level and the badge mark on its right.
SKILLS_WIDTH, SKILLS_ROW, SKILLS_BAR, SKILLS_PAD = 600, 30, 18, 8
TRACK_X, TRACK = 225, 250


@dataclass(frozen=True)
class CompetenceBar:
    code: str  # DigComp 2.2, e.g. "4.2"
    label: str
    done: int  # exercises passed
    total: int  # exercises offered
    earned: bool  # the competence's badge
    level: int | None  # the highest level passed
    x: int
    y: int
    width: int  # the passed part of the track
    height: int
    track: int  # the whole track: every exercise offered passed

    @property
    def text_y(self) -> int:
        """The baseline of the row's texts, centred on the bar."""
        return self.y + self.height // 2 + 5

    @property
    def name_x(self) -> int:
        """Where the competence's code and label start, left of the track."""
        return SKILLS_PAD

    @property
    def end(self) -> int:
        """Where the texts right of the track start."""
        return self.x + self.track + 10


def competence_bars(rows: Sequence[CompetenceProgress]) -> list[CompetenceBar]:
    """One bar per competence, in the given order: its width is passed / offered."""
    return [
        CompetenceBar(
            code=row.code,
            label=row.label,
            done=row.done,
            total=row.total,
            earned=row.earned,
            level=row.level,
            x=TRACK_X,
            y=SKILLS_PAD + index * SKILLS_ROW,
            width=scaled(row.done, row.total, TRACK),
            height=SKILLS_BAR,
            track=TRACK,
        )
        for index, row in enumerate(rows)
    ]


def competence_chart_height(bars: Sequence[CompetenceBar]) -> int:
    return 2 * SKILLS_PAD + max(len(bars), 1) * SKILLS_ROW - (SKILLS_ROW - SKILLS_BAR)
