"""A service whose port is held for a moment starts anyway (CI flake of 2026-11-24).

Test ports lie in Linux's ephemeral range, so an outgoing connection can hold one
for a moment; ``running`` then starts the service again instead of failing the tier.
"""

from __future__ import annotations

import socket
import sys
import threading
import urllib.request

from bot.services import Service, running


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_port_held_for_a_moment_is_waited_for() -> None:
    port = free_port()
    holder = socket.socket()
    holder.bind(("127.0.0.1", port))
    holder.listen()
    # Held past running()'s busy check (2 s) and the first start; free before the retry.
    threading.Timer(3.0, holder.close).start()
    service = Service(
        "port-taken",
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        f"http://127.0.0.1:{port}/",
    )
    with running([service], timeout=60), urllib.request.urlopen(service.health_url) as answer:
        assert answer.status == 200
    assert b"address already in use" in service.log_path.read_bytes().lower()
