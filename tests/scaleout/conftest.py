"""Two Rasa replicas behind no balancer, one action server, Redis as the lock store.

Everything runs on loopback on this tier's own ports (45000-45999, 46379,
48000-48999), so it can run beside ``make e2e`` and ``make run``. The replicas
share the run's SQLite file (tests/conftest.py; WAL and a busy timeout let several
processes write) and a Redis started here as a child process. Telegram is the
fake Bot API server of tests/integration/fake_telegram.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import redis
import yaml

from bot.config import VAR_DIR
from bot.services import MODEL, Service, action_server, rasa_server, running
from tests.integration.fake_telegram import FakeTelegram, serving

ROOT = Path(__file__).resolve().parents[2]
REPLICA_PORTS = (45005, 45006)
ACTION_PORT = 45055
REDIS_PORT = 46379
FAKE_TELEGRAM_PORT = 48081
START_TIMEOUT_S = 480  # two Rasa servers loading one model at once on two cores


@dataclass(frozen=True)
class Cluster:
    replicas: tuple[str, ...]  # base URLs of the Rasa replicas
    redis_log: Path  # every Redis command of the run (redis-cli monitor)


def on_port(service: Service, name: str, port: int, health_path: str) -> Service:
    """The same server as one more replica: its own name (log file) and port."""
    command = list(service.command)
    command[command.index("--port") + 1] = str(port)
    return replace(
        service, name=name, command=command, health_url=f"http://localhost:{port}{health_path}"
    )


def endpoints_file() -> Path:
    """The project's endpoints with our action server and Redis as Rasa's lock store."""
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    config["action_endpoint"]["url"] = f"http://127.0.0.1:{ACTION_PORT}/webhook"
    config["lock_store"] = {"type": "redis", "url": "127.0.0.1", "port": REDIS_PORT, "db": 0}
    path = VAR_DIR / "endpoints.scaleout.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def wait_for_redis(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    client = redis.Redis(host="127.0.0.1", port=REDIS_PORT, socket_timeout=1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server stopped (exit {process.returncode})")
        try:
            if client.ping():
                return
        except redis.exceptions.ConnectionError:
            time.sleep(0.2)
    raise TimeoutError("redis-server did not answer")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[int]:
    """A throw-away Redis on loopback: no persistence, gone after the run."""
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        pytest.fail("redis-server is needed: apt-get install redis-server")
    workdir = tempfile.mkdtemp(prefix="werkmaatje-redis-")
    process = subprocess.Popen(
        [
            *("redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_redis(process)
        yield REDIS_PORT
    finally:
        stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegram]:
    with serving(FAKE_TELEGRAM_PORT) as fake:
        yield fake


@pytest.fixture(scope="session")
def cluster(redis_server: int, fake_telegram: FakeTelegram) -> Iterator[Cluster]:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` first.")
    # The children read these; this process's settings() keep their values.
    os.environ["TELEGRAM_API_BASE"] = fake_telegram.base
    os.environ["ACTION_PORT"] = str(ACTION_PORT)
    endpoints = endpoints_file()
    services = [on_port(action_server(), "scaleout-actions", ACTION_PORT, "/health")]
    services += [
        on_port(rasa_server(endpoints=endpoints), f"scaleout-rasa-{n}", port, "/")
        for n, port in enumerate(REPLICA_PORTS)
    ]
    redis_log = VAR_DIR / "logs" / "scaleout-redis-monitor.log"
    redis_log.parent.mkdir(parents=True, exist_ok=True)
    with redis_log.open("wb") as log:
        monitor = subprocess.Popen(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(REDIS_PORT), "monitor"], stdout=log
        )
        try:
            with running(services, timeout=START_TIMEOUT_S):
                yield Cluster(
                    replicas=tuple(f"http://localhost:{port}" for port in REPLICA_PORTS),
                    redis_log=redis_log,
                )
        finally:
            stop(monitor)
