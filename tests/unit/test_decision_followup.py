"""When an agreed step is followed up (bot/decision/followup.py), in the user's own time zone.

The test run sets FOLLOWUP_DELAY_S=3 (tests/conftest.py); the day/hour logic is tested by
replacing the module's ``settings`` with a copy without the delay.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.config import settings
from bot.decision import followup

UTC = timezone.utc


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def on_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    real = dataclasses.replace(settings(), followup_delay_s=None, followup_hour=16)
    monkeypatch.setattr(followup, "settings", lambda: real)


@pytest.mark.usefixtures("on_the_day")
@pytest.mark.parametrize("region", ["nl_NL", "nl_BE"])
@pytest.mark.parametrize(
    "day,expected",
    [
        (date(2026, 7, 15), utc(2026, 7, 15, 14, 0)),  # summer time: UTC+2
        (date(2026, 12, 15), utc(2026, 12, 15, 15, 0)),  # winter time: UTC+1
    ],
)
def test_on_the_agreed_day_at_four_local_time(region: str, day: date, expected: datetime) -> None:
    now = utc(2026, 7, 1, 9, 0)
    moment = followup.followup_time(day, region, now)
    assert moment == expected
    assert moment.utcoffset() == timedelta(0)
    assert moment.astimezone(followup.zone(region)).hour == 16


@pytest.mark.usefixtures("on_the_day")
def test_the_day_after_the_clocks_change() -> None:
    # Sunday 25 October 2026 the clocks go back: 16:00 is 15:00 UTC that day already.
    assert followup.followup_time(date(2026, 10, 24), "nl_NL", utc(2026, 10, 1)) == utc(
        2026, 10, 24, 14, 0
    )
    assert followup.followup_time(date(2026, 10, 25), "nl_NL", utc(2026, 10, 1)) == utc(
        2026, 10, 25, 15, 0
    )


@pytest.mark.usefixtures("on_the_day")
def test_agreed_for_today_late_in_the_evening_is_asked_next_morning() -> None:
    now = utc(2026, 12, 15, 20, 30)  # 21:30 in Amsterdam
    assert followup.followup_time(date(2026, 12, 15), "nl_NL", now) == utc(2026, 12, 16, 9, 0)


@pytest.mark.usefixtures("on_the_day")
def test_agreed_for_today_less_than_two_hours_before_four_is_asked_next_morning() -> None:
    now = utc(2026, 7, 15, 13, 0)  # 15:00 in Brussels: 1 hour before 16:00
    assert followup.followup_time(date(2026, 7, 15), "nl_BE", now) == utc(2026, 7, 16, 8, 0)


@pytest.mark.usefixtures("on_the_day")
def test_agreed_for_today_in_the_morning_is_asked_the_same_afternoon() -> None:
    now = utc(2026, 12, 15, 9, 0)  # 10:00 in Amsterdam: 6 hours before 16:00
    assert followup.followup_time(date(2026, 12, 15), "nl_NL", now) == utc(2026, 12, 15, 15, 0)


@pytest.mark.usefixtures("on_the_day")
def test_agreed_for_today_stored_just_after_midnight_is_asked_that_morning() -> None:
    before = utc(2026, 12, 15, 22, 59)  # 23:59 in Amsterdam
    after = utc(2026, 12, 15, 23, 30)  # 00:30 the next day
    assert followup.followup_time(date(2026, 12, 15), "nl_NL", before) == utc(2026, 12, 16, 9, 0)
    assert followup.followup_time(date(2026, 12, 15), "nl_NL", after) == utc(2026, 12, 16, 9, 0)


def test_the_follow_up_hour_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    nine = dataclasses.replace(settings(), followup_delay_s=None, followup_hour=9)
    monkeypatch.setattr(followup, "settings", lambda: nine)
    assert followup.followup_time(date(2026, 12, 15), "nl_NL", utc(2026, 12, 1)) == utc(
        2026, 12, 15, 8, 0
    )


def test_with_a_delay_it_is_seconds_after_now(monkeypatch: pytest.MonkeyPatch) -> None:
    quick = dataclasses.replace(settings(), followup_delay_s=3.0, followup_hour=16)
    monkeypatch.setattr(followup, "settings", lambda: quick)
    now = utc(2026, 12, 15, 12, 0)
    assert followup.followup_time(date(2027, 1, 20), "nl_NL", now) == now + timedelta(seconds=3)


def test_the_test_run_uses_the_delay() -> None:
    """conftest.py sets FOLLOWUP_DELAY_S=3 so integration tests need not wait for a day."""
    before = datetime.now(UTC)
    moment = followup.followup_time(date(2027, 1, 20), "nl_NL")
    delay = settings().followup_delay_s
    assert delay is not None
    assert (
        before + timedelta(seconds=delay) <= moment <= datetime.now(UTC) + timedelta(seconds=delay)
    )


@pytest.mark.parametrize(
    "now,region,expected",
    [
        (utc(2026, 12, 15, 23, 30), "nl_NL", date(2026, 12, 16)),  # 00:30 local
        (utc(2026, 12, 15, 22, 30), "nl_BE", date(2026, 12, 15)),  # 23:30 local
        (utc(2026, 7, 15, 22, 30), "nl_BE", date(2026, 7, 16)),  # 00:30 local, summer
        (utc(2026, 7, 15, 21, 30), "nl_NL", date(2026, 7, 15)),  # 23:30 local, summer
        (utc(2026, 12, 31, 23, 5), None, date(2027, 1, 1)),  # no region: the default's zone
    ],
)
def test_local_today_near_midnight(now: datetime, region: str | None, expected: date) -> None:
    assert followup.local_today(region, now) == expected


def test_local_today_without_now_is_today_somewhere_near() -> None:
    today = followup.local_today("nl_NL")
    utc_today = datetime.now(UTC).date()
    assert utc_today - timedelta(days=1) <= today <= utc_today + timedelta(days=1)
