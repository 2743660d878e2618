"""PostgreSQL and Redis restart while conversations talk through nginx.

What is acceptable: nothing fails. A message that needs the database or Redis
while it is down waits (the tracker store and the lock store retry for about
10-15 s with backoff), so every message sent gets its reply and is in the
tracker in order, during and after the restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import requests

from bot.deploy.profile import Profile
from tests.production.conftest import new_sender, post, tracker_events, turns

TEXTS = ["hoi", "ja graag", "ik woon in Nederland", "wat kan je allemaal", "ik snap het niet"]
TALKERS = 4
PAUSE_S = 0.3


def talk_through(profile: Profile, restart: Callable[[], None]) -> None:
    """Several conversations message by message; ``restart`` runs while they talk."""
    started = threading.Event()

    def converse(index: int) -> tuple[str, list[tuple[float, float, int, bool]]]:
        sender = new_sender(f"prod-restart{index}")
        results = []
        for n, text in enumerate(TEXTS):
            if n == 1:
                started.set()
            sent = time.monotonic()
            response: requests.Response = post(profile.config.public_url, sender, text)
            ok = response.status_code == 200
            replied = ok and bool(response.json())
            results.append((sent, time.monotonic(), response.status_code, replied))
            time.sleep(PAUSE_S)
        return sender, results

    with ThreadPoolExecutor(TALKERS) as pool:
        futures = [pool.submit(converse, i) for i in range(TALKERS)]
        assert started.wait(timeout=180)
        down = time.monotonic()
        restart()
        up = time.monotonic()
        conversations = [future.result(timeout=600) for future in futures]

    during = after = 0
    for sender, results in conversations:
        assert [status for _, _, status, _ in results] == [200] * len(TEXTS), sender
        assert all(replied for *_, replied in results), f"a message of {sender} got no reply"
        during += sum(sent < up and answered > down for sent, answered, _, _ in results)
        after += sum(sent > up for sent, *_ in results)
        assert turns(tracker_events(profile, sender)) == TEXTS, sender
    # Otherwise nothing was tested: messages were on their way during the restart.
    assert during > 0 and after > 0, (during, after)


def test_postgres_restart_during_traffic(prod: Profile) -> None:
    talk_through(prod, lambda: prod.pg_ctl("restart", "-m", "fast"))


def test_redis_restart_during_traffic(prod: Profile) -> None:
    # Down for 2 s, so lock calls surely meet the outage (a bare restart takes ~0.1 s).
    talk_through(prod, lambda: prod.restart(prod.redis, down_s=2.0))
