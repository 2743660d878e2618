"""Start the real action server and Rasa server once for all end-to-end tests.

They run on their own ports and their own SQLite file (see tests/conftest.py), so a
`make run` on the same machine does not get in the way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import requests
import yaml

from bot.config import VAR_DIR, settings
from bot.services import MODEL, action_server, rasa_server, running, web_server

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = float(os.environ.get("SERVER_START_TIMEOUT_S", "900"))


def _endpoints() -> Path:
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    config["action_endpoint"]["url"] = f"http://127.0.0.1:{settings().action_port}/webhook"
    path = VAR_DIR / "endpoints.test.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``long`` first: with two workers (``--dist loadgroup``: one test at a
    time to whichever worker is free) each starts with one of them, and the last minutes
    are not one long test running alone while the other worker idles."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def servers() -> Iterator[str]:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` first (make e2e does).")
    # Rasa loads the model and the language detector: minutes on a busy 2-core machine.
    services = [action_server(), rasa_server(endpoints=_endpoints()), web_server()]
    with running(services, timeout=START_TIMEOUT_S):
        yield f"http://localhost:{settings().rasa_port}"


@pytest.fixture(scope="session")
def web(servers: str) -> str:
    """Base URL of the web app (widget page, later the coach dashboard)."""
    return f"http://localhost:{settings().web_port}"


class Chat:
    """One user talking to the bot over the REST channel."""

    def __init__(self, base: str, sender: str | None = None) -> None:
        self.base = base
        self.sender = sender or f"e2e-{uuid4().hex[:12]}"

    def say(self, message: Any, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": self.sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        response = requests.post(f"{self.base}/webhooks/rest/webhook", json=body, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def texts(self, message: Any, **kwargs: Any) -> str:
        return "\n".join(m.get("text", "") for m in self.say(message, **kwargs))

    def tracker(self) -> dict[str, Any]:
        return get_tracker(self.sender).json()


def get_tracker(conversation_id: str) -> requests.Response:
    """A conversation's tracker from Rasa's HTTP API (with the API token)."""
    response = requests.get(
        f"http://localhost:{settings().rasa_port}/conversations/{conversation_id}/tracker",
        params={"token": settings().rasa_api_token},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response


@pytest.fixture
def chat(servers: str) -> Chat:
    return Chat(servers)
