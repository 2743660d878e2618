"""The people conversations over Telegram and the web chat widget, not only over REST.

The product must work the same on every channel, and the channels differ where it matters:
Telegram strips a typed "/", answers a tap as a callback query on the tapped keyboard,
splits long texts and knows the region only from a start link (``/start be``); the widget
speaks socket.io, sends its region with every message and splits texts on blank lines.
A representative subset (``channels: [telegram, widget]`` in the YAML, validated by the
schema in tests/conversations/people.py) is played over each channel, with the same needs
as over REST. Telegram goes through the fake Bot API (tests/integration/fake_telegram.py).

A known gap is a gap on every channel (xfail as over REST). A channel that fails where REST
passes is a product bug of that channel: it goes in ``CHANNEL_GAPS`` with what breaks, as a
non-strict xfail, until fixed. See docs/conversations.md, "Over Telegram and the widget".
"""

from __future__ import annotations

import os
from collections import Counter
from contextlib import closing

import pytest

from bot.config import settings
from tests.conversations.people import (
    CHANNELS,
    Conversation,
    Failed,
    Player,
    Telegram,
    Transport,
    Widget,
    load,
)

# The fake Bot API server and its fixtures (fake_telegram, telegram).
pytest_plugins = ["tests.integration.fake_telegram"]

SUBSET = [c for c in load() if c.channels]
STRICT = os.environ.get("PEOPLE_STRICT") == "1"
# (conversation id, channel) -> what breaks on that channel while REST passes.
# (conversation id, channel) -> what breaks on that channel only. None today: the second
# greeting during the consent question (a Telegram start link greets first) is fixed.
CHANNEL_GAPS: dict[tuple[str, str], str] = {}


def _param(conversation: Conversation, channel: str) -> object:
    reason = CHANNEL_GAPS.get((conversation.id, channel)) or conversation.known_gap
    marks = [pytest.mark.xfail(strict=STRICT, raises=Failed, reason=reason)] if reason else []
    return pytest.param(conversation, channel, id=f"{channel}/{conversation.test_id}", marks=marks)


def test_the_subset_is_representative() -> None:
    files = {c.file for c in load()}
    for channel in CHANNELS:
        per_file = Counter(c.file for c in SUBSET if channel in c.channels)
        assert {f for f in files if per_file[f] < 2} == set(), f"2 per file over {channel}"
    assert len(SUBSET) <= 40, "it runs in CI on 2 cores: keep it a subset"
    chosen = {(c.id, channel) for c in SUBSET for channel in c.channels}
    assert set(CHANNEL_GAPS) <= chosen, "a channel gap names a conversation not played there"


def transport(
    channel: str, conversation: Conversation, request: pytest.FixtureRequest
) -> Transport:
    if channel == "telegram":
        return Telegram(request.getfixturevalue("telegram"), conversation)
    origin = f"http://localhost:{settings().web_port}"  # the widget's page
    return Widget(f"http://localhost:{settings().rasa_port}", origin, conversation)


@pytest.mark.parametrize(
    ("conversation", "channel"), [_param(c, ch) for c in SUBSET for ch in c.channels]
)
def test_person_over_channel(
    conversation: Conversation, channel: str, servers: str, request: pytest.FixtureRequest
) -> None:
    __tracebackhide__ = True
    with closing(transport(channel, conversation, request)) as talk:
        Player(conversation, talk, servers, settings().rasa_api_token).play()
