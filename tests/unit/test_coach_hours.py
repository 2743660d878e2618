"""Coach hours decide what the assistant promises; the promise must be true."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest

from bot import hours

UTC = timezone.utc


def test_open_on_a_weekday_afternoon() -> None:
    # Tuesday 24 November 2026, 13:00 in Amsterdam (12:00 UTC)
    assert hours.next_opening(datetime(2026, 11, 24, 12, 0, tzinfo=UTC), "nl_NL") is None


def test_friday_evening_points_to_monday_morning() -> None:
    friday_evening = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    opening = hours.next_opening(friday_evening, "nl_NL")
    assert opening is not None
    assert (opening.date().isoformat(), opening.hour, opening.minute) == ("2026-11-30", 9, 0)


def test_before_opening_points_to_the_same_day() -> None:
    early = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # 07:00 local
    opening = hours.next_opening(early, "nl_BE")
    assert opening is not None and opening.date().isoformat() == "2026-11-24"


def test_flemish_coaches_close_earlier() -> None:
    late_afternoon = datetime(2026, 11, 24, 15, 45, tzinfo=UTC)  # 16:45 local
    assert hours.next_opening(late_afternoon, "nl_NL") is None
    assert hours.next_opening(late_afternoon, "nl_BE") is not None


def test_holidays_are_skipped() -> None:
    christmas_eve_evening = datetime(2026, 12, 24, 20, 0, tzinfo=UTC)  # Thursday
    opening = hours.next_opening(christmas_eve_evening, "nl_NL")
    assert opening is not None and opening.date().isoformat() == "2026-12-28"


def test_unknown_region_uses_the_default() -> None:
    assert hours.next_opening(datetime(2026, 11, 24, 12, 0, tzinfo=UTC), None) is None


def test_clock_text() -> None:
    assert hours.clock_text(datetime(2026, 1, 1, 9, 0)) == "9 uur"
    assert hours.clock_text(datetime(2026, 1, 1, 16, 30)) == "16.30 uur"


def test_bad_hours_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "hours.yml"
    bad.write_text(
        "version: 1\nregions:\n  nl_NL: {timezone: Europe/Amsterdam, days: [8], "
        "opens: '9:00', closes: '17:00'}\n"
    )
    with pytest.raises(jsonschema.ValidationError):
        hours.load(bad)


def test_working_time_counts_only_coach_hours() -> None:
    # Friday 16:00 to Monday 10:00 in Amsterdam: 1 hour on Friday, 1 on Monday.
    friday, monday = (
        datetime(2026, 11, 27, 15, 0, tzinfo=UTC),
        datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
    )
    assert hours.working_time(friday, monday, "nl_NL").total_seconds() == 2 * 3600
    # Flemish coaches stop at 16:30: half an hour on Friday.
    assert hours.working_time(friday, monday, "nl_BE").total_seconds() == 1.5 * 3600
    assert hours.working_time(monday, friday, "nl_NL").total_seconds() == 0
