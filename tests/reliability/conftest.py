"""The real stack for the reliability tests: action server, Rasa server and web app.

They run on this tier's own ports (35005, 35055, 38080; the fake Telegram Bot API on
38081; overridable with RELIABILITY_RASA_PORT and so on) and on the run's own SQLite
file (tests/conftest.py), so they never meet `make run` or `make e2e` on the same
machine. SHORT mode by default (CI, a few minutes in all); RELIABILITY_FULL=1 for
minutes of load and 10,000 fuzz inputs (`make reliability`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.config import settings

FULL = os.environ.get("RELIABILITY_FULL") == "1"
_PORTS = {"RASA_PORT": 35005, "ACTION_PORT": 35055, "WEB_PORT": 38080}
for _name, _default in _PORTS.items():
    os.environ[_name] = os.environ.get(f"RELIABILITY_{_name}", str(_default))
TELEGRAM_PORT = int(os.environ.get("RELIABILITY_TELEGRAM_PORT", "38081"))
os.environ["TELEGRAM_API_BASE"] = f"http://127.0.0.1:{TELEGRAM_PORT}"
settings.cache_clear()  # tests/conftest.py read the default test ports already

# Imported after the ports are set: these read settings() when called.
from bot.services import MODEL, Service, action_server, rasa_server, running, web_server  # noqa: E402
from tests.integration.conftest import _endpoints  # noqa: E402
from tests.integration.fake_telegram import FakeTelegram, serving  # noqa: E402

START_TIMEOUT_S = 300  # three servers on a loaded 2-core machine


@dataclass
class Stack:
    rasa: str  # base URL of the Rasa server
    actions: Service
    rasa_service: Service
    web: Service
    telegram: FakeTelegram

    def restart_actions(self, timeout: float = 180) -> None:
        """Start the action server again after a kill; wait until it answers."""
        from bot.services import service_env

        self.actions.start(service_env())
        deadline = time.monotonic() + timeout
        while not self.actions.healthy():
            if not self.actions.alive():
                raise RuntimeError(f"action server stopped; see {self.actions.log_path}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"action server not up after {timeout} s")
            time.sleep(0.5)

    def all_healthy(self) -> bool:
        services = (self.actions, self.rasa_service, self.web)
        return all(s.alive() and s.healthy() for s in services)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` first.")
    services = [action_server(), rasa_server(endpoints=_endpoints()), web_server()]
    with serving(TELEGRAM_PORT) as telegram, running(services, timeout=START_TIMEOUT_S):
        base = f"http://localhost:{settings().rasa_port}"
        yield Stack(base, services[0], services[1], services[2], telegram)
