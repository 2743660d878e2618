"""The whole production profile, started once through the code behind ``make prod``.

Own ports (the defaults stay free for a ``make prod`` on the same machine) and
an own folder for the PostgreSQL cluster, Redis, nginx and the logs (kept with
``PROD_TEST_KEEP=1``). Skipped only when a Debian binary (PostgreSQL,
redis-server, nginx) is missing.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import redis
import requests

from bot.config import settings
from bot.deploy.profile import ProdConfig, Profile, missing_binaries
from bot.services import MODEL

HTTP_TIMEOUT_S = 120  # a message may wait behind others of its conversation
TEST_CONFIG = {
    "public_port": 28100,
    "web_public_port": 28180,
    "api_port": 25100,
    "actions_port": 25150,
    "rasa_ports": (25105, 25106),
    "action_ports": (25155, 25156),
    "web_port": 25180,
    "pg_port": 25532,
    "redis_port": 25379,
    # The tier chats over REST through the public port, as an integrator who turned
    # it on (PROD_PUBLIC_REST=1); tests/security checks that it is off by default.
    "public_rest": True,
}


@pytest.fixture(scope="session")
def prod() -> Iterator[Profile]:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` first.")
    folder = Path(tempfile.mkdtemp(prefix="werkmaatje-prod-"))
    folder.chmod(0o755)  # the cluster's files belong to user postgres
    config = dataclasses.replace(ProdConfig.from_env(), dir=folder, **TEST_CONFIG)
    missing = missing_binaries(config)
    if missing:
        # `make test` installs them (tools/debian-packages.sh): missing is an error, never a skip
        pytest.fail(f"Debian packages missing: {', '.join(missing)} (run `make test`)")
    try:
        with Profile(config).up(timeout=420) as profile:
            yield profile
    finally:
        if os.environ.get("PROD_TEST_KEEP"):  # to read the logs afterwards
            print(f"\nproduction profile files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


# ---- talking to it ----


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid4().hex[:12]}"


def post(base: str, sender: str, text: str) -> requests.Response:
    return requests.post(
        f"{base}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=HTTP_TIMEOUT_S,
    )


def say(base: str, sender: str, text: str) -> list[dict[str, Any]]:
    response = post(base, sender, text)
    assert response.status_code == 200, response.text
    return response.json()


def tracker_events(profile: Profile, sender: str) -> list[dict[str, Any]]:
    response = requests.get(
        f"{profile.config.api_url}/conversations/{sender}/tracker",
        params={"token": settings().rasa_api_token},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()["events"]


def turns(events: list[dict[str, Any]]) -> list[str]:
    """The user messages, checking that each one's turn ended before the next began.

    A turn is a ``user`` event, then at least one action other than
    ``action_listen``, then ``action_listen``. Two messages processed at the
    same time break this: a second ``user`` event inside a turn, a turn without
    actions, or (Rasa saves only the events it does not have yet) a lost message.
    """
    messages: list[str] = []
    in_turn = False
    actions = 0
    for event in events:
        if event["event"] == "user":
            assert not in_turn, f"{event['text']!r} came in before {messages[-1]!r} was answered"
            messages.append(event["text"])
            in_turn, actions = True, 0
        elif event["event"] == "action" and in_turn:
            if event["name"] == "action_listen":
                assert actions > 0, f"no action answered {messages[-1]!r}"
                in_turn = False
            else:
                actions += 1
    assert not in_turn, f"the turn of {messages[-1]!r} never ended"
    return messages


class LockWatch:
    """Reads the conversation's ticket queue in Redis (Rasa's lock store)."""

    def __init__(self, profile: Profile) -> None:
        self.red = redis.Redis(
            host="127.0.0.1", port=profile.config.redis_port, db=1, socket_timeout=5
        )

    def queued(self, sender: str) -> int:
        raw = self.red.get(f"lock:{sender}")
        return len(json.loads(raw)["tickets"]) if raw else 0

    def wait_until_queued(self, sender: str, sent: list[Future[Any]], timeout: float = 60) -> None:
        """Until every message sent and not yet answered holds a ticket.

        Then the next message is surely behind the last one: its arrival order
        is defined without guessing at timings.
        """
        deadline = time.monotonic() + timeout
        while True:
            pending = sum(not future.done() for future in sent)
            if pending == 0 or self.queued(sender) >= pending:
                return
            assert time.monotonic() < deadline, f"message for {sender} never queued"
            time.sleep(0.005)


def send_alternating(profile: Profile, sender: str, texts: list[str]) -> list[requests.Response]:
    """Send one conversation's messages to the Rasa replicas in turn, without waiting
    for replies: each next message goes out once the previous ones are queued."""
    watch = LockWatch(profile)
    ports = profile.config.rasa_ports
    with ThreadPoolExecutor(len(texts)) as pool:
        sent: list[Future[requests.Response]] = []
        for i, text in enumerate(texts):
            base = f"http://127.0.0.1:{ports[i % len(ports)]}"
            sent.append(pool.submit(post, base, sender, text))
            watch.wait_until_queued(sender, sent)
        return [future.result(timeout=HTTP_TIMEOUT_S) for future in sent]
