"""The Telegram webhook's body parser: every malformed body is "not an update", never an error.

A body nested 5,000 levels deep made ``json.loads`` raise RecursionError, which
is not a ValueError: the webhook answered 500, and Telegram retries a 5xx.
"""

from __future__ import annotations

import json

import pytest

from bot.channels.telegram import MAX_UPDATE_ID, parse_update
from tests.reliability.fuzz_inputs import binary_bodies

BROKEN = binary_bodies(bytes(range(256)))


@pytest.mark.parametrize("body", BROKEN, ids=[f"shape{i}" for i in range(len(BROKEN))])
def test_broken_bodies_are_not_updates(body: bytes) -> None:
    assert parse_update(body) is None


@pytest.mark.parametrize("update_id", [None, "1", True, 1.0, -1, MAX_UPDATE_ID + 1, [1], {"id": 1}])
def test_an_update_needs_a_usable_update_id(update_id: object) -> None:
    assert parse_update(json.dumps({"update_id": update_id, "message": {}}).encode()) is None


def test_a_real_update_is_kept_whole() -> None:
    update = {"update_id": 7, "message": {"message_id": 1, "text": "hoi", "chat": {"id": 5}}}
    assert parse_update(json.dumps(update).encode()) == update
