"""Ranking and paging the options: goal first, then preferences, and never an empty page."""

from __future__ import annotations

import pytest

from bot.decision.catalogue import GOAL_IDS, NOTHING_YET, Catalogue, Option, catalogue, terms
from bot.decision.matching import PAGE_SIZE, page, rank


def _option(id: str, goals: tuple[str, ...], tags: tuple[str, ...] = ()) -> Option:
    return Option(
        id=id,
        title=id,
        description="Uitleg.",
        plus="Goed.",
        minus="Minder goed.",
        duration="1 maand",
        goals=goals,
        tags=tags,
        keywords=(id,),
        helper="je coach",
        first_step="Bel je coach.",
    )


SMALL = Catalogue(
    region="nl_NL",
    version="test-1",
    options=(
        _option(NOTHING_YET, ("sort_out", "explore", "work")),
        _option("cursus", ("learn",), ("learning", "certificate")),
        _option("uitzend", ("work",), ("money",)),
        _option("wep", ("work", "explore"), ("learning", "people")),
        _option("schuld", ("sort_out",)),
        _option("bbl", ("work", "learn"), ("money", "learning", "certificate")),
    ),
)


def ids(options: list[Option]) -> list[str]:
    return [o.id for o in options]


def test_options_for_the_goal_come_first() -> None:
    ranked = ids(rank(SMALL, "learn", []))
    assert ranked[:2] == ["cursus", "bbl"]
    assert set(ranked) == {o.id for o in SMALL.options}


def test_preferences_reorder_within_the_goal() -> None:
    assert ids(rank(SMALL, "work", ["money"]))[:3] == ["uitzend", "bbl", "wep"]
    assert ids(rank(SMALL, "work", ["money", "learning"]))[:3] == ["bbl", "uitzend", "wep"]


def test_preferences_never_beat_the_goal() -> None:
    ranked = ids(rank(SMALL, "sort_out", ["money", "learning", "certificate"]))
    assert ranked[:2] == [NOTHING_YET, "schuld"]


def test_ties_keep_catalogue_order() -> None:
    assert ids(rank(SMALL, "work", [])) == [
        "uitzend",
        "wep",
        "bbl",
        NOTHING_YET,
        "cursus",
        "schuld",
    ]
    assert ids(rank(SMALL, None, [])) == ["cursus", "uitzend", "wep", "schuld", "bbl", NOTHING_YET]


def test_nothing_yet_does_not_crowd_out_real_options() -> None:
    """For work it suits the goal, but comes after every real option for work."""
    ranked = ids(rank(SMALL, "work", ["learning"]))
    assert ranked.index(NOTHING_YET) == 3
    assert set(ranked[:3]) == {"uitzend", "wep", "bbl"}


@pytest.mark.parametrize("goal", ["sort_out", "explore"])
def test_nothing_yet_keeps_its_place_for_open_goals(goal: str) -> None:
    assert ids(rank(SMALL, goal, []))[0] == NOTHING_YET


def test_no_goal_ranks_by_tags_only() -> None:
    ranked = ids(rank(SMALL, None, ["learning", "certificate"]))
    assert ranked[:3] == ["cursus", "bbl", "wep"]
    assert ranked[-1] == NOTHING_YET


def test_unknown_goal_and_preferences_do_not_crash() -> None:
    assert len(rank(SMALL, "vliegen", ["zwemmen", "zwemmen"])) == len(SMALL.options)
    assert ids(rank(SMALL, "vliegen", ["money"]))[:2] == ["uitzend", "bbl"]
    assert ids(rank(SMALL, "work", ["zwemmen"])) == ids(rank(SMALL, "work", []))


def test_paging_and_wrap_around() -> None:
    ranked = rank(SMALL, "work", [])
    assert ids(page(ranked, 0)) == ["uitzend", "wep", "bbl"]
    assert ids(page(ranked, 1)) == [NOTHING_YET, "cursus", "schuld"]
    assert page(ranked, 2) == page(ranked, 0)
    assert page(ranked, 3) == page(ranked, 1)


def test_last_page_may_be_short_but_never_empty() -> None:
    ranked = rank(SMALL, None, [])[:5]
    assert len(page(ranked, 1)) == 2
    assert page(ranked, 2) == page(ranked, 0)
    assert ids(page(ranked, 0, size=4)) == ids(ranked[:4])
    assert page([], 3) == []
    with pytest.raises(ValueError):
        page(ranked, 0, size=0)


@pytest.mark.parametrize("region", ["nl_NL", "nl_BE"])
@pytest.mark.parametrize("goal", GOAL_IDS)
def test_real_catalogues_fill_the_first_page(region: str, goal: str) -> None:
    first = page(rank(catalogue(region), goal, []), 0)
    assert len(first) == PAGE_SIZE
    assert all(goal in o.goals for o in first)


@pytest.mark.parametrize("region", ["nl_NL", "nl_BE"])
def test_real_catalogues_respond_to_every_preference(region: str) -> None:
    loaded = catalogue(region)
    for preference in terms().preferences:
        best = rank(loaded, None, [preference.id])[0]
        assert preference.id in best.tags, preference.id


@pytest.mark.parametrize("region", ["nl_NL", "nl_BE"])
def test_real_nothing_yet_stays_off_the_first_work_pages(region: str) -> None:
    for number in range(3):
        assert NOTHING_YET not in ids(page(rank(catalogue(region), "work", []), number))


# --------------------------------------------------------------------------- conditions


def _gated(id: str, goals: tuple[str, ...], tags: tuple[str, ...]) -> Option:
    from dataclasses import replace

    return replace(_option(id, goals, tags), first="UWV moet eerst een advies geven.")


GATED = Catalogue(
    region="nl_NL",
    version="test-2",
    options=(
        _gated("beschut", ("work",), ("money", "fixed_hours", "people")),
        _option("uitzend", ("work",), ("money",)),
        _option("zelf", ("work",), ("own_pace",)),
        _gated("proef", ("work",), ("money", "people")),
        _option(NOTHING_YET, ("sort_out", "explore")),
    ),
)


def test_an_option_with_a_condition_is_never_first_on_preferences_alone() -> None:
    # Money and fixed hours fit "beschut" best, but it needs an advice first.
    ranked = [o.id for o in rank(GATED, "work", ["money", "fixed_hours"])]
    assert ranked[0] == "uitzend"
    assert ranked[1] == "beschut"  # still offered, right after
    assert set(ranked) == {o.id for o in GATED.options}


def test_a_gated_option_only_leads_when_nothing_else_fits_the_goal() -> None:
    only_gated = Catalogue("nl_NL", "t", (_gated("a", ("work",), ()), _option("b", ("learn",))))
    assert [o.id for o in rank(only_gated, "work", [])] == ["a", "b"]


def test_what_the_user_ruled_out_goes_down() -> None:
    # "geld, maar geen vaste uren": beschut (fixed hours) below the options without them.
    ranked = [o.id for o in rank(GATED, "work", ["money"], avoid=["fixed_hours"])]
    assert ranked.index("beschut") > ranked.index("proef")
    assert ranked.index("beschut") > ranked.index("zelf")


def test_an_excluded_option_is_not_offered_again() -> None:
    ranked = [o.id for o in rank(GATED, "work", ["money"], exclude=["uitzend"])]
    assert "uitzend" not in ranked and ranked[0] == "zelf"


@pytest.mark.parametrize("region", ["nl_NL", "nl_BE"])
@pytest.mark.parametrize("goal", GOAL_IDS)
def test_no_real_catalogue_puts_a_condition_first(region: str, goal: str) -> None:
    names = [p.id for p in terms().preferences]
    for size in range(len(names) + 1):
        first = rank(catalogue(region), goal, names[:size])[0]
        fitting = [o for o in catalogue(region).options if goal in o.goals and not o.gated]
        assert not first.gated or not fitting, (region, goal, names[:size], first.id)
