"""Coach hours: is a coach there now, and if not, when?

The assistant must say honestly when a person will answer. Hours are data
(data/content/coach_hours.yml), per region, checked against a schema.
A helper below the store: the caseload counts waiting time in coach hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import yaml

from bot.config import CONTENT_DIR
from bot.i18n import format_day, region_or_default

HOURS_FILE = CONTENT_DIR / "coach_hours.yml"
_TIME = {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"}
SCHEMA = {
    "type": "object",
    "required": ["version", "regions"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "regions": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["timezone", "days", "opens", "closes"],
                "additionalProperties": False,
                "properties": {
                    "timezone": {"type": "string"},
                    "days": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"type": "integer", "minimum": 1, "maximum": 7},
                    },
                    "opens": _TIME,
                    "closes": _TIME,
                },
            },
        },
        "closed": {"type": "array", "items": {"type": "string", "format": "date"}},
    },
}


@dataclass(frozen=True)
class Hours:
    zone: ZoneInfo
    days: frozenset[int]
    opens: time
    closes: time
    closed: frozenset[date]

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return (
            local.isoweekday() in self.days
            and local.date() not in self.closed
            and self.opens <= local.time() < self.closes
        )

    def next_opening(self, moment: datetime) -> datetime | None:
        """None when a coach is there now; else when the next coach day starts."""
        if self.is_open(moment):
            return None
        local = moment.astimezone(self.zone)
        for offset in range(0, 60):
            day = local.date() + timedelta(days=offset)
            if day.isoweekday() not in self.days or day in self.closed:
                continue
            opening = datetime.combine(day, self.opens, tzinfo=self.zone)
            if opening > local:
                return opening
        raise ValueError("no coach hours in the next 60 days: check coach_hours.yml")

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """How much of ``start``..``end`` fell inside coach hours: what a waiting user counts
        against the team's target (a night or a weekend is nobody's delay)."""
        total = timedelta()
        local_start, local_end = start.astimezone(self.zone), end.astimezone(self.zone)
        day = local_start.date()
        while day <= local_end.date():
            if day.isoweekday() in self.days and day not in self.closed:
                opens = datetime.combine(day, self.opens, tzinfo=self.zone)
                closes = datetime.combine(day, self.closes, tzinfo=self.zone)
                overlap = min(closes, local_end) - max(opens, local_start)
                total += max(overlap, timedelta())
            day += timedelta(days=1)
        return total


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def load(path: Path = HOURS_FILE) -> dict[str, Hours]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML reads 2026-12-25 as a date; the schema checks the text form.
    data["closed"] = [str(d) for d in data.get("closed", [])]
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    closed = frozenset(date.fromisoformat(d) for d in data["closed"])
    return {
        region: Hours(
            zone=ZoneInfo(spec["timezone"]),
            days=frozenset(spec["days"]),
            opens=_clock(spec["opens"]),
            closes=_clock(spec["closes"]),
            closed=closed,
        )
        for region, spec in data["regions"].items()
    }


@lru_cache(maxsize=1)
def coach_hours() -> dict[str, Hours]:
    return load()


def next_opening(moment: datetime, region: str | None) -> datetime | None:
    return coach_hours()[region_or_default(region)].next_opening(moment)


def working_time(start: datetime, end: datetime, region: str | None) -> timedelta:
    return coach_hours()[region_or_default(region)].working_time(start, end)


def clock_text(moment: datetime) -> str:
    """'9 uur', '16.30 uur': how Dutch and Flemish speakers write a time."""
    if moment.minute == 0:
        return f"{moment.hour} uur"
    return f"{moment.hour}.{moment.minute:02d} uur"


def when_text(moment: datetime, region: str | None) -> str:
    """'maandag 30 november om 9 uur': when a coach is there, as people say it."""
    return f"{format_day(moment, region)} om {clock_text(moment)}"
