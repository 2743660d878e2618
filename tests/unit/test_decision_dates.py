"""Dates typed by job-seekers, in Dutch and Flemish, become calendar dates or None."""

from __future__ import annotations

from datetime import date

import pytest

from bot.decision.dates import MONTH_NAMES, WEEKDAY_NAMES, is_past, parse_date

MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)
JAN_31 = date(2027, 1, 31)  # a Sunday
NEW_YEARS_EVE_WEEK = date(2026, 12, 30)  # a Wednesday


def test_fixed_days_are_the_weekdays_the_tests_assume() -> None:
    assert (MONDAY.weekday(), FRIDAY.weekday(), JAN_31.weekday()) == (0, 4, 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plain words
        ("vandaag", date(2026, 11, 23)),
        ("morgen", date(2026, 11, 24)),
        ("Morgen!!", date(2026, 11, 24)),
        ("morgenavond", date(2026, 11, 24)),
        ("overmorgen", date(2026, 11, 25)),
        ("over morgen", date(2026, 11, 25)),
        ("vanavond", date(2026, 11, 23)),
        # weeks: "volgende week" is the Monday of next week
        ("deze week", date(2026, 11, 27)),
        ("eind van de week", date(2026, 11, 27)),
        ("volgende week", date(2026, 11, 30)),
        ("komende week", date(2026, 11, 30)),
        ("dit weekend", date(2026, 11, 28)),
        ("volgend weekend", date(2026, 12, 5)),
        # spans
        ("over 2 weken", date(2026, 12, 7)),
        ("over twee weken", date(2026, 12, 7)),
        ("over een week", date(2026, 11, 30)),
        ("over één week", date(2026, 11, 30)),
        ("over 3 dagen", date(2026, 11, 26)),
        ("over drie dagen", date(2026, 11, 26)),
        ("over een maand", date(2026, 12, 23)),
        ("over 1 maand", date(2026, 12, 23)),
        ("over 2 maanden", date(2027, 1, 23)),
        ("binnen 2 weken", date(2026, 12, 7)),
        ("binnen twaalf dagen", date(2026, 12, 5)),
        ("in 2 weken", date(2026, 12, 7)),
        # weekdays: the next such day after today
        ("maandag", date(2026, 11, 30)),
        ("dinsdag", date(2026, 11, 24)),
        ("op vrijdag", date(2026, 11, 27)),
        ("vrijdag", date(2026, 11, 27)),
        ("tegen vrijdag", date(2026, 11, 27)),
        ("komende vrijdag", date(2026, 11, 27)),
        ("deze vrijdag", date(2026, 11, 27)),
        ("deze maandag", date(2026, 11, 23)),
        ("zondag", date(2026, 11, 29)),
        ("vrijdagmiddag", date(2026, 11, 27)),
        ("volgende week dinsdag", date(2026, 12, 1)),
        ("dinsdag volgende week", date(2026, 12, 1)),
        ("volgende week op vrijdag", date(2026, 12, 4)),
        ("ma", date(2026, 11, 30)),
        ("di", date(2026, 11, 24)),
        ("wo", date(2026, 11, 25)),
        ("woe", date(2026, 11, 25)),
        ("do", date(2026, 11, 26)),
        ("vr.", date(2026, 11, 27)),
        ("za", date(2026, 11, 28)),
        ("zo", date(2026, 11, 29)),
        ("op do", date(2026, 11, 26)),
        ("volgende wo", date(2026, 11, 25)),
        ("volgende week di", date(2026, 12, 1)),
        # day and month
        ("1 december", date(2026, 12, 1)),
        ("1 dec", date(2026, 12, 1)),
        ("1 dec.", date(2026, 12, 1)),
        ("1dec", date(2026, 12, 1)),
        ("15 januari 2027", date(2027, 1, 15)),
        ("1e december", date(2026, 12, 1)),
        ("2de december", date(2026, 12, 2)),
        ("eerste december", date(2026, 12, 1)),
        ("vijf december", date(2026, 12, 5)),
        ("3 feb", date(2027, 2, 3)),
        ("10 sept", date(2027, 9, 10)),
        ("4 mrt", date(2027, 3, 4)),
        ("1 november", date(2027, 11, 1)),  # passed this year: next year
        ("23 november", date(2026, 11, 23)),  # today has not passed
        ("1-12", date(2026, 12, 1)),
        ("1/12", date(2026, 12, 1)),
        ("01-12-2026", date(2026, 12, 1)),
        ("1.12", date(2026, 12, 1)),
        ("15-1-27", date(2027, 1, 15)),
        ("15/01/2027", date(2027, 1, 15)),
        ("5-11", date(2027, 11, 5)),
        ("eind december", date(2026, 12, 31)),
        ("begin januari", date(2027, 1, 1)),
        ("half januari", date(2027, 1, 15)),
        # month ends
        ("eind van de maand", date(2026, 11, 30)),
        ("eind deze maand", date(2026, 11, 30)),
        ("einde van deze maand", date(2026, 11, 30)),
        ("eind volgende maand", date(2026, 12, 31)),
        ("begin volgende maand", date(2026, 12, 1)),
        ("volgende maand", date(2026, 12, 1)),
        # typos
        ("morgn", date(2026, 11, 24)),
        ("morgennn", date(2026, 11, 24)),
        ("vandaaag", date(2026, 11, 23)),
        ("vrydag", date(2026, 11, 27)),
        ("vrijdg", date(2026, 11, 27)),
        ("dindag", date(2026, 11, 24)),
        ("woensdg", date(2026, 11, 25)),
        ("donderdach", date(2026, 11, 26)),
        ("volgnde week", date(2026, 11, 30)),
        ("5 decmber", date(2026, 12, 5)),
        ("3 febuari", date(2027, 2, 3)),
        ("MORGEN", date(2026, 11, 24)),
        # inside a sentence
        ("ik ga morgen bellen", date(2026, 11, 24)),
        ("volgende week dinsdag om 10 uur", date(2026, 12, 1)),
        ("ik doe het over 2 weken denk ik", date(2026, 12, 7)),
        ("k bel ze ff op vrijdag", date(2026, 11, 27)),
        ("ik heb een gesprek op 1 dec om 9.30", date(2026, 12, 1)),
        ("vrijdag 4 december", date(2026, 12, 4)),  # a calendar date beats a weekday
        ("ma 7 dec", date(2026, 12, 7)),
        ("morgen of overmorgen", date(2026, 11, 24)),  # the first one
        ("<b>morgen</b>", date(2026, 11, 24)),
        ("morgen 🙂", date(2026, 11, 24)),
        # past dates are dates; is_past tells
        ("gisteren", date(2026, 11, 22)),
        ("1-1-2026", date(2026, 1, 1)),
    ],
)
def test_monday(text: str, expected: date) -> None:
    assert parse_date(text, MONDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vrijdag", date(2026, 12, 4)),  # today's weekday means next week's
        ("deze vrijdag", date(2026, 11, 27)),
        ("deze week", date(2026, 11, 27)),
        ("donderdag", date(2026, 12, 3)),
        ("maandag", date(2026, 11, 30)),
        ("volgende week", date(2026, 11, 30)),
        ("volgende week vrijdag", date(2026, 12, 4)),
        ("over een week", date(2026, 12, 4)),
        ("eind van de maand", date(2026, 11, 30)),
    ],
)
def test_friday(text: str, expected: date) -> None:
    assert parse_date(text, FRIDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("over een maand", date(2027, 2, 28)),  # no 31 February: the month's last day
        ("over 1 maand", date(2027, 2, 28)),
        ("eind van de maand", date(2027, 1, 31)),
        ("eind volgende maand", date(2027, 2, 28)),
        ("begin volgende maand", date(2027, 2, 1)),
        ("morgen", date(2027, 2, 1)),
        ("deze week", date(2027, 1, 31)),  # Friday has passed: Sunday, today
        ("deze vrijdag", date(2027, 2, 5)),
        ("volgende week", date(2027, 2, 1)),
        ("2 januari", date(2028, 1, 2)),
        ("31 januari", date(2027, 1, 31)),
        ("1 februari", date(2027, 2, 1)),
    ],
)
def test_january_31(text: str, expected: date) -> None:
    assert parse_date(text, JAN_31) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 januari", date(2027, 1, 2)),
        ("1-1", date(2027, 1, 1)),
        ("vrijdag", date(2027, 1, 1)),
        ("volgende week", date(2027, 1, 4)),
        ("over een week", date(2027, 1, 6)),
        ("begin volgende maand", date(2027, 1, 1)),
        ("eind van de maand", date(2026, 12, 31)),
    ],
)
def test_year_wrap(text: str, expected: date) -> None:
    assert parse_date(text, NEW_YEARS_EVE_WEEK) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31 februari",
        "30 feb",
        "29 februari",  # not in 2026 nor 2027
        "32-1",
        "1-13",
        "0-5",
        "1-1-2030",  # more than two years ahead
        "over 3 jaar",
        "over 5000 dagen",
        "",
        "   ",
        "ja",
        "weet ik nog niet",
        "ik doe het zo",  # "zo" is Sunday only on its own
        "ik ga ma even bellen",
        "ik maak me zorgen",
        "alleen 's morgens",
        "waar kom je vandaan",
        "ik ben 23 en zoek werk",
        "om 9.30",
        "ik werk 1.5 uur per dag",
        "ik werk in 3 dagen per week",
        "bel me op 06-12345678",
        "in december",
        "december 1",
        "ooit",
        "volgend jaar",
    ],
)
def test_no_date(text: str) -> None:
    assert parse_date(text, MONDAY) is None


@pytest.mark.parametrize(
    "junk",
    [
        "a" * 100_000,
        "morgen " * 20_000,
        "1-" * 50_000,
        "1" * 100_000,
        b"\x00".decode(),
        b"\x00\xff\xfe".decode("latin-1") * 1000,
        "\ud800\udfff",
        "🙂🙂🙂",
        "👍",
        "<script>alert('morgen')</script>" * 1000,
        "<p>&nbsp;</p>",
        "\u202e\u200b\ufeff",
        "１２-１２",
        "0" * 5000 + "-12",
        "over " + "9" * 5000 + " dagen",
    ],
)
def test_junk_never_raises(junk: str) -> None:
    result = parse_date(junk, MONDAY)
    assert result is None or isinstance(result, date)


def test_not_a_string() -> None:
    assert parse_date(None, MONDAY) is None  # type: ignore[arg-type]
    assert parse_date(b"morgen", MONDAY) is None  # type: ignore[arg-type]


def test_is_past() -> None:
    assert is_past(date(2026, 11, 22), MONDAY)
    assert not is_past(MONDAY, MONDAY)
    assert not is_past(date(2026, 11, 24), MONDAY)


def test_name_tables() -> None:
    assert len(MONTH_NAMES) == 12 and MONTH_NAMES[0] == "januari"
    assert WEEKDAY_NAMES[MONDAY.weekday()] == "maandag"
    for number, name in enumerate(MONTH_NAMES, 1):
        assert parse_date(f"1 {name} 2027", MONDAY) == date(2027, number, 1)
