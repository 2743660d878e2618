"""Region-aware texts and formatting with Babel.

Bot replies live in the domain (Rasa responses, with region variations). Texts that
our own code composes go through gettext: the source strings are Dutch (nl_NL),
``locales/nl_BE`` holds Flemish variants and ``locales/en`` English for coaches.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from bot.config import DEFAULT_REGION, LOCALES_DIR, REGIONS

DOMAIN = "messages"


def N_(text: str) -> str:
    """Mark a text for translation where it is defined; ``gettext`` it where it is shown."""
    return text


def region_or_default(region: str | None) -> str:
    return region if region in REGIONS else DEFAULT_REGION


def locale_for(region: str | None) -> Locale:
    return Locale.parse(region_or_default(region))


@lru_cache(maxsize=8)
def translations(locale: str) -> NullTranslations:
    """Catalogue for a locale, falling back nl_BE -> nl_NL -> the Dutch source text."""
    chain = [locale, "nl_NL"] if locale.startswith("nl") else [locale]
    return Translations.load(str(LOCALES_DIR), chain, domain=DOMAIN)


def texts(region: str | None) -> NullTranslations:
    """The catalogue for a user's region: use ``.gettext`` and ``.ngettext``."""
    return translations(region_or_default(region))


def format_day(value: date | datetime, region: str | None) -> str:
    """'dinsdag 1 december': the way people say a date, in the user's region."""
    return format_date(value, format="EEEE d MMMM", locale=locale_for(region))


def format_number(value: float, region: str | None) -> str:
    return format_decimal(value, locale=locale_for(region))
