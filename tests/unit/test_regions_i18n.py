from datetime import date

import pytest

from bot.i18n import format_day, texts, translations
from bot.regions import parse_region


@pytest.mark.parametrize(
    "text,region",
    [
        ("Vlaanderen", "nl_BE"),
        ("ik woon in België", "nl_BE"),
        ("'k woon in Gent", "nl_BE"),
        ("be", "nl_BE"),
        ("nl_BE", "nl_BE"),
        ("Nederland", "nl_NL"),
        ("ik kom uit Rotterdam", "nl_NL"),
        ("den haag", "nl_NL"),
        ("NL", "nl_NL"),
        ("holland 🇳🇱", "nl_NL"),
        ("ik woon rotterdm", "nl_NL"),
        ("Antwerpn", "nl_BE"),
        ("vlaandren", "nl_BE"),
        ("nederland, maar ik werk soms in belgie", "nl_NL"),
        ("belgie want ik werk in nederland", "nl_BE"),
    ],
)
def test_parse_region(text: str, region: str) -> None:
    assert parse_region(text) == region


@pytest.mark.parametrize(
    "text",
    ["", None, "ja", "ik wil werken", "nederland of belgie", "nederlands leren", "rotterdammer"],
)
def test_parse_region_unclear(text: str | None) -> None:
    assert parse_region(text) is None


def test_dates_in_words_per_region() -> None:
    assert format_day(date(2026, 12, 1), "nl_NL") == "dinsdag 1 december"
    assert format_day(date(2026, 12, 1), "nl_BE") == "dinsdag 1 december"
    assert format_day(date(2026, 12, 1), None) == "dinsdag 1 december"


def test_catalogues_fall_back_and_override() -> None:
    assert texts("nl_NL").gettext("Nee, iets anders") == "Nee, iets anders"
    assert texts("nl_BE").gettext("Nee, iets anders") == "Neen, iets anders"
    # Not overridden for Flanders: the Dutch source text.
    assert texts("nl_BE").gettext("Je naam bewaar ik niet.") == "Je naam bewaar ik niet."
    assert translations("en").gettext("Je naam bewaar ik niet.") == "I do not store your name."
    two = texts("nl_NL").ngettext(
        "Ik heb {count} stap van je bewaard.", "Ik heb {count} stappen van je bewaard.", 2
    )
    assert two.format(count=2) == "Ik heb 2 stappen van je bewaard."
