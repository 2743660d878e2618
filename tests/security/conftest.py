"""The servers as `make run` starts them (bot.services.all_services), on this tier's ports.

Rasa on 24005, the action server on 24055, the web app on 24080 (overridable with
SECURITY_RASA_PORT and so on), on the run's own SQLite file and secrets
(tests/conftest.py). Sanic's libraries log at INFO here, so an access log that
wrote a token would show in the logs the tests read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.config import settings

_PORTS = {"RASA_PORT": 24005, "ACTION_PORT": 24055, "WEB_PORT": 24080}
for _name, _default in _PORTS.items():
    os.environ[_name] = os.environ.get(f"SECURITY_{_name}", str(_default))
os.environ["LOG_LEVEL_LIBRARIES"] = "INFO"
settings.cache_clear()  # tests/conftest.py read the default test ports already

# Imported after the ports are set: these read settings() when called.
from bot.services import MODEL, Service, all_services, running  # noqa: E402

START_TIMEOUT_S = 300  # three servers on a loaded 2-core machine


@dataclass
class Stack:
    rasa: Service
    actions: Service
    web: Service

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{settings().rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{settings().action_port}"


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` first.")
    services = all_services()
    by_name = {service.name: service for service in services}
    with running(services, timeout=START_TIMEOUT_S):
        yield Stack(by_name["rasa"], by_name["actions"], by_name["web"])
