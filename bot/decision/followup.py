"""When to follow up an agreed step, in the user's own time zone.

On the agreed day at ``FOLLOWUP_HOUR`` (16:00 by default): late enough that the
step could be done, early enough to answer. A step agreed for today, late in the
day, is followed up the next morning instead of minutes later.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.config import settings
from bot.hours import coach_hours
from bot.i18n import region_or_default

MORNING = time(10, 0)
MIN_GAP = timedelta(hours=2)


def zone(region: str | None) -> ZoneInfo:
    return coach_hours()[region_or_default(region)].zone


def local_today(region: str | None, now: datetime | None = None) -> date:
    return (now or datetime.now(timezone.utc)).astimezone(zone(region)).date()


def followup_time(day: date, region: str | None, now: datetime | None = None) -> datetime:
    """The moment (UTC) to ask how the step on ``day`` went."""
    moment = now or datetime.now(timezone.utc)
    delay = settings().followup_delay_s
    if delay is not None:
        return moment + timedelta(seconds=delay)
    tz = zone(region)
    planned = datetime.combine(day, time(settings().followup_hour, 0), tzinfo=tz)
    if planned - moment < MIN_GAP:  # too late today: the next morning
        planned = datetime.combine(moment.astimezone(tz).date(), MORNING, tzinfo=tz)
        if planned - moment < MIN_GAP:
            planned = datetime.combine(planned.date() + timedelta(days=1), MORNING, tzinfo=tz)
    return planned.astimezone(timezone.utc)
