"""Order the catalogue for one job-seeker, and show it a few options at a time.

GUIDE §2 step 3: at most 3 options at a time, the best fitting first. The order is
deterministic and explainable to a coach: first the options for the chosen goal, then
the ones that share most of the user's preferences, and otherwise the coaches' own order.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.decision.catalogue import NOTHING_YET, Catalogue, Option

PAGE_SIZE = 3
# Goals where "not now" is a natural answer; for other goals it must not push out real options.
OPEN_GOALS = frozenset({"sort_out", "explore"})


def rank(catalogue: Catalogue, goal: str | None, preferences: Sequence[str]) -> list[Option]:
    """All options, best first.

    1. options whose goals contain ``goal`` come first (no goal: all count as fitting);
    2. ``nu_nog_niets`` comes after the real options of its group, unless the goal is
       sort_out or explore, where taking time is one of the real answers;
    3. more tags shared with ``preferences`` first;
    4. ties keep the catalogue order (``sorted`` is stable).
    Unknown goals or preferences simply match nothing.
    """
    wanted = set(preferences)

    def key(option: Option) -> tuple[bool, bool, int]:
        off_goal = goal is not None and goal not in option.goals
        held_back = option.id == NOTHING_YET and goal not in OPEN_GOALS
        return off_goal, held_back, -len(wanted.intersection(option.tags))

    return sorted(catalogue.options, key=key)


def page(ranked: Sequence[Option], number: int, size: int = PAGE_SIZE) -> list[Option]:
    """Page ``number`` (0-based) of ``ranked``, ``size`` options per page.

    The ranked list already has the options for the goal first, so the first pages show
    those. Past the last page it wraps around to page 0, so "andere opties" never ends
    empty; the last page may be shorter. An empty list gives an empty page.
    """
    if size < 1:
        raise ValueError("a page holds at least 1 option")
    if not ranked:
        return []
    pages = -(-len(ranked) // size)  # ceiling division
    start = (number % pages) * size
    return list(ranked[start : start + size])
