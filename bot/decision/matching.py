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


def rank(
    catalogue: Catalogue,
    goal: str | None,
    preferences: Sequence[str],
    avoid: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[Option]:
    """All options but the ``exclude``d ones (a step that just failed), best first.

    1. options whose goals contain ``goal`` come first (no goal: all count as fitting);
    2. ``nu_nog_niets`` comes after the real options of its group, unless the goal is
       sort_out or explore, where taking time is one of the real answers;
    3. fewer tags the user ruled out (``avoid``: "geen vaste uren") first;
    4. more tags shared with ``preferences`` first;
    5. ties keep the catalogue order (``sorted`` is stable);
    6. an option that needs someone else's advice or assessment first is never on top
       because of preferences alone: the best option without that condition goes first.
    Unknown goals or preferences simply match nothing.
    """
    wanted, unwanted, left_out = set(preferences), set(avoid), set(exclude)

    def key(option: Option) -> tuple[bool, bool, int, int]:
        off_goal = goal is not None and goal not in option.goals
        held_back = option.id == NOTHING_YET and goal not in OPEN_GOALS
        return (
            off_goal,
            held_back,
            len(unwanted.intersection(option.tags)),
            -len(wanted.intersection(option.tags)),
        )

    ranked = sorted((o for o in catalogue.options if o.id not in left_out), key=key)
    return _open_option_first(ranked, goal)


def _open_option_first(ranked: list[Option], goal: str | None) -> list[Option]:
    """Move the best option without conditions for the same goal before a gated first one."""
    if not ranked or not ranked[0].gated:
        return ranked
    fits = goal is None or goal in ranked[0].goals
    for index, option in enumerate(ranked):
        same_group = goal is None or (goal in option.goals) == fits
        if not option.gated and option.id != NOTHING_YET and same_group:
            return [option, *ranked[:index], *ranked[index + 1 :]]
    return ranked


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
