"""Whole conversations the way people type, played against the real Rasa and action servers.

The conversations live in tests/conversations/people/*.yml; the needs each turn names are
defined in tests/conversations/people_needs.py. A conversation marked ``known_gap`` is
expected to fail today (strict xfail): once the product is fixed it shows up as XPASS,
which fails the run until the mark is removed. See docs/conversations.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.config import settings
from bot.services import action_server, rasa_server, running, web_server
from tests.conversations.people import Conversation, Failed, Player, load
from tests.integration.conftest import _endpoints

CONVERSATIONS = load()
# Rasa needs more than the shared fixture's 240 s to load on a busy 2-core machine.
START_TIMEOUT_S = float(os.environ.get("PEOPLE_START_TIMEOUT_S", "900"))


@pytest.fixture(scope="module")
def servers() -> Iterator[str]:
    """The real servers: the session's when they already run, else started here."""
    base = f"http://localhost:{settings().rasa_port}"
    if rasa_server(endpoints=_endpoints()).healthy():
        yield base
        return
    services = [action_server(), rasa_server(endpoints=_endpoints()), web_server()]
    with running(services, timeout=START_TIMEOUT_S):
        yield base


def _param(conversation: Conversation) -> object:
    marks = []
    if conversation.known_gap:
        marks.append(pytest.mark.xfail(strict=True, raises=Failed, reason=conversation.known_gap))
    return pytest.param(conversation, id=conversation.test_id, marks=marks)


def test_there_are_enough_conversations() -> None:
    assert len(CONVERSATIONS) >= 150
    assert len({c.file for c in CONVERSATIONS}) >= 12


@pytest.mark.parametrize("conversation", [_param(c) for c in CONVERSATIONS])
def test_person(conversation: Conversation, servers: str) -> None:
    __tracebackhide__ = True
    Player(servers, servers, settings().rasa_api_token, conversation).play()
