"""One output, every channel: a custom payload reaches the web widget as its text."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.channels.webchat import WebChatOutput
from bot.transcript import chat_messages


class RecordingServer:
    """Stands in for the socket.io server: records what would be emitted."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str | None]] = []

    async def emit(self, event: str, data: Any = None, room: str | None = None, **_: Any) -> None:
        self.emitted.append((event, data, room))


def test_custom_payload_is_emitted_as_one_message() -> None:
    server = RecordingServer()
    output = WebChatOutput(server, "bot_uttered")  # type: ignore[arg-type]
    payload = {"text": "Kijk op werk.nl", "kind": "link"}
    asyncio.run(output.send_response("abc", {"custom": payload}))
    assert server.emitted == [("bot_uttered", {"custom": payload}, "abc")]


def test_custom_payload_text_shows_in_the_history() -> None:
    event = {"event": "bot", "text": None, "data": {"custom": {"text": "Kijk op werk.nl"}}}
    assert [m["text"] for m in chat_messages([event])] == ["Kijk op werk.nl"]
