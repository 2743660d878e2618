"""A local fake of the Telegram Bot API, so the channel is tested without the internet.

It answers ``/bot<token>/<method>`` with JSON or form bodies, the way Telegram
does (``{"ok": true, "result": ...}``, or ``{"ok": false, "error_code": ...}``),
and records every call (method + params) for assertions. Tests can mark a chat
as having blocked the bot, and queue updates for ``getUpdates``.
"""

from __future__ import annotations

import email.policy
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest

from tests.conftest import FAKE_TELEGRAM_PORT

TOKEN = "123456:TEST-token"  # tests/conftest.py sets TELEGRAM_TOKEN to this
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Werkmaatje",
    "username": "WerkmaatjeTestBot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Form bodies carry complex fields as JSON strings; Telegram decodes these.
JSON_FIELDS = {
    "reply_markup",
    "allowed_updates",
    "entities",
    "caption_entities",
    "link_preview_options",
    "reply_parameters",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None  # what the fake answered

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id"))


class TelegramError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def multipart(raw: bytes, kind: str) -> dict[str, Any]:
    """An upload (sendPhoto, sendDocument): its fields, files as ``{"upload", "filename"}``."""
    parsed = BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {kind}\r\n\r\n".encode() + raw
    )
    form: dict[str, Any] = {}
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if part.get_filename():
            form[str(name)] = {"upload": data, "filename": part.get_filename()}
        else:
            value = data.decode()
            form[str(name)] = json.loads(value) if name in JSON_FIELDS else value
    return form


class FakeTelegram:
    """State of the fake: recorded calls, sent messages, blocked chats, queued updates."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.calls: list[Call] = []
        self.blocked: set[str] = set()
        self._keyboards: dict[tuple[str, int], Any] = {}
        self._updates: list[dict[str, Any]] = []
        self._message_ids = itertools.count(1000)
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None

    # --- for tests ---------------------------------------------------------------

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self.blocked.clear()
            self._updates.clear()

    def calls_of(self, method: str, chat_id: int | str | None = None) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method == method and (chat_id is None or c.chat_id == str(chat_id))
            ]

    def wait_for(
        self, condition: Callable[[], Any], timeout: float = 60.0, what: str = "a call"
    ) -> Any:
        """Poll until ``condition()`` is truthy; fail with the calls seen so far."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            time.sleep(0.1)
        seen = [(c.method, c.params.get("chat_id")) for c in self.calls]
        raise AssertionError(f"Timed out waiting for {what}; calls seen: {seen}")

    def queue_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append(update)
            self._lock.notify_all()

    # --- the Bot API ---------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":  # long polling: record before waiting
            with self._lock:
                self.calls.append(Call(method, params))
            return self._get_updates(params)
        with self._lock:
            call = Call(method, params)
            self.calls.append(call)
            call.result = self._answer(method, params)
            return call.result

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("setWebhook", "deleteWebhook", "sendChatAction", "answerCallbackQuery"):
            return True
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            chat_id = self._chat(params)
            if str(chat_id) in self.blocked:
                raise TelegramError(403, "Forbidden: bot was blocked by the user")
            text_key = "text" if method == "sendMessage" else "caption"
            if method == "sendMessage" and not str(params.get("text") or "").strip():
                raise TelegramError(400, "Bad Request: message text is empty")
            if len(str(params.get(text_key) or "")) > (4096 if text_key == "text" else 1024):
                raise TelegramError(400, f"Bad Request: {text_key} is too long")
            message = self._message(chat_id, params)
            if text_key in params:
                message[text_key] = params[text_key]
            if method == "sendPhoto":
                message["photo"] = [
                    {"file_id": "AgAD", "file_unique_id": "AQAD", "width": 320, "height": 240}
                ]
            if method == "sendDocument":
                message["document"] = {"file_id": "BQAD", "file_unique_id": "AgAD"}
            return message
        if method == "editMessageReplyMarkup":
            chat_id = self._chat(params)
            key = (str(chat_id), int(params.get("message_id") or 0))
            markup = params.get("reply_markup")
            if self._keyboards.get(key) == markup:
                raise TelegramError(400, NOT_MODIFIED)
            self._keyboards[key] = markup
            return self._message(chat_id, params, message_id=key[1])
        raise TelegramError(404, "Not Found")

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 30.0)
        with self._lock:
            # Like Telegram: an offset confirms (forgets) every update before it.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._lock.wait(timeout=max(0.0, deadline - time.monotonic()))
            return list(self._updates)

    def _message(
        self, chat_id: int | str, params: dict[str, Any], message_id: int | None = None
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "from": BOT_USER,
        }
        markup = params.get("reply_markup")
        if markup:
            message["reply_markup"] = markup
            self._keyboards[(str(chat_id), message["message_id"])] = markup
        return message

    @staticmethod
    def _chat(params: dict[str, Any]) -> int | str:
        chat_id = params.get("chat_id")
        if chat_id is None:
            raise TelegramError(400, "Bad Request: chat_id is empty")
        text = str(chat_id)
        return int(text) if text.lstrip("-").isdigit() else text

    # --- the server ----------------------------------------------------------------

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                path, _, query = self.path.partition("?")
                parts = path.strip("/").split("/")
                if len(parts) != 2 or not parts[0].startswith("bot"):
                    self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                if parts[0] != f"bot{TOKEN}":
                    self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                    return
                try:
                    params = dict(parse_qsl(query))
                    params.update(self._body())
                    result = fake.handle(parts[1], params)
                except TelegramError as error:
                    body = {"ok": False, "error_code": error.code, "description": error.description}
                    self._send(error.code, body)
                    return
                self._send(200, {"ok": True, "result": result})

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if not raw:
                    return {}
                if kind.startswith("application/json"):
                    return json.loads(raw)
                if kind.startswith("application/x-www-form-urlencoded"):
                    form: dict[str, Any] = dict(parse_qsl(raw.decode(), keep_blank_values=True))
                    for key in JSON_FIELDS & form.keys():
                        form[key] = json.loads(form[key])
                    return form
                if kind.startswith("multipart/form-data"):
                    return multipart(raw, kind)
                raise TelegramError(400, f"Bad Request: unsupported body {kind}")

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            with self._lock:
                self._lock.notify_all()
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def serving(port: int) -> Iterator[FakeTelegram]:
    """A fake Bot API listening on ``port`` for the duration of the block."""
    fake = FakeTelegram(port)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegram]:
    """The fake Bot API on FAKE_TELEGRAM_PORT (where TELEGRAM_API_BASE points in tests)."""
    with serving(FAKE_TELEGRAM_PORT) as fake:
        yield fake


@pytest.fixture
def telegram(fake_telegram: FakeTelegram) -> FakeTelegram:
    """The fake with its records cleared, for one test."""
    fake_telegram.clear()
    return fake_telegram
