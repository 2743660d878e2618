"""The production profile end to end: nginx in front of two Rasa replicas.

1. a REST conversation through nginx;
2. the messages of one conversation, sent to both replicas at once, are handled
   one after the other and in the order they arrived (Redis lock store);
3. socket.io through nginx, sticky per browser, polling and websocket.
"""

from __future__ import annotations

import asyncio
import json
import queue
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
import socketio
import websockets

from bot.deploy.profile import ROUTE_COOKIE, Profile
from tests.production.conftest import new_sender, say, send_alternating, tracker_events, turns

CONSENT_BUTTONS = ["Ja, dat mag", "Nee, liever niet", "Vertel meer"]
CONSENT_QUESTION = "Mag ik het bewaren?"
# Distinct texts, so a swap shows; the bot's answers differ, the turn structure does not.
ORDER_TEXTS = ["hoi", "ja graag", "ik woon in Nederland", "wat kan je allemaal", "ik snap het niet"]
CONVERSATIONS = 20


def test_rest_conversation_through_nginx(prod: Profile) -> None:
    page = requests.get(f"{prod.config.web_url}/chat", timeout=60)
    assert page.status_code == 200
    assert f"localhost:{prod.config.public_port}" in page.text  # the widget's socket: nginx
    sender = new_sender("prod-rest")
    first = say(prod.config.public_url, sender, "hallo")
    text = "\n".join(m.get("text", "") for m in first)
    assert "computerprogramma" in text
    assert first[-1]["text"].endswith(CONSENT_QUESTION)
    assert [b["title"] for b in first[-1]["buttons"]] == CONSENT_BUTTONS
    region = say(prod.config.public_url, sender, "ja hoor")
    assert [m["text"] for m in region] == ["Woon je in Nederland of in Vlaanderen?"]
    assert turns(tracker_events(prod, sender)) == ["hallo", "ja hoor"]


def test_one_conversation_over_two_replicas_keeps_its_order(prod: Profile) -> None:
    def converse(index: int) -> tuple[str, list[requests.Response]]:
        sender = new_sender(f"prod-order{index}")
        return sender, send_alternating(prod, sender, ORDER_TEXTS)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(converse, range(CONVERSATIONS)))
    for sender, responses in results:
        assert [r.status_code for r in responses] == [200] * len(ORDER_TEXTS), sender
        assert all(r.json() for r in responses), f"a message of {sender} got no reply"
        assert turns(tracker_events(prod, sender)) == ORDER_TEXTS, sender


# ---- socket.io ----


class Socket:
    """A socket.io client speaking like rasa-webchat, over nginx's public port."""

    def __init__(self, profile: Profile, route: str | None = None) -> None:
        self.session_id = ""
        self.client = socketio.Client(reconnection=False)
        self.confirmed: queue.Queue[Any] = queue.Queue()
        self.bot: queue.Queue[dict[str, Any]] = queue.Queue()
        self.client.on("session_confirm", self.confirmed.put)
        self.client.on("bot_uttered", self.bot.put)
        headers = {"Origin": profile.config.web_url}
        if route:
            headers["Cookie"] = f"{ROUTE_COOKIE}={route}"
        self.client.connect(
            profile.config.public_url,
            socketio_path="/socket.io",
            transports=["polling"],
            headers=headers,
            wait_timeout=30,
        )

    def greeting(self) -> list[str]:
        """A new session, "hoi", and the bot's texts up to the consent question."""
        self.client.emit("session_request", {"session_id": None})
        session_id = self.session_id = str(self.confirmed.get(timeout=60))
        self.client.emit("user_uttered", {"message": "hoi", "session_id": session_id})
        texts: list[str] = []
        while not texts or CONSENT_QUESTION not in texts[-1]:
            texts.append(self.bot.get(timeout=60).get("text", ""))
        return texts

    def close(self) -> None:
        self.client.disconnect()


def socket_upstreams(log: Path) -> dict[str, set[str]]:
    """From nginx's access log: the replica(s) that served each route key on /socket.io/."""
    served: dict[str, set[str]] = {}
    for line in log.read_text().splitlines():
        found = re.search(r" /socket\.io/ .*upstream=(\S+) route=(\S+)", line)
        if found:
            served.setdefault(found.group(2), set()).add(found.group(1))
    return served


def test_socketio_through_nginx_is_sticky(prod: Profile) -> None:
    handshake = requests.get(
        f"{prod.config.public_url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": prod.config.web_url},
        timeout=30,
    )
    assert handshake.status_code == 200
    # Without a cookie the client address is the key, and the cookie keeps it.
    assert handshake.cookies.get(ROUTE_COOKIE) == "127.0.0.1"

    # Find route keys for both replicas, then talk a whole greeting on each.
    log = prod.logs / "nginx-access.log"
    keys: dict[str, str] = {}
    for n in range(64):
        route = f"probe{n}"
        requests.get(
            f"{prod.config.public_url}/socket.io/",
            params={"EIO": "4", "transport": "polling"},
            headers={"Cookie": f"{ROUTE_COOKIE}={route}", "Origin": prod.config.web_url},
            timeout=30,
        )
        upstream = next(iter(socket_upstreams(log)[route]))
        keys.setdefault(upstream, route)
        if len(keys) == len(prod.config.rasa_ports):
            break
    assert len(keys) == len(prod.config.rasa_ports), keys

    for route in keys.values():
        sock = Socket(prod, route)
        try:
            texts = sock.greeting()
        finally:
            sock.close()
        assert "computerprogramma" in "\n".join(texts)
        # The web app, behind nginx too, reads the history from any replica via nginx.
        history = requests.get(
            f"{prod.config.web_url}/chat/history",
            headers={"X-Chat-Session": sock.session_id},  # never in a URL (logs)
            timeout=60,
        )
        assert history.status_code == 200 and "computerprogramma" in history.text
    served = socket_upstreams(log)
    assert all(len(served[route]) == 1 for route in keys.values()), served
    assert {next(iter(served[route])) for route in keys.values()} == set(keys)


def test_socketio_websocket_upgrade_through_nginx(prod: Profile) -> None:
    """The websocket transport through nginx (Upgrade headers), in socket.io's own frames.

    python-socketio's websocket clients need packages Rasa's pins exclude, so this
    speaks engine.io 4 / socket.io 5 directly with ``websockets``: open, connect,
    session_request, user_uttered, and the bot's answers, answering pings.
    """
    url = f"ws://127.0.0.1:{prod.config.public_port}/socket.io/?EIO=4&transport=websocket"

    async def talk() -> list[str]:
        async with websockets.connect(
            url, extra_headers={"Origin": prod.config.web_url}, open_timeout=30
        ) as ws:

            async def event() -> list[Any]:
                while True:
                    frame = str(await asyncio.wait_for(ws.recv(), 60))
                    if frame == "2":  # engine.io ping
                        await ws.send("3")
                    elif frame.startswith("42"):
                        return list(json.loads(frame[2:]))

            assert str(await ws.recv()).startswith("0{")  # engine.io open
            await ws.send("40")
            assert str(await asyncio.wait_for(ws.recv(), 60)).startswith("40")
            await ws.send("42" + json.dumps(["session_request", {"session_id": None}]))
            name, session_id = await event()
            assert name == "session_confirm"
            message = {"message": "hoi", "session_id": session_id}
            await ws.send("42" + json.dumps(["user_uttered", message]))
            texts: list[str] = []
            while not texts or CONSENT_QUESTION not in texts[-1]:
                name, data = await event()
                if name == "bot_uttered":
                    texts.append(data.get("text", ""))
            return texts

    texts = asyncio.run(asyncio.wait_for(talk(), 180))
    assert "computerprogramma" in "\n".join(texts)
