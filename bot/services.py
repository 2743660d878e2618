"""Start and stop the processes that make up the system (used by the CLI and tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PRIVATE_DIR_MODE, PROJECT_ROOT, VAR_DIR, private_dir, private_file, settings

VENV_BIN = Path(sys.executable).parent
LOG_DIR = VAR_DIR / "logs"
# Rasa and the action server start through bot.launch: secrets stay off their
# command lines (ps), and they listen on BIND_HOST (loopback unless set).
LAUNCH = [sys.executable, "-m", "bot.launch"]


def __getattr__(name: str) -> Path:
    """``MODEL``: the trained model (WERKMAATJE_MODEL), read when asked for.

    Not a constant computed at import: a wrong setting elsewhere would then stop the
    import with a traceback before the CLI can say what is wrong.
    """
    if name == "MODEL":
        return settings().model
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Service:
    name: str
    command: list[str]
    health_url: str
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)
    # Settings of this process only (a replica's port), on top of the shared environment.
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.log_path = LOG_DIR / f"{self.name}.log"

    def start(self, env: dict[str, str]) -> None:
        """Start the process; its log is private (it may hold what users typed)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        with open(private_file(self.log_path), "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env={**env, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def local_address(host: str) -> str:
    """Where this machine reaches a server that listens on ``host``."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::", "localhost") else host


def action_server(port: int | None = None, name: str = "actions") -> Service:
    """The action server; ``port`` and ``name`` for one of several replicas."""
    config = settings()
    port = port or config.action_port
    return Service(
        name,
        [*LAUNCH, "actions", "--actions", "actions", "--port", str(port)],
        f"http://{local_address(config.bind_host)}:{port}/health",
    )


def rasa_server(
    model: Path | None = None,
    endpoints: Path = PROJECT_ROOT / "endpoints.yml",
    port: int | None = None,
    name: str = "rasa",
) -> Service:
    """The Rasa server; ``port`` and ``name`` for one of several replicas.

    The launcher adds the API token and the interface (not on the command line).
    """
    config = settings()
    model = model or config.model
    port = port or config.rasa_port
    return Service(
        name,
        [
            *LAUNCH,
            "rasa",
            "run",
            "--model",
            str(model),
            "--port",
            str(port),
            "--enable-api",
            "--credentials",
            "credentials.yml",
            "--endpoints",
            str(endpoints),
        ],
        f"http://{local_address(config.bind_host)}:{port}/",
    )


def web_server(port: int | None = None) -> Service:
    """The web app: the chat widget page, the coach dashboard; ``port`` overrides WEB_PORT."""
    env = {"WEB_PORT": str(port)} if port else {}
    port = port or settings().web_port
    return Service(
        "web", [sys.executable, "-m", "bot.web"], f"http://localhost:{port}/health", env=env
    )


def all_services() -> list[Service]:
    return [action_server(), rasa_server(), web_server()]


def service_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    # endpoints.yml reads the action server's port from here.
    env.setdefault("ACTION_PORT", str(settings().action_port))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


BIND_RETRIES = 3


def _lost_its_port(service: Service) -> bool:
    """Whether the service's last words were that its port is taken."""
    with service.log_path.open("rb") as log:
        log.seek(0, os.SEEK_END)
        log.seek(max(0, log.tell() - 2048))
        return b"address already in use" in log.read().lower()


@contextmanager
def running(services: list[Service], timeout: float = 240) -> Iterator[list[Service]]:
    """Start the services, wait until each answers its health check, stop them after."""
    env = service_env()
    private_dir(LOG_DIR)
    busy = [service.health_url for service in services if service.healthy()]
    if busy:
        raise RuntimeError(f"Something already answers on {busy}: stop it first.")
    try:
        for service in services:
            service.start(env)
        deadline = time.monotonic() + timeout
        for service in services:
            retries = BIND_RETRIES
            while not service.healthy():
                if not service.alive() and retries and _lost_its_port(service):
                    # Test ports lie in Linux's ephemeral range: an outgoing connection
                    # can hold one for a moment. Wait, then start the service again.
                    retries -= 1
                    time.sleep(2)
                    service.start(env)
                    continue
                if not service.alive():
                    raise RuntimeError(f"{service.name} stopped; see {service.log_path}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{service.name} not up after {timeout} s")
                time.sleep(0.5)
        yield services
    finally:
        for service in reversed(services):
            service.stop()
