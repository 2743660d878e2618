"""The action server's gate (bot/action_guard.py): token and body checks, quiet errors."""

from __future__ import annotations

import asyncio
import json
import zlib
from types import SimpleNamespace
from typing import Any

import pytest
from sanic.exceptions import InvalidUsage

from bot.action_guard import (
    INVALID,
    MAX_BODY_BYTES,
    InvalidCall,
    check_request,
    parse_action_call,
    quiet_error,
    token_ok,
)

TOKEN = "s3cret-token"
CALL = {
    "next_action": "action_erase_data",
    "sender_id": "someone",
    "version": "3.6.21",
    "tracker": {"sender_id": "someone", "slots": {}, "events": [{"event": "action"}]},
    "domain": {},
}


def request(
    body: bytes = b"", token: str | None = TOKEN, path: str = "/webhook", **headers: str
) -> Any:
    args = {"token": token} if token is not None else {}
    return SimpleNamespace(
        path=path, method="POST", args=args, headers=headers, body=body, parsed_json=None
    )


def test_token_comparison() -> None:
    assert token_ok(TOKEN, TOKEN)
    assert not token_ok("wrong", TOKEN)
    assert not token_ok(None, TOKEN)
    assert not token_ok("", "")  # no configured token accepts nothing


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x"])
def test_calls_without_the_token_are_refused(token: str | None) -> None:
    answer = check_request(request(json.dumps(CALL).encode(), token), TOKEN)
    assert answer is not None and answer.status == 401
    assert b"someone" not in answer.body


def test_health_needs_no_token() -> None:
    assert check_request(request(token=None, path="/health"), TOKEN) is None


def test_other_routes_need_the_token() -> None:
    answer = check_request(request(token=None, path="/actions"), TOKEN)
    assert answer is not None and answer.status == 401


def test_a_good_call_passes_parsed_once() -> None:
    incoming = request(json.dumps(CALL).encode())
    assert check_request(incoming, TOKEN) is None
    assert incoming.parsed_json == CALL


def test_a_deflated_call_passes() -> None:
    incoming = request(zlib.compress(json.dumps(CALL).encode()), **{"Content-Encoding": "deflate"})
    assert check_request(incoming, TOKEN) is None


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def call(**changes: Any) -> bytes:
    return json.dumps({**CALL, **changes}).encode()


def tracker(**fields: Any) -> bytes:
    return call(tracker={"sender_id": "a", **fields})


BAD_BODIES = {
    "list": b"[]",
    "empty object": b"{}",
    "garbage": b"\x00\xffnot json <script>",
    "empty": b"",
    "deep nesting": nested(200_000),
    "deep nesting in the tracker": b'{"next_action": "a", "tracker": ' + nested(200_000) + b"}",
    "no tracker": json.dumps({"next_action": "action_erase_data"}).encode(),
    "action not a string": call(next_action=["x"]),
    "tracker a string": call(tracker="x"),
    "sender id a number": call(tracker={"sender_id": 1}),
    "events not a list": tracker(events={}),
    "event not an object": tracker(events=[1]),
    "slots a list": tracker(slots=[]),
    "domain a list": call(domain=[]),
    "version a number": call(version=3),
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_malformed_bodies_get_400_without_the_body(body: bytes) -> None:
    answer = check_request(request(body), TOKEN)
    assert answer is not None and answer.status == 400
    assert json.loads(answer.body) == {"error": INVALID}


def test_a_deflate_bomb_is_refused() -> None:
    bomb = zlib.compress(b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}", 9)
    with pytest.raises(InvalidCall):
        parse_action_call(bomb, deflated=True)
    with pytest.raises(InvalidCall):
        parse_action_call(b"not deflate", deflated=True)


def test_errors_say_only_their_status() -> None:
    incoming: Any = SimpleNamespace(path="/webhook", json={"secret": "echo me"})
    answer = asyncio.run(quiet_error(incoming, RuntimeError("boom with secret")))
    assert answer.status == 500 and b"secret" not in answer.body and b"echo" not in answer.body
    answer = asyncio.run(quiet_error(incoming, InvalidUsage("bad secret")))
    assert answer.status == 400 and b"secret" not in answer.body
