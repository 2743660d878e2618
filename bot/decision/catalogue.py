"""The options catalogue (instrumentengids): what a job-seeker can choose as a next step.

Coaches maintain the options as YAML, one file per region (data/content/options/), and the
goals and preferences they refer to in data/content/decision_terms.yml. Both are checked
against a schema and cross-checked on load, so a typo fails loudly instead of silently
hiding an option. Every decision records the catalogue version it was made with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.config import CONTENT_DIR
from bot.content import ID_SCHEMA as _ID
from bot.content import KEYWORDS_SCHEMA as _KEYWORDS
from bot.content import duplicates as _duplicates
from bot.content import read_yaml as _read
from bot.content import text_schema as _text
from bot.i18n import region_or_default

TERMS_FILE = CONTENT_DIR / "decision_terms.yml"
OPTIONS_DIR = CONTENT_DIR / "options"

# The flow asks for these goals (GUIDE §2, step 1); the texts may change, the ids may not.
GOAL_IDS = ("work", "learn", "sort_out", "explore")
# "Not now / nothing yet" is a valid option (GUIDE §2, step 3): every catalogue offers it.
NOTHING_YET = "nu_nog_niets"
MIN_OPTIONS_PER_GOAL = 3

_TERM = {
    "type": "object",
    "required": ["id", "label", "keywords"],
    "additionalProperties": False,
    "properties": {"id": _ID, "label": _text(25), "keywords": _KEYWORDS},
}

TERMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "goals", "preferences"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "integer", "minimum": 1},
        "goals": {
            "type": "array",
            "minItems": len(GOAL_IDS),
            "maxItems": len(GOAL_IDS),
            "items": _TERM,
        },
        "preferences": {"type": "array", "minItems": 3, "maxItems": 12, "items": _TERM},
    },
}

_IDS = {"type": "array", "uniqueItems": True, "items": _ID}

# Where a fact comes from, so a coach can check it again: every option names its sources.
_SOURCE = {
    "type": "object",
    "required": ["name", "url", "checked"],
    "additionalProperties": False,
    "properties": {
        "name": _text(80),
        "url": {"type": "string", "pattern": "^https://[^\\s]{4,200}$"},
        "checked": {
            "type": "string",
            "format": "date",
            "pattern": "^20[0-9]{2}-[01][0-9]-[0-3][0-9]$",
        },
    },
}

CATALOGUE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "region", "options"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "pattern": "^[0-9A-Za-z._-]{1,32}$"},
        "region": {"type": "string", "pattern": "^[a-z]{2}_[A-Z]{2}$"},
        "options": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": [
                    "id",
                    "title",
                    "description",
                    "plus",
                    "minus",
                    "duration",
                    "goals",
                    "tags",
                    "keywords",
                    "helper",
                    "first_step",
                    # A job-seeker sees who may use an option and what it does to a benefit
                    # before choosing it (GUIDE §2), and a coach can check where that came
                    # from; "first" and "duty" only where there is something to say.
                    "who",
                    "benefit",
                    "sources",
                ],
                "additionalProperties": False,
                "properties": {
                    "id": _ID,
                    # Buttons read "Kies <title>" and "Meer over <title>": at most 40 characters.
                    "title": _text(30),
                    "description": _text(250),
                    "plus": _text(150),
                    "minus": _text(150),
                    "duration": _text(40),
                    "goals": {**_IDS, "minItems": 1},
                    "tags": _IDS,
                    "keywords": _KEYWORDS,
                    "helper": _text(80),
                    "first_step": _text(150),
                    # Who may use it, what must happen first, what it does to a benefit,
                    # and what the user must report: shown beside the plus and the minus.
                    "who": _text(150),
                    "first": _text(150),
                    "benefit": _text(150),
                    "duty": _text(150),
                    "sources": {"type": "array", "minItems": 1, "items": _SOURCE},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Term:
    """A goal or a preference: a button label and the words people type for it."""

    id: str
    label: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Terms:
    """The goals and preferences, shared by all regions."""

    version: int
    goals: tuple[Term, ...]
    preferences: tuple[Term, ...]

    def goal(self, id: str) -> Term:
        """The goal with this id; KeyError when unknown."""
        return _find(self.goals, id, "goal")

    def preference(self, id: str) -> Term:
        """The preference with this id; KeyError when unknown."""
        return _find(self.preferences, id, "preference")


@dataclass(frozen=True)
class Source:
    """A page that backs an option's facts, and the day a person last checked it."""

    name: str
    url: str
    checked: str


@dataclass(frozen=True)
class Option:
    """One possible next step, told with a plus and a minus (never only its downsides)."""

    id: str
    title: str
    description: str
    plus: str
    minus: str
    duration: str
    goals: tuple[str, ...]
    tags: tuple[str, ...]
    keywords: tuple[str, ...]
    helper: str
    first_step: str
    who: str = ""
    # What must happen before the user can start (an advice, an assessment, a referral).
    # Such an option is never ranked first on preferences alone.
    first: str = ""
    benefit: str = ""
    duty: str = ""
    sources: tuple[Source, ...] = ()

    @property
    def gated(self) -> bool:
        """Whether someone else must agree or assess first."""
        return bool(self.first)


@dataclass(frozen=True)
class Catalogue:
    """The options of one region, in the order the coaches put them."""

    region: str
    version: str
    options: tuple[Option, ...]

    def get(self, id: str) -> Option:
        """The option with this id; KeyError when unknown (e.g. removed in a newer version)."""
        return _find(self.options, id, "option")


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_HasId)


def _find(items: Iterable[_Item], id: str, kind: str) -> _Item:
    for item in items:
        if item.id == id:
            return item
    raise KeyError(f"unknown {kind}: {id!r}")


def _term(item: dict[str, Any]) -> Term:
    return Term(id=item["id"], label=item["label"].strip(), keywords=tuple(item["keywords"]))


def load_terms(path: Path = TERMS_FILE) -> Terms:
    """Read and check the goals and preferences; ValueError names what is wrong."""
    data = _read(path, TERMS_SCHEMA)
    goals = tuple(_term(item) for item in data["goals"])
    preferences = tuple(_term(item) for item in data["preferences"])
    if sorted(g.id for g in goals) != sorted(GOAL_IDS):
        raise ValueError(f"{path.name}: the goals must be exactly {list(GOAL_IDS)}")
    if twice := _duplicates(p.id for p in preferences):
        raise ValueError(f"{path.name}: preference ids used twice: {twice}")
    # One typed word must point to one goal (and one preference), or understanding guesses.
    for kind, terms in (("goal", goals), ("preference", preferences)):
        if twice := _duplicates(k for term in terms for k in term.keywords):
            raise ValueError(f"{path.name}: keywords used by more than one {kind}: {twice}")
    return Terms(version=data["version"], goals=goals, preferences=preferences)


def _option(item: dict[str, Any]) -> Option:
    return Option(
        id=item["id"],
        title=item["title"].strip(),
        description=item["description"].strip(),
        plus=item["plus"].strip(),
        minus=item["minus"].strip(),
        duration=item["duration"].strip(),
        goals=tuple(item["goals"]),
        tags=tuple(item["tags"]),
        keywords=tuple(item["keywords"]),
        helper=item["helper"].strip(),
        first_step=item["first_step"].strip(),
        who=item["who"].strip(),
        first=item.get("first", "").strip(),
        benefit=item["benefit"].strip(),
        duty=item.get("duty", "").strip(),
        sources=tuple(Source(**source) for source in item["sources"]),
    )


def _check(catalogue: Catalogue, known: Terms, name: str) -> None:
    """The rules a schema cannot express; ValueError with the file name and the culprits."""
    options = catalogue.options
    if twice := _duplicates(o.id for o in options):
        raise ValueError(f"{name}: option ids used twice: {twice}")
    goal_ids = {g.id for g in known.goals}
    tag_ids = {p.id for p in known.preferences}
    for option in options:
        if unknown := sorted(set(option.goals) - goal_ids):
            raise ValueError(f"{name}: option {option.id!r} has unknown goals {unknown}")
        if unknown := sorted(set(option.tags) - tag_ids):
            raise ValueError(f"{name}: option {option.id!r} has unknown tags {unknown}")
    # A typed word must pick one option, so the user is never surprised by the choice.
    if twice := _duplicates(k for o in options for k in o.keywords):
        raise ValueError(f"{name}: keywords used by more than one option: {twice}")
    for goal in known.goals:
        count = sum(goal.id in o.goals for o in options)
        if count < MIN_OPTIONS_PER_GOAL:
            raise ValueError(
                f"{name}: goal {goal.id!r} has {count} options, "
                f"it needs at least {MIN_OPTIONS_PER_GOAL}"
            )
    if NOTHING_YET not in {o.id for o in options}:
        raise ValueError(f"{name}: the option {NOTHING_YET!r} is missing; it is a valid choice")


def load_catalogue(
    region: str, directory: Path = OPTIONS_DIR, known_terms: Terms | None = None
) -> Catalogue:
    """Read and check ``<directory>/<region>.yml`` against the schema and the terms.

    ``known_terms`` defaults to the shared decision_terms.yml (tests pass their own).
    """
    path = directory / f"{region}.yml"
    data = _read(path, CATALOGUE_SCHEMA)
    if data["region"] != region:
        raise ValueError(
            f"{path.name}: region is {data['region']!r}, the file name says {region!r}"
        )
    result = Catalogue(
        region=region,
        version=data["version"],
        options=tuple(_option(item) for item in data["options"]),
    )
    _check(result, known_terms or terms(), path.name)
    return result


@lru_cache(maxsize=1)
def terms() -> Terms:
    """The shared goals and preferences, read once."""
    return load_terms()


@lru_cache(maxsize=8)
def catalogue(region: str | None) -> Catalogue:
    """The catalogue for a user's region, read once; unknown regions get nl_NL's."""
    known = region_or_default(region)
    return load_catalogue(known) if known == region else catalogue(known)
