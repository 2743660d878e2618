"""Load the conversations in ``people/*.yml`` and play them against the real servers.

A :class:`Player` plays one conversation over one :class:`Transport`: Rasa's REST channel
(tests/integration/test_people_conversations.py and the report,
``python -m tests.conversations.report``), or Telegram and the web chat widget for the
conversations marked ``channels:`` (tests/integration/test_people_channels.py). The needs
are checked the same way on every channel: a transport only delivers what the person does
and hands back the bot's messages in one shape.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from uuid import uuid4

import jsonschema
import requests
import socketio
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

if TYPE_CHECKING:
    from tests.integration.fake_telegram import Call, FakeTelegram

PEOPLE_DIR = Path(__file__).parent / "people"
ALWAYS = ("no_error",)
# Needs checked before the tracker is read after a turn (reading it stores it again).
BEFORE_SNAPSHOT = frozenset({"erased"})
# Ways to get to the point where a conversation starts, by name.
PRESETS = ("fresh", "greeted", "onboarded", "onboarded_no_consent")
# Channels besides REST that a conversation can be played over (its ``channels:`` key).
CHANNELS = ("telegram", "widget")

_ACTION = {
    "type": "object",
    "properties": {
        "user": {"type": "string"},
        "tap": {"type": "string", "minLength": 1},
        # The agreed day has come: the server's follow-up of the newest decision, at once.
        "followup": {"const": True},
    },
    "oneOf": [{"required": ["user"]}, {"required": ["tap"]}, {"required": ["followup"]}],
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
                    "channels": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"enum": list(CHANNELS)},
                    },
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

    @property
    def region(self) -> str | None:
        return self.spec.get("region")

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels besides REST this conversation is also played over."""
        return tuple(self.spec.get("channels", ()))


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


Message = dict[str, Any]
# What a channel answers to one thing the person did: a status (HTTP-like, 0 when no answer
# came) and the bot's messages.
Reply = tuple[int, list[Message]]
T = TypeVar("T")


class Failed(AssertionError):
    """A turn did not give the person what they need."""


class Transport(Protocol):
    """One channel a person reaches the bot over.

    ``say`` delivers typed text, ``tap`` a button's payload the way that channel's client
    sends a tap. Both return the bot's messages of that turn in the shape of Rasa's REST
    channel (``text``, ``buttons`` as ``title`` / ``payload``, ``image``), which is what
    the needs read, so the checks stay the same on every channel.
    """

    name: str
    sender: str  # the conversation id Rasa sees on this channel (the tracker's)

    def opening(self) -> list[str]:
        """What the person's client sends before the person does anything."""
        ...

    def say(self, text: str) -> Reply: ...

    def tap(self, payload: str) -> Reply: ...

    def close(self) -> None: ...


class Rest:
    """Rasa's REST channel; the region goes along as metadata of the first message."""

    name = "rest"

    def __init__(self, base: str, conversation: Conversation) -> None:
        self.base = base
        self.region = conversation.region
        self.sender = f"people-{conversation.id[:30]}-{uuid4().hex[:8]}"
        self.first = True

    def opening(self) -> list[str]:
        return []

    def say(self, text: str) -> Reply:
        body: dict[str, Any] = {"sender": self.sender, "message": text}
        if self.first and self.region:
            body["metadata"] = {"region": self.region}
        self.first = False
        try:
            response = requests.post(f"{self.base}/webhooks/rest/webhook", json=body, timeout=90)
        except requests.RequestException:
            return 0, []
        messages = response.json() if response.status_code == 200 else []
        return response.status_code, messages if isinstance(messages, list) else []

    def tap(self, payload: str) -> Reply:
        return self.say(payload)  # a REST client sends a button's payload as the text

    def close(self) -> None:
        pass


# The deep-link parameter (t.me/<bot>?start=<param>) that gives each region.
START_PARAMS = {"nl_NL": "nl", "nl_BE": "be"}
TELEGRAM_SENDS = ("sendMessage", "sendPhoto", "sendDocument")


class Telegram:
    """Telegram: real updates into the webhook, replies read back from the fake Bot API.

    Each update is waited for until the channel marks it handled in its inbox; by then every
    reply of the turn has reached the fake. Telegram has no metadata, so the region comes
    the way a person gets it: the start link of the region (``/start be``) opens the chat.
    A tap is a callback query from the newest message whose keyboard still offers that
    callback data (the bot takes a tapped keyboard away), with that message, so the channel
    sees the keyboard the way Telegram sends it back.
    """

    name = "telegram"

    def __init__(self, fake: FakeTelegram, conversation: Conversation) -> None:
        from bot.channels.telegram_render import parse_start_param
        from tests.integration.test_telegram import TgUser

        self.fake = fake
        self.user = TgUser(fake)
        self.sender = self.user.conversation_id  # the channel's pseudonym of the chat id
        region = conversation.region
        self.deep_link = [f"/start {START_PARAMS[region]}"] if region else []
        if region:
            assert parse_start_param(START_PARAMS[region]) == {"region": region}

    def opening(self) -> list[str]:
        return self.deep_link

    def say(self, text: str) -> Reply:
        return self._exchange(lambda: self.user.deliver(self.user.text_update(text)))

    def tap(self, payload: str) -> Reply:
        message = self._keyboard_with(payload)
        if message is None:
            raise Failed(f"over telegram no keyboard in the chat still offers {payload!r}")
        return self._exchange(lambda: self.user.tap(message, payload))

    def close(self) -> None:
        pass

    def _sent(self, start: int = 0) -> list[Call]:
        chat = str(self.user.chat_id)
        calls = self.fake.calls[start:]
        return [c for c in calls if c.method in TELEGRAM_SENDS and c.chat_id == chat]

    def _exchange(self, deliver: Callable[[], object]) -> Reply:
        before = len(self.fake.calls)
        deliver()  # posts the update and waits until it is handled
        return 200, [self._message(call) for call in self._sent(before)]

    def _keyboard_with(self, payload: str) -> dict[str, Any] | None:
        """The newest bot message (as Telegram returns it) with ``payload`` on its keyboard."""
        from bot.channels.telegram_render import callback_datas

        edits = self.fake.calls_of("editMessageReplyMarkup", self.user.chat_id)
        removed = {int(e.params["message_id"]) for e in edits if not e.params.get("reply_markup")}
        for call in reversed(self._sent()):
            message = call.result if isinstance(call.result, dict) else {}
            if message.get("message_id") not in removed and payload in callback_datas(message):
                return dict(message)
        return None

    @staticmethod
    def _message(call: Call) -> Message:
        params = call.params
        rows = (params.get("reply_markup") or {}).get("inline_keyboard") or []
        message: Message = {"text": str(params.get("text") or params.get("caption") or "")}
        buttons = [
            {"title": b.get("text"), "payload": b.get("callback_data") or b.get("url")}
            for row in rows
            for b in row
        ]
        if buttons:
            message["buttons"] = buttons
        if call.method == "sendPhoto":
            message["image"] = _file(params.get("photo"))
        if call.method == "sendDocument":
            message["document"] = _file(params.get("document"))
        return message


def _file(sent: Any) -> Any:
    """An uploaded file by its name (the fake keeps the bytes), a link as it is."""
    return sent.get("filename") if isinstance(sent, dict) else sent


class Widget:
    """The web chat widget's socket.io protocol, as bot/web/static/chat.js speaks it.

    ``session_request`` gives the session id (the conversation id); every message carries
    the region under ``customData``, as the widget does on a region's page. A message is
    emitted with an acknowledgement: the server acknowledges when its handler returns, which
    is after Rasa handled the whole turn and after every ``bot_uttered`` of it on the same
    connection. The client runs on an event loop of its own, where packets are handled in
    the order they came (the threaded client handles each in a new thread, out of order).
    """

    name = "widget"
    TURN_TIMEOUT_S = 120.0
    QUIET_S = 0.3  # anything after the acknowledgement (none expected) comes within this

    def __init__(self, base: str, origin: str, conversation: Conversation) -> None:
        self.custom = {"region": conversation.region} if conversation.region else {}
        self.received: list[dict[str, Any]] = []
        confirmed: list[str] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("bot_uttered", self.received.append)
        self.client.on("session_confirm", confirmed.append)
        self._run(
            self.client.connect(
                base,
                socketio_path="/socket.io",
                transports=["polling"],
                headers={"Origin": origin},
                wait_timeout=30,
            )
        )
        self._run(self.client.call("session_request", {"session_id": None}, timeout=30))
        assert confirmed, "the widget channel confirmed no session"
        self.sender = str(confirmed[-1])

    def _run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def opening(self) -> list[str]:
        return []

    def say(self, text: str) -> Reply:
        data = {"message": text, "session_id": self.sender, "customData": self.custom}
        before = len(self.received)
        status = 200
        try:
            call = self.client.call("user_uttered", data, timeout=self.TURN_TIMEOUT_S)
            self._run(call, self.TURN_TIMEOUT_S + 10)
        except (socketio.exceptions.TimeoutError, concurrent.futures.TimeoutError):
            status = 0
        count = -1
        while count != len(self.received):
            count = len(self.received)
            time.sleep(self.QUIET_S)
        return status, [self._message(m) for m in self.received[before:]]

    def tap(self, payload: str) -> Reply:
        return self.say(payload)  # the widget sends a quick reply's payload as the message

    def close(self) -> None:
        try:
            self._run(self._leave(), 30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=30)
            self.loop.close()

    async def _leave(self) -> None:
        """Say goodbye, without waiting for the long poll in flight (up to a ping interval)."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.client.disconnect(), self.QUIET_S)
        await self.client.eio.disconnect(abort=True)  # closes the HTTP session
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    @staticmethod
    def _message(raw: dict[str, Any]) -> Message:
        """What the widget shows of a ``bot_uttered`` (chat.js ``normalise``)."""
        attachment = raw.get("attachment") or {}
        if attachment.get("type") == "image":
            return {"image": (attachment.get("payload") or {}).get("src")}
        custom = raw.get("custom") if isinstance(raw.get("custom"), dict) else {}
        message: Message = {"text": str(raw.get("text") or custom.get("text") or "")}
        buttons = raw.get("quick_replies") or raw.get("buttons") or []
        if buttons:
            message["buttons"] = [
                {"title": b.get("title"), "payload": b.get("payload")} for b in buttons
            ]
        return message


class Player:
    """One person talking to the bot over one channel, turn by turn."""

    def __init__(
        self, conversation: Conversation, transport: Transport, rasa_api: str, token: str
    ) -> None:
        self.conversation = conversation
        self.transport = transport
        self.rasa_api = rasa_api
        self.token = token
        self.talk = Talk(conversation.id, transport.sender, conversation.region or "nl_NL")
        self.last: list[Message] = []

    def tracker(self) -> dict[str, Any]:
        response = requests.get(
            f"{self.rasa_api}/conversations/{self.talk.sender}/tracker",
            params={"token": self.token},
            timeout=60,
        )
        return snapshot(response.json()) if response.status_code == 200 else {}

    def act(self, step: dict[str, Any], number: int, observe: bool = True) -> Turn:
        """Type (``user``), tap a button of the last turn by title (``tap``) or by payload."""
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
            said, sent, tap = f"[tap] {match[0]}", offered[match[0]], True
        elif "payload" in step:
            said, sent, tap = f"[tap] {step['payload']}", step["payload"], True
        elif "followup" in step:
            said, sent, tap = "[follow-up]", "", False
        else:
            said, sent, tap = step["user"], step["user"], False
        before = self.tracker() if observe else {}
        if "followup" in step:
            status, messages = self.followup(number)
        else:
            status, messages = self.transport.tap(sent) if tap else self.transport.say(sent)
        self.last = messages
        turn = Turn(number, said, sent, messages, status, before, {})
        self.talk.turns.append(turn)
        return turn

    def followup(self, number: int) -> Reply:
        """What the follow-up loop does on the agreed day (bot/channels/followups.py)."""
        from bot.channels.followups import FOLLOWUP_INTENT
        from tests.conversations.people_needs import decisions

        if self.transport.name != "rest":
            raise Failed(f"{self.conversation.test_id}, turn {number}: a follow-up is REST-only")
        rows = sorted(decisions(self.talk), key=lambda d: d.id)
        if not rows:
            raise Failed(f"{self.conversation.test_id}, turn {number}: no decision to follow up")
        response = requests.post(
            f"{self.rasa_api}/conversations/{self.talk.sender}/trigger_intent",
            params={"token": self.token},
            json={"name": FOLLOWUP_INTENT, "entities": {"decision_id": rows[-1].id}},
            timeout=90,
        )
        body = response.json() if response.status_code == 200 else {}
        return response.status_code, list(body.get("messages") or [])

    def start(self) -> None:
        opening = self.transport.opening()
        for text in opening:
            self.act({"user": text}, 0, observe=False)
        for item in self.conversation.spec.get("start", []):
            if item == "fresh":
                continue
            if item in ("greeted", "onboarded", "onboarded_no_consent"):
                if not opening:  # a start link greets already, as a person's first tap
                    self.act({"user": "hoi"}, 0, observe=False)
                if item != "greeted":
                    consent = "/affirm" if item == "onboarded" else "/deny"
                    self.act({"payload": consent}, 0, observe=False)
                    if not self.conversation.region:
                        self.act({"payload": '/inform{"region": "nl_NL"}'}, 0, observe=False)
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
            f"conversation {self.conversation.test_id} ({self.conversation.spec['who']})"
            f" over {self.transport.name}, turn {number}",
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
