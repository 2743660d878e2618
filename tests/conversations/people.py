"""Load the conversations in ``people/*.yml`` and play them against the real servers.

Used by the pytest runner (tests/integration/test_people_conversations.py) and the
report (``python -m tests.conversations.report``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import jsonschema
import requests
import yaml

from tests.conversations.people_needs import (
    PERSONAS,
    Talk,
    Turn,
    describe,
    evaluate,
    known,
    snapshot,
)

PEOPLE_DIR = Path(__file__).parent / "people"
ALWAYS = ("no_error",)
# Needs checked before the tracker is read after a turn (reading it stores it again).
BEFORE_SNAPSHOT = frozenset({"erased"})
# Ways to get to the point where a conversation starts, by name.
PRESETS = ("fresh", "greeted", "onboarded", "onboarded_no_consent")

_ACTION = {
    "type": "object",
    "properties": {"user": {"type": "string"}, "tap": {"type": "string", "minLength": 1}},
    "oneOf": [{"required": ["user"]}, {"required": ["tap"]}],
}
_NEEDS = {"type": "array", "items": {"type": "string", "pattern": r"^[a-z_0-9]+(=[\w:.-]+)?$"}}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["conversations"],
    "additionalProperties": False,
    "properties": {
        "topic": {"type": "string"},
        "conversations": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "who", "turns"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": r"^[a-z0-9_]+$"},
                    "who": {"enum": sorted(PERSONAS)},
                    "region": {"enum": ["nl_NL", "nl_BE"]},
                    "start": {
                        "type": "array",
                        "items": {
                            "oneOf": [
                                {"enum": list(PRESETS)},
                                {
                                    **_ACTION,
                                    "properties": {**_ACTION["properties"]},
                                    "additionalProperties": False,
                                },
                            ]
                        },
                    },
                    "known_gap": {"type": "string", "minLength": 5},
                    "why": {"type": "string"},
                    "turns": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            **_ACTION,
                            "additionalProperties": False,
                            "properties": {
                                **_ACTION["properties"],
                                "must": _NEEDS,
                                "must_not": _NEEDS,
                                "why": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Conversation:
    file: str  # the topic file's stem
    spec: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.spec["id"])

    @property
    def test_id(self) -> str:
        return f"{self.file}/{self.id}"

    @property
    def known_gap(self) -> str | None:
        return self.spec.get("known_gap")


def load(directory: Path = PEOPLE_DIR) -> list[Conversation]:
    """Every conversation, validated: the schema, unique ids, only needs that exist."""
    found: list[Conversation] = []
    seen: set[str] = set()
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            jsonschema.validate(data, SCHEMA)
        except jsonschema.ValidationError as error:
            where = "/".join(str(p) for p in error.absolute_path)
            raise ValueError(f"{path.name} at {where}: {error.message}") from error
        for spec in data["conversations"]:
            if spec["id"] in seen:
                raise ValueError(f"{path.name}: id {spec['id']} is used twice")
            seen.add(spec["id"])
            for turn in spec["turns"]:
                for name in [*turn.get("must", []), *turn.get("must_not", [])]:
                    if not known(name):
                        raise ValueError(f"{path.name}: {spec['id']}: unknown need {name!r}")
            found.append(Conversation(path.stem, spec))
    return found


class Failed(AssertionError):
    """A turn did not give the person what they need."""


class Player:
    """One person talking to the bot over the REST channel, turn by turn."""

    def __init__(self, base: str, rasa_api: str, token: str, conversation: Conversation) -> None:
        self.base = base
        self.rasa_api = rasa_api
        self.token = token
        self.conversation = conversation
        region = conversation.spec.get("region", "nl_NL")
        sender = f"people-{conversation.id[:30]}-{uuid4().hex[:8]}"
        self.talk = Talk(conversation.id, sender, region)
        self.last: list[dict[str, Any]] = []
        self.first = True

    def tracker(self) -> dict[str, Any]:
        response = requests.get(
            f"{self.rasa_api}/conversations/{self.talk.sender}/tracker",
            params={"token": self.token},
            timeout=60,
        )
        return snapshot(response.json()) if response.status_code == 200 else {}

    def send(self, message: str) -> tuple[int, list[dict[str, Any]]]:
        body: dict[str, Any] = {"sender": self.talk.sender, "message": message}
        if self.first and "region" in self.conversation.spec:
            body["metadata"] = {"region": self.conversation.spec["region"]}
        self.first = False
        try:
            response = requests.post(f"{self.base}/webhooks/rest/webhook", json=body, timeout=90)
        except requests.RequestException:
            return 0, []
        messages = response.json() if response.status_code == 200 else []
        return response.status_code, messages if isinstance(messages, list) else []

    def act(self, step: dict[str, Any], number: int, observe: bool = True) -> Turn:
        if "tap" in step:
            title = step["tap"]
            offered = {
                str(b.get("title")): str(b.get("payload"))
                for m in self.last
                for b in m.get("buttons") or []
            }
            match = [t for t in offered if t.casefold().strip() == title.casefold().strip()]
            if not match:
                raise Failed(
                    self.report(number, f"[tap] {title}", self.last, [])
                    + f"\n  the button {title!r} is not offered; buttons: {list(offered)}"
                )
            said, sent = f"[tap] {match[0]}", offered[match[0]]
        else:
            said = sent = step["user"]
        before = self.tracker() if observe else {}
        status, messages = self.send(sent)
        self.last = messages
        turn = Turn(number, said, sent, messages, status, before, {})
        self.talk.turns.append(turn)
        return turn

    def start(self) -> None:
        for item in self.conversation.spec.get("start", []):
            if item == "fresh":
                continue
            if item in ("greeted", "onboarded", "onboarded_no_consent"):
                self.act({"user": "hoi"}, 0, observe=False)
                if item != "greeted":
                    consent = "/affirm" if item == "onboarded" else "/deny"
                    self.act({"user": consent}, 0, observe=False)
                    if "region" not in self.conversation.spec:
                        self.act({"user": '/inform{"region": "nl_NL"}'}, 0, observe=False)
            else:
                self.act(item, 0, observe=False)

    def play(self) -> None:
        self.start()
        for number, step in enumerate(self.conversation.spec["turns"], start=1):
            turn = self.act(step, number)
            must = [*ALWAYS, *step.get("must", [])]
            must_not = list(step.get("must_not", []))
            # Reading the tracker stores a conversation again: check erasure before that.
            failed = self.check(
                turn,
                [n for n in must if n in BEFORE_SNAPSHOT],
                [n for n in must_not if n in BEFORE_SNAPSHOT],
            )
            turn.after = self.tracker()
            failed += self.check(
                turn,
                [n for n in must if n not in BEFORE_SNAPSHOT],
                [n for n in must_not if n not in BEFORE_SNAPSHOT],
            )
            if failed:
                raise Failed(self.report(number, turn.said, turn.messages, failed, turn))

    def check(self, turn: Turn, must: list[str], must_not: list[str]) -> list[str]:
        """The needs of one turn that are not met."""
        return [f"must: {n} ({describe(n)})" for n in must if not evaluate(n, turn, self.talk)] + [
            f"must not: {n} ({describe(n)})" for n in must_not if evaluate(n, turn, self.talk)
        ]

    def report(
        self,
        number: int,
        said: str,
        messages: list[dict[str, Any]],
        failed: list[str],
        turn: Turn | None = None,
    ) -> str:
        lines = [
            f"conversation {self.conversation.test_id} ({self.conversation.spec['who']}),"
            f" turn {number}",
            f"  person: {said!r}",
        ]
        for message in messages:
            buttons = [b.get("title") for b in message.get("buttons") or []]
            lines.append(f"  bot: {message.get('text', '')!r}" + (f" {buttons}" if buttons else ""))
        if not messages:
            lines.append("  bot: (nothing)")
        if turn is not None:
            lines.append(f"  flow: {turn.before.get('loop')} -> {turn.after.get('loop')}")
        lines += [f"  FAILED {f}" for f in failed]
        return "\n".join(lines)
