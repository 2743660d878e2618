"""Hostile and odd inputs for the fuzz test, from a seeded RNG (the same run every time).

Each input is a :class:`Case`: a JSON value for the ``message`` field, sometimes
another ``sender``, or raw bytes instead of a JSON body.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

_MISSING = object()


@dataclass
class Case:
    kind: str
    message: Any = _MISSING  # the JSON value of "message"; _MISSING: no such field
    sender: Any = _MISSING  # _MISSING: the test's own sender id
    raw: bytes | None = None  # a raw body instead of JSON

    def body(self, sender: str) -> Any:
        body: dict[str, Any] = {"sender": sender if self.sender is _MISSING else self.sender}
        if self.message is not _MISSING:
            body["message"] = self.message
        return body

    @property
    def value(self) -> Any:
        """The message's JSON value; None when the case has no message field."""
        return None if self.message is _MISSING else self.message

    @property
    def text(self) -> str | None:
        """The message as text, when it is one (for the Telegram and web chat channels)."""
        return self.message if isinstance(self.message, str) else None


WORDS = [
    "hoi",
    "ik",
    "wil",
    "werk",
    "zoeken",
    "hoe",
    "ver",
    "ben",
    "ik",
    "coach",
    "oefenen",
    "computer",
    "dank",
    "je",
    "ja",
    "nee",
]
EMOJI = ["😀", "🙈", "👍🏽", "👩‍💻", "🇳🇱", "🏳️‍🌈", "❤️", "🤖", "\u200d", "\ufe0f"]
SCRIPTS = ["مرحبا كيف حالك", "שלום מה שלומך", "Привет", "你好，我要工作", "नमस्ते", "ⴰⵣⵓⵍ"]
MARKUP = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<b>vet</b> & <i>schuin</i>",
    "</div><iframe src=//evil>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "[klik](javascript:alert(1))",
    "*vet* _schuin_ `code` ~~doorgehaald~~",
]
SQL = [
    "'; DROP TABLE events; --",
    "1 OR 1=1",
    '" OR ""="',
    "admin'--",
    "1; SELECT * FROM jobseekers",
    "' UNION SELECT sender_id, data FROM events --",
    "%' AND 1=0 UNION ALL SELECT NULL--",
]
PAYLOADS = [
    "/",
    "//",
    "/ ",
    "/inform{",
    '/inform{"region": }',
    '/inform{"region": "xx_XX"}',
    '/inform{"region": {"nested": true}}',
    '/inform{"region": ["nl_NL", "nl_BE"]}',
    '/inform{"region": null}',
    '/affirm{"consent": [1, 2]}',
    "/no_such_intent",
    '/no_such_intent{"a": 1}',
    '/greet{"unknown_entity": "x"}',
    "/greet}{",
    '/request_coach{"a":' + "[" * 50,
    '/start_exercise{"exercise": "../../etc/passwd"}',
    '/inform{"age_group": "-1"}',
    "/EXTERNAL_followup",
    "/session_start",
    "/restart",
    "/nlu_fallback",
    "/greet" * 200,
]


def _huge(rng: random.Random) -> str:
    size = rng.randrange(100_000, 140_000)
    if rng.random() < 0.5:
        text = " ".join(rng.choice(WORDS) for _ in range(size // 4))
    else:
        text = rng.choice(string.ascii_letters) * size
    return text[:size]


def binary_bodies(junk: bytes) -> list[bytes]:
    """Every shape of broken body, around some random bytes."""
    return [
        b'{"sender": "fuzz", "message": "' + junk + b'"}',
        junk,
        b'{"sender": "fuzz", "message": ' + junk,
        b"\xef\xbb\xbf" + json.dumps({"sender": "fuzz", "message": "hoi"}).encode(),
        b"",
        b"null",
        b"[]",
        b'"hoi"',
        b'{"sender": "fuzz", "message": "\\ud800 lone surrogate"}',
        b'{"sender": "fuzz", "message": "nul \\u0000 byte"}',
        b'{"sender": "fuzz", "message": 1e999}',
        b"[" * 5000 + b"]" * 5000,
        b'{"update_id": 1, "message": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    ]


def _binary_body(rng: random.Random) -> bytes:
    junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    return rng.choice(binary_bodies(junk))


def _zalgo(rng: random.Random) -> str:
    marks = [chr(c) for c in range(0x300, 0x370)]
    return "".join(ch + "".join(rng.choices(marks, k=rng.randrange(5, 30))) for ch in "hoi coach")


def _control(rng: random.Random) -> str:
    chars = [chr(c) for c in (*range(32), 127, 0x85, 0x2028, 0x2029, 0x202E, 0xFEFF)]
    return "".join(rng.choice(chars + list("hoi ")) for _ in range(rng.randrange(1, 60)))


def _json_ish(rng: random.Random) -> str:
    shapes = [
        '{"text": "/greet"}',
        "[[[[[[",
        '{"a": [1, 2, {"b": null}]}',
        json.dumps({"message": {"text": "hoi"}}),
        "null",
        "true",
        "NaN",
        '{"__proto__": {"admin": true}}',
    ]
    return rng.choice(shapes)


def _wrong_type(rng: random.Random) -> Case:
    value = rng.choice([0, 42, -1.5, 1e308, None, True, False, [], ["hoi"], {}, {"text": "hoi"}])
    return Case("wrong_type", message=value)


def _wrong_sender(rng: random.Random) -> Case:
    sender = rng.choice([None, 0, 12.5, [], ["a"], {}, {"id": 1}, "", " ", "../../etc", "x" * 5000])
    return Case("wrong_sender", message="hoi", sender=sender)


def _missing(rng: random.Random) -> Case:
    return rng.choice([Case("no_message"), Case("no_sender", message="hoi", sender=None)])


# (weight, maker): huge messages are rare, they cost the NLU most.
_MAKERS: list[tuple[int, Callable[[random.Random], Case]]] = [
    (1, lambda r: Case("huge", message=_huge(r))),
    (4, lambda r: Case("empty", message="")),
    (4, lambda r: Case("whitespace", message=r.choice([" ", "\n\n", "\t \r\n", "\u00a0\u3000"]))),
    (6, lambda r: Case("binary", raw=_binary_body(r))),
    (6, lambda r: Case("control", message=_control(r))),
    (6, lambda r: Case("emoji", message="".join(r.choices(EMOJI, k=r.randrange(1, 40))))),
    (6, lambda r: Case("scripts", message=r.choice(SCRIPTS) + " hoi " + r.choice(SCRIPTS))),
    (5, lambda r: Case("zalgo", message=_zalgo(r))),
    (6, lambda r: Case("markup", message=r.choice(MARKUP))),
    (6, lambda r: Case("sql", message=r.choice(SQL))),
    (5, lambda r: Case("json_ish", message=_json_ish(r))),
    (4, lambda r: Case("long_word", message=r.choice(string.ascii_lowercase) * 5000)),
    (10, lambda r: Case("payload", message=r.choice(PAYLOADS))),
    (8, _wrong_type),
    (3, _wrong_sender),
    (2, _missing),
    (8, lambda r: Case("normal", message=" ".join(r.choices(WORDS, k=r.randrange(1, 8))))),
]


def cases(count: int, seed: int) -> Iterator[Case]:
    """``count`` cases: every kind and every broken body first, when count allows, then at random.

    The fixed head makes the short CI run cover each shape; the random tail is the bulk.
    """
    rng = random.Random(seed)
    head: list[Callable[[random.Random], Case]] = [make for _, make in _MAKERS]
    head += [_raw_case(body) for body in binary_bodies(b"\xff\x00\xfe{")]
    weights = [w for w, _ in _MAKERS]
    for i in range(count):
        if i < len(head):
            make = head[i]
        else:
            make = rng.choices([m for _, m in _MAKERS], weights=weights)[0]
        yield make(rng)


def _raw_case(body: bytes) -> Callable[[random.Random], Case]:
    return lambda _rng: Case("binary", raw=body)
