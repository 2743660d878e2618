"""Unit-tier ordering: browser tests last.

Playwright's sync API keeps an event loop running in the main thread for the rest of the
session once the (session-scoped) browser started, and ``asyncio.run`` then fails in every
later test. The few browser checks of the unit tier run after all the others.
"""

from __future__ import annotations

import pytest

BROWSER_FIXTURES = {"browser", "context", "page"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def uses_browser(item: pytest.Item) -> bool:
        return bool(BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())))

    items.sort(key=uses_browser)  # stable: the order within each group is kept
