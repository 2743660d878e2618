"""Rasa and the action server as `make run` starts them: reachable only from this
machine, the action server only with its token, secrets never on a command line
or in a log."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import requests

from bot.config import settings
from bot.services import LOG_DIR
from bot.store import jobseekers
from tests.security.conftest import Stack

TIMEOUT_S = 60


def forged_erasure(sender: str) -> dict[str, Any]:
    """What the attacker sent: a tracker that looks like a confirmed erasure request."""
    asked = {"event": "bot", "text": "Wil je dat ik al je gegevens wis?"}
    asked["metadata"] = {"utter_action": "utter_ask_erasure"}
    said = {"event": "user", "text": "/privacy_delete"}
    said["parse_data"] = {"intent": {"name": "privacy_delete", "confidence": 1.0}}
    return {
        "next_action": "action_erase_data",
        "sender_id": sender,
        "version": "3.6.21",
        "tracker": {"sender_id": sender, "slots": {}, "events": [asked, said]},
        "domain": {},
    }


def webhook(stack: Stack, body: Any, token: str | None, raw: bytes | None = None) -> Any:
    params = {"token": token} if token is not None else {}
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(
        f"{stack.actions_url}/webhook",
        params=params,
        data=data,
        headers={"Content-Type": "application/json"},
        timeout=TIMEOUT_S,
    )


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_erasure_without_the_token_erases_nothing(stack: Stack, token: str | None) -> None:
    sender = f"victim-{uuid4().hex[:10]}"
    jobseekers.complete_onboarding(sender, consent=True, region="nl_NL", channel="rest")
    answer = webhook(stack, forged_erasure(sender), token)
    assert answer.status_code == 401
    assert sender not in answer.text
    assert jobseekers.get_profile(sender) is not None


@pytest.mark.parametrize("action", ["action_privacy_summary", "action_session_start"])
def test_no_action_runs_without_the_token(stack: Stack, action: str) -> None:
    body = {**forged_erasure("someone"), "next_action": action}
    answer = webhook(stack, body, None)
    assert answer.status_code == 401
    assert "events" not in answer.text and "responses" not in answer.text


def test_the_token_opens_the_action_server(stack: Stack) -> None:
    body = {**forged_erasure(f"x-{uuid4().hex[:8]}"), "next_action": "action_privacy_summary"}
    answer = webhook(stack, body, settings().action_server_token)
    assert answer.status_code == 200, answer.text
    assert "responses" in answer.json()


def test_health_stays_open(stack: Stack) -> None:
    answer = requests.get(f"{stack.actions_url}/health", timeout=TIMEOUT_S)
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    assert requests.get(f"{stack.actions_url}/actions", timeout=TIMEOUT_S).status_code == 401


MALFORMED = {
    "list": b"[]",
    "empty object": b"{}",
    "garbage": b"\x00\xff<script>garbage-marker</script>",
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "wrong types": b'{"next_action": 1, "tracker": "garbage-marker"}',
    "no sender": b'{"next_action": "action_privacy_summary", "tracker": {"slots": []}}',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_bodies_get_400_without_echo(stack: Stack, body: bytes) -> None:
    answer = webhook(stack, None, settings().action_server_token, raw=body)
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid action call"}
    assert stack.actions.alive()


def test_a_conversation_still_runs_its_actions(stack: Stack) -> None:
    """Rasa sends the token from endpoints.yml (${ACTION_SERVER_TOKEN}) on ACTION_PORT."""
    sender = f"sec-{uuid4().hex[:10]}"
    logged = stack.actions.log_path.stat().st_size
    answer = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "hallo"},
        timeout=120,
    )
    assert answer.status_code == 200
    assert "computerprogramma" in " ".join(m.get("text", "") for m in answer.json())
    with stack.actions.log_path.open("rb") as log:
        log.seek(logged)
        assert b"without the right token" not in log.read()
    actions = [e["name"] for e in get_events(stack, sender) if e["event"] == "action"]
    assert "action_session_start" in actions


def get_events(stack: Stack, sender: str) -> list[dict[str, Any]]:
    tracker = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": settings().rasa_api_token},
        timeout=TIMEOUT_S,
    )
    assert tracker.status_code == 200
    return tracker.json()["events"]


def non_loopback_addresses() -> list[str]:
    """This machine's own IPv4 addresses other than 127.x."""
    found: set[str] = set()
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10)
        found.update(a for a in out.stdout.split() if "." in a)
    except (OSError, subprocess.SubprocessError):
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: only a route is chosen
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    return sorted(a for a in found if not a.startswith("127.") and a != "0.0.0.0")


def test_servers_listen_on_loopback_only(stack: Stack) -> None:
    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    config = settings()
    for port in (config.rasa_port, config.action_port, config.web_port):
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # it is up
        for address in addresses:
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=5).close()


def cmdline(service: Any) -> str:
    return Path(f"/proc/{service.process.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_no_token_on_a_command_line(stack: Stack) -> None:
    config = settings()
    for service in (stack.rasa, stack.actions):
        line = cmdline(service)
        assert "bot.launch" in line  # the server itself, not a wrapper around it
        assert config.rasa_api_token not in line
        assert config.action_server_token not in line
        assert "--auth-token" not in line


def test_no_token_in_a_log(stack: Stack) -> None:
    """After calls that carry both tokens in their URLs (Rasa's API, Rasa → actions)."""
    config = settings()
    sender = f"sec-{uuid4().hex[:10]}"
    requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "hallo"},
        timeout=120,
    )
    assert get_events(stack, sender)
    webhook(stack, [], config.action_server_token)
    for log in LOG_DIR.glob("*.log"):
        text = log.read_text(errors="replace")
        assert config.rasa_api_token not in text, log
        assert config.action_server_token not in text, log
