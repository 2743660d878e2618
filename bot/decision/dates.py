"""Dutch dates as job-seekers type them: ``morgen``, ``vrijdag``, ``over 2 weken``, ``1 dec``.

The bot asks "wanneer ga je dat doen?" and people answer in their own words, in Dutch
or Flemish, without capitals and with typos. A few readable regex rules turn that into
a calendar date; anything unclear gives None, so the bot asks again instead of guessing.
Deterministic and offline: no date library in the venv reads Dutch.

Readings chosen where Dutch is ambiguous:

- ``volgende week`` / ``komende week``: the Monday of next week; ``volgende week
  dinsdag`` and ``dinsdag volgende week``: the Tuesday of next week.
- ``deze week`` / ``eind van de week``: this week's Friday (Sunday once Friday has passed).
- a bare weekday (``vrijdag``, ``op vr``, ``komende vrijdag``, ``volgende vrijdag``) is the
  first such day after today, so on a Friday ``vrijdag`` is next week's; ``deze vrijdag``
  is this week's, today included, or next week's once it has passed.
- ``over``/``binnen``/``in``/``na`` N dagen/weken/maanden: today plus that span.
- ``eind van de maand``: its last day; ``begin (volgende) maand`` / ``volgende maand``: the
  1st of next month.
- a day and month without a year that has already passed this year means next year.
- an explicit date more than two years ahead is a typo, not a plan: None.

When a message holds several dates, a calendar date ("vrijdag 4 december") wins over a
relative one; otherwise the first in the text wins, the longest where two start together.
An impossible winner ("31 februari") gives None, never another reading.
"""

from __future__ import annotations

import calendar
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

MONTH_NAMES: tuple[str, ...] = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
MONTH_ABBREVIATIONS: tuple[tuple[str, int], ...] = (
    ("jan", 1), ("feb", 2), ("febr", 2), ("mrt", 3), ("maa", 3), ("apr", 4), ("jun", 6),
    ("jul", 7), ("aug", 8), ("sep", 9), ("sept", 9), ("okt", 10), ("nov", 11), ("dec", 12),
)  # fmt: skip
WEEKDAY_NAMES: tuple[str, ...] = (
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
)  # fmt: skip
WEEKDAY_ABBREVIATIONS: tuple[tuple[str, int], ...] = (
    ("ma", 0), ("di", 1), ("wo", 2), ("woe", 2), ("do", 3), ("vr", 4), ("vrij", 4),
    ("za", 5), ("zat", 5), ("zo", 6),
)  # fmt: skip
NUMBER_WORDS: tuple[str, ...] = (
    "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
    "twaalf",
)  # fmt: skip
ORDINAL_WORDS: tuple[str, ...] = (
    "eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste", "negende",
    "tiende", "elfde", "twaalfde",
)  # fmt: skip
# Only a chat message's start is read: it bounds the work on junk and on huge pastes.
MAX_CHARS = 1000
HORIZON_YEARS = 2
# Words of five letters or more that are one typo away from a date word, but mean
# something else: "'s morgens" is a time of day, "waar kom je vandaan" no date.
NOT_TYPOS: frozenset[str] = frozenset({"morgens", "vandaan", "maanden", "volgens", "dagen"})
TYPO_CUTOFF = 0.84

_MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, 1)} | dict(MONTH_ABBREVIATIONS)
_WEEKDAYS = {name: number for number, name in enumerate(WEEKDAY_NAMES)}
_ABBREVIATED_DAYS = dict(WEEKDAY_ABBREVIATIONS)
_NUMBERS = {word: n for n, word in enumerate(NUMBER_WORDS, 1)} | {
    word: n for n, word in enumerate(ORDINAL_WORDS, 1)
}
_TYPO_TARGETS = (
    *(name for name in MONTH_NAMES if len(name) >= 5),
    *WEEKDAY_NAMES,
    "vandaag", "morgen", "overmorgen", "volgende", "komende",
)  # fmt: skip
_SPAN_DAYS = {"dag": 1, "dagen": 1, "dagje": 1, "dagjes": 1, "week": 7, "weken": 7, "weekje": 7,
              "weekjes": 7, "wk": 7, "wkn": 7}  # fmt: skip
_SPAN_MONTHS = {"maand": 1, "maanden": 1, "maandje": 1, "mnd": 1, "jaar": 12}


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation, longest first so ``juni`` wins over ``jun``."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_MONTH = _alternatives(_MONTHS)
_DAY = rf"(?:[0-9]{{1,2}}(?:ste|de|e)?|{_alternatives(_NUMBERS)})"
_COUNT = rf"(?:[0-9]{{1,4}}|{_alternatives(NUMBER_WORDS)})"
_WEEKDAY = (
    rf"(?:(?P<wd>{_alternatives(WEEKDAY_NAMES)})(?:ochtend|middag|avond|morgen)?"
    rf"|(?P<ab>{_alternatives(_ABBREVIATED_DAYS)})\.?)"
)
_NEXT = r"(?:volgende|komende)"


def _clean(text: str) -> str:
    """Lowercase ASCII words, digits and ``./-``, with typos in date words repaired."""
    text = unicodedata.normalize("NFKD", text[:MAX_CHARS]).encode("ascii", "ignore").decode()
    text = re.sub(r"([a-z])\1{2,}", r"\1\1", text.lower())  # "morgennn", "vandaaag"
    text = re.sub(r"[^a-z0-9./-]+", " ", text)
    return re.sub(r"[a-z]{5,}", lambda m: _repair(m.group()), text).strip()


@lru_cache(maxsize=4096)
def _repair(word: str) -> str:
    """The date word this word is a typo of (same first letter), or the word itself.

    ``y`` is read as ``ij`` first: "vrydag" is how many people type "vrijdag".
    """
    if word in NOT_TYPOS or word in _MONTHS or word in _WEEKDAYS:
        return word
    targets = [t for t in _TYPO_TARGETS if t[0] == word[0]]
    close = difflib.get_close_matches(word.replace("y", "ij"), targets, n=1, cutoff=TYPO_CUTOFF)
    return close[0] if close else word


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _upcoming(month: int, day: int, today: date) -> date | None:
    """This year's date, or next year's once it has passed; None if it never exists."""
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _number(word: str) -> int:
    digits = re.match(r"[0-9]+", word)
    return int(digits.group()) if digits else _NUMBERS[word]


def _weekday(m: re.Match[str]) -> int:
    return _WEEKDAYS[m["wd"]] if m["wd"] else _ABBREVIATED_DAYS[m["ab"]]


# Resolvers: (match, today) -> date. They may raise ValueError for impossible dates.


def _day_month(m: re.Match[str], today: date) -> date | None:
    day, month = _number(m["day"]), _MONTHS[m["month"]]
    return date(int(m["year"]), month, day) if m["year"] else _upcoming(month, day, today)


def _part_of_month(m: re.Match[str], today: date) -> date:
    for year in (today.year, today.year + 1):
        first = date(year, _MONTHS[m["month"]], 1)
        if m["part"] in ("half", "halverwege", "midden"):
            day = first.replace(day=15)
        else:
            day = _month_end(first) if m["part"].startswith("eind") else first
        if day >= today:
            break
    return day


def _numeric(m: re.Match[str], today: date) -> date | None:
    day, month, year = int(m["day"]), int(m["month"]), m["year"]
    if not year:
        return _upcoming(month, day, today)
    return date(int(year) + (2000 if len(year) == 2 else 0), month, day)


def _week_and_day(m: re.Match[str], today: date) -> date:
    return _monday(today) + timedelta(days=7 + _weekday(m))


def _weekday_rule(m: re.Match[str], today: date) -> date:
    ahead = (_weekday(m) - today.weekday()) % 7
    if m["pre"] == "deze":
        return today + timedelta(days=ahead)  # today's or later this week, else next week's
    return today + timedelta(days=ahead or 7)


def _span(m: re.Match[str], today: date) -> date:
    count, unit = _number(m["count"]), m["unit"]
    if count > 1000:
        raise ValueError("too far ahead")
    if unit in _SPAN_DAYS:
        return today + timedelta(days=count * _SPAN_DAYS[unit])
    return _add_months(today, count * _SPAN_MONTHS[unit])


def _month_edge(m: re.Match[str], today: date) -> date:
    if m["part"] and m["part"].startswith("eind"):
        return _month_end(_add_months(today.replace(day=1), 1 if m["next"] else 0))
    return _add_months(today.replace(day=1), 1)


def _week(m: re.Match[str], today: date) -> date:
    if m["which"] in ("volgende", "komende"):
        return _monday(today) + timedelta(days=7)
    friday = _monday(today) + timedelta(days=4)
    return friday if friday >= today else friday + timedelta(days=2)


def _weekend(m: re.Match[str], today: date) -> date:
    saturday = _monday(today) + timedelta(days=5)
    if m["which"].startswith("volgend"):
        return saturday + timedelta(days=7)
    return max(saturday, today)


_WORD_OFFSETS = {"vandaag": 0, "vanavond": 0, "vanmiddag": 0, "vanochtend": 0, "vanmorgen": 0,
                 "straks": 0, "gisteren": -1, "eergisteren": -2}  # fmt: skip


def _word(m: re.Match[str], today: date) -> date:
    word = m["word"]
    if word.startswith("over"):
        return today + timedelta(days=2)
    if word.startswith("morgen"):
        return today + timedelta(days=1)
    return today + timedelta(days=_WORD_OFFSETS[word])


# Acceptors: (match, text) -> bool. They rule out look-alikes of a date.


def _not_a_time_or_amount(m: re.Match[str], text: str) -> bool:
    """``om 9.30``, ``1.5 uur`` and ``2/3 jaar`` are no dates."""
    before, after = text[: m.start()], text[m.end() :]
    return not (
        re.search(r"\b(?:om|rond|omstreeks)\s*$", before)
        or re.match(r"\s*(?:uur|u|h|min|minuten|jaar|euro|eur|km|kg|kilo|keer|procent)\b", after)
    )


def _abbreviation_is_clear(m: re.Match[str], text: str) -> bool:
    """``ma``, ``do`` and above all ``zo`` are ordinary words unless they stand alone or follow
    a word such as ``volgende``."""
    before, after = text[: m.start()], text[m.end() :]
    alone = re.fullmatch(r"(?:(?:op|tegen|vanaf)\s+)?", before) and not after.strip(" .")
    if not m["ab"] or alone:
        return True
    return bool(m.groupdict().get("pre") or "week" in m.group()) and m["ab"] != "zo"


def _always(m: re.Match[str], text: str) -> bool:
    return True


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], date], date | None]
    calendar: bool  # a calendar date wins over a relative one in the same message
    accept: Callable[[re.Match[str], str], bool]


def _rule(
    pattern: str,
    resolve: Callable[[re.Match[str], date], date | None],
    *,
    calendar: bool = False,
    accept: Callable[[re.Match[str], str], bool] = _always,
) -> _Rule:
    return _Rule(re.compile(pattern), resolve, calendar, accept)


RULES: tuple[_Rule, ...] = (
    # 1 december, 1e dec., eerste december, 15 januari 2027
    _rule(
        rf"\b(?P<day>{_DAY})\s*(?P<month>{_MONTH})\b\.?(?:\s*(?P<year>20[0-9]{{2}})\b)?",
        _day_month,
        calendar=True,
    ),
    # begin januari, eind december, half maart
    _rule(
        rf"\b(?P<part>begin|eind|einde|half|halverwege|midden)\s+(?:van\s+)?(?P<month>{_MONTH})\b",
        _part_of_month,
        calendar=True,
    ),
    # 1-12, 1/12, 1.12, 01-12-2026, 15-1-27
    _rule(
        r"(?<![0-9./-])(?P<day>3[01]|[12][0-9]|0?[1-9])[-/.](?P<month>1[0-2]|0?[1-9])"
        r"(?:[-/.](?P<year>[0-9]{4}|[0-9]{2}))?(?![0-9]|[-/.][0-9])",
        _numeric,
        calendar=True,
        accept=_not_a_time_or_amount,
    ),
    # volgende week dinsdag, dinsdag volgende week
    _rule(
        rf"\b{_NEXT}\s+week\s+(?:op\s+)?{_WEEKDAY}(?![a-z])",
        _week_and_day,
        accept=_abbreviation_is_clear,
    ),
    _rule(
        rf"\b{_WEEKDAY}\s+(?:van\s+)?(?:de\s+)?{_NEXT}\s+week\b",
        _week_and_day,
        accept=_abbreviation_is_clear,
    ),
    # vrijdag, op vrijdag, deze vrijdag, komende vr
    _rule(
        rf"\b(?:(?P<pre>deze|komende|volgende|aanstaande)\s+)?{_WEEKDAY}(?![a-z])",
        _weekday_rule,
        accept=_abbreviation_is_clear,
    ),
    # over 2 weken, binnen twee weken, over een maand, in 3 dagen
    _rule(
        rf"\b(?:over|binnen|in|na)\s+(?P<count>{_COUNT})\s*"
        rf"(?P<unit>{_alternatives(_SPAN_DAYS.keys() | _SPAN_MONTHS.keys())})\b",
        _span,
        accept=lambda m, text: not re.match(r"\s*(?:per|in de week|p\.?w)\b", text[m.end() :]),
    ),
    # eind van de maand, eind deze maand, begin volgende maand, volgende maand
    _rule(
        r"\b(?:(?P<part>begin|eind|einde|start)\s+(?:van\s+)?(?:(?:de|deze|het)\s+)?)?"
        r"(?:(?P<next>volgende|komende)\s+)?maand\b",
        _month_edge,
        accept=lambda m, text: bool(m["part"] or m["next"]),
    ),
    # deze week, volgende week, eind van de week
    _rule(
        r"\b(?:(?P<which>deze|komende|volgende)|(?:eind|einde)\s+(?:van\s+)?(?:de|deze))\s+week\b",
        _week,
    ),
    # dit weekend, in het weekend, volgend weekend
    _rule(r"\b(?P<which>dit|het|komende?|volgende?|deze)\s+weekend\b", _weekend),
    # vandaag, morgen, overmorgen, morgenavond, vanavond, gisteren
    _rule(
        r"\b(?P<word>vandaag|vanavond|vanmiddag|vanochtend|vanmorgen|straks|eergisteren|gisteren"
        r"|over\s?morgen|morgen(?:ochtend|middag|avond|vroeg)?)\b",
        _word,
    ),
)


def parse_date(text: str, today: date) -> date | None:
    """The date a Dutch or Flemish message means, or None when it holds no clear date.

    Never raises: whatever a user or a channel sends ends in a date or None.
    """
    if not isinstance(text, str) or not isinstance(today, date):
        return None
    cleaned = _clean(text)
    found = [
        (not rule.calendar, m.start(), -len(m.group()), rule, m)
        for rule in RULES
        for m in rule.pattern.finditer(cleaned)
        if rule.accept(m, cleaned)
    ]
    if not found:
        return None
    *_, rule, match = min(found, key=lambda f: f[:3])
    try:
        day = rule.resolve(match, today)
        horizon = _add_months(today, 12 * HORIZON_YEARS)
    except (ValueError, OverflowError, KeyError):
        return None
    return day if day is not None and day <= horizon else None


def is_past(day: date, today: date) -> bool:
    """Whether a planned date lies before today, so the bot asks for a new one."""
    return day < today
