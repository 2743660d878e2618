"""Bearer secrets stay out of the web log, and the widget sends its session id in a header.

One test starts ``python -m bot.web`` as ``make run`` does (its own free port, the
run's database) and reads what it writes: uvicorn's access log is the file
``var/logs/web.log``.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
import requests

from bot.config import PROJECT_ROOT
from bot.services import service_env
from bot.web.logs import RedactSecrets, redact
from bot.web.widget import SESSION_HEADER
from tests.unit.coach_helpers import app_client

SESSION = uuid4().hex
TOKEN = "Z" * 20 + uuid4().hex


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def web_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The web app as a process of its own; its URL and the file its output goes to."""
    port = free_port()
    log = tmp_path_factory.mktemp("web") / "web.log"
    env = {**service_env(), "WEB_PORT": str(port)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.web"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_access_log_holds_no_session_id_or_token(web_log: tuple[str, Path]) -> None:
    url, log = web_log
    requests.get(f"{url}/chat/history", params={"session_id": SESSION}, timeout=10)
    requests.get(f"{url}/chat/history", headers={SESSION_HEADER: SESSION}, timeout=10)
    for path in (f"/privacy/{TOKEN}", f"/privacy/{TOKEN}.json", f"/media/progress/{TOKEN}.png"):
        requests.get(f"{url}{path}", timeout=10)
    requests.get(f"{url}/chat", params={"regio": "be"}, timeout=10)
    time.sleep(0.5)  # the last lines reach the file
    text = log.read_text()
    assert "GET /privacy/[redacted]" in text and "/chat/history?session_id=[redacted]" in text
    assert "/chat?regio=[redacted]" in text
    assert SESSION not in text and TOKEN not in text


def test_redaction_keeps_the_route_and_drops_secrets() -> None:
    assert redact("/privacy/abc.txt") == "/privacy/[redacted]"
    assert redact("/media/progress/abc.png?x=1") == "/media/progress/[redacted]?x=[redacted]"
    assert redact("/coach/escalations/12") == "/coach/escalations/12"
    assert redact("/chat/history?session_id=a&%3Cb%3E=c") == (
        "/chat/history?session_id=[redacted]&[redacted]"
    )
    record = logging.LogRecord(
        "uvicorn.access", 20, "", 0, '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4:5", "GET", f"/privacy/{TOKEN}", "1.1", 200), None,
    )  # fmt: skip
    RedactSecrets().filter(record)
    assert TOKEN not in record.getMessage()


def test_history_takes_the_session_id_from_a_header_only() -> None:
    with app_client() as client:
        refused = client.get("/chat/history", params={"session_id": SESSION})
        assert refused.status_code == 400 and SESSION_HEADER in refused.json()["error"]
        both = client.get(
            "/chat/history", params={"session_id": SESSION}, headers={SESSION_HEADER: SESSION}
        )
        assert both.status_code == 400
        # Rasa is not reachable in this test: a valid header gets as far as asking it.
        assert client.get("/chat/history", headers={SESSION_HEADER: SESSION}).status_code == 502


def test_the_widget_sends_its_session_id_in_the_header() -> None:
    script = (PROJECT_ROOT / "bot" / "web" / "static" / "chat.js").read_text()
    assert "?session_id=" not in script
    assert "config.sessionHeader" in script
    with app_client() as client:
        assert f'"sessionHeader": "{SESSION_HEADER}"' in client.get("/chat").text
