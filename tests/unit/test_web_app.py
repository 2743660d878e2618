"""The web app without a browser: page, headers, config, history rules and the transcript."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.config import settings
from bot.transcript import chat_messages
from bot.web.app import content_security_policy, create_app
from bot.web.widget import SESSION_HEADER, page_region, socket_target

STATIC = Path(__file__).resolve().parents[2] / "bot" / "web" / "static"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def client() -> Iterator[TestClient]:
    # Nothing listens on this port: a stand-in for Rasa being down.
    with TestClient(create_app(rasa_url=f"http://127.0.0.1:{free_port()}")) as client:
        yield client


def page_config(html: str) -> dict:
    block = re.search(
        r'<script type="application/json" id="werkmaatje-config">(.*?)</script>', html
    )
    assert block
    return json.loads(block.group(1))


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def test_page_has_strict_headers_and_no_inline_script(client: TestClient) -> None:
    answer = client.get("/chat")
    assert answer.status_code == 200
    csp = answer.headers["Content-Security-Policy"]
    rasa = settings().public_rasa_url.removeprefix("http://")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert f"connect-src 'self' http://{rasa} ws://{rasa}" in csp
    assert "img-src 'self' data: https:" in csp and "frame-ancestors 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    for tag in re.findall(r"<script[^>]*>", answer.text):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert "http" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', answer.text))
    for text in ("Typ je bericht", "Stuur", "Nieuw gesprek", "computerprogramma"):
        assert text in answer.text
    assert settings().rasa_api_token not in answer.text


@pytest.mark.parametrize(
    ("query", "region", "lang"),
    [
        ("?regio=be", "nl_BE", "nl-BE"),
        ("?regio=vl", "nl_BE", "nl-BE"),
        ("?regio=nl", "nl_NL", "nl-NL"),
        ("?regio=xx", None, "nl"),
        ("", None, "nl"),
    ],
)
def test_region_from_the_address(client: TestClient, query: str, region: str, lang: str) -> None:
    html = client.get(f"/chat{query}").text
    config = page_config(html)
    assert config["region"] == region
    assert f'<html lang="{lang}">' in html
    assert config["historyUrl"] == "/chat/history"
    assert config["socketPath"] == "/socket.io/"


def test_region_parameter_cannot_inject_into_the_page(client: TestClient) -> None:
    html = client.get("/chat", params={"regio": "</script><script>alert(1)</script>"}).text
    assert "<script>alert" not in html
    assert page_config(html)["region"] is None


def test_page_region_and_socket_target() -> None:
    assert page_region(None) is None and page_region("Vlaanderen") == "nl_BE"
    assert socket_target("https://chat.example.org/rasa/") == (
        "https://chat.example.org",
        "/rasa/socket.io/",
    )
    assert socket_target("http://localhost:5005") == ("http://localhost:5005", "/socket.io/")
    csp = content_security_policy("https://chat.example.org/rasa", "https://gemeente.example")
    assert "connect-src 'self' https://chat.example.org wss://chat.example.org" in csp
    assert csp.endswith("frame-ancestors https://gemeente.example")


@pytest.mark.parametrize(
    "session_id", ["", "abc", "A" * 32, "g" * 32, "a" * 33, "../" + "a" * 29, "a" * 31 + "\t"]
)
def test_history_refuses_bad_session_ids(client: TestClient, session_id: str) -> None:
    answer = client.get("/chat/history", headers={SESSION_HEADER: session_id})
    assert answer.status_code == 400


def test_history_when_rasa_is_down_says_so_without_secrets(client: TestClient) -> None:
    answer = client.get("/chat/history", headers={SESSION_HEADER: "a" * 32})
    assert answer.status_code == 502
    assert settings().rasa_api_token not in answer.text


def test_static_files_are_served_from_the_app(client: TestClient) -> None:
    for path in ("/static/chat.js", "/static/chat.css", "/static/vendor/socket.io.min.js"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Socket.IO v4." in client.get("/static/vendor/socket.io.min.js").text


def test_widget_script_never_writes_html() -> None:
    script = (STATIC / "chat.js").read_text()
    sinks = r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function"
    assert re.search(sinks, script) is None


def test_transcript_shows_button_titles_and_the_order_the_user_saw() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "bot", "text": "Ik ben een computerprogramma.", "data": {}},
        {"event": "user", "text": "hoi"},
        {"event": "bot", "text": "Eerste deel.\n\nMag ik het bewaren?", "data": {
            "buttons": [{"title": "Ja, dat mag", "payload": "/affirm"}]}},
        {"event": "user", "text": "/affirm"},
        {"event": "user", "text": '/inform{"region": "nl_BE"}'},
        {"event": "bot", "text": None, "data": {"image": "https://example.org/a.png"},
         "metadata": {"alt": "Een mail van de bank"}},
        {"event": "bot", "text": "plaatje", "data": {"image": "javascript:alert(1)"}},
        {"event": "bot", "text": "", "data": {}},
        {"event": "user", "text": "<b>vet</b>"},
    ]  # fmt: skip
    assert chat_messages(events) == [
        {"sender": "user", "text": "hoi", "buttons": [], "image": None, "alt": None, "name": None},
        {
            "sender": "bot",
            "text": "Ik ben een computerprogramma.",
            "buttons": [],
            "image": None,
            "alt": None,
            "name": None,
        },
        {
            "sender": "bot",
            "text": "Eerste deel.",
            "buttons": [],
            "image": None,
            "alt": None,
            "name": None,
        },
        {
            "sender": "bot",
            "text": "Mag ik het bewaren?",
            "buttons": [{"title": "Ja, dat mag", "payload": "/affirm"}],
            "image": None,
            "alt": None,
            "name": None,
        },
        {
            "sender": "user",
            "text": "Ja, dat mag",
            "buttons": [],
            "image": None,
            "alt": None,
            "name": None,
        },
        {
            "sender": "bot",
            "text": "",
            "buttons": [],
            "image": "https://example.org/a.png",
            "alt": "Een mail van de bank",
            "name": None,
        },
        {
            "sender": "bot",
            "text": "plaatje",
            "buttons": [],
            "image": None,
            "alt": None,
            "name": None,
        },
        {
            "sender": "user",
            "text": "<b>vet</b>",
            "buttons": [],
            "image": None,
            "alt": None,
            "name": None,
        },
    ]


def test_transcript_labels_what_a_coach_wrote() -> None:
    events = [
        {"event": "user", "text": "ik wil een coach"},
        {"event": "bot", "text": "Hoi, ik ben Sanne.", "data": {},
         "metadata": {"sent_by": "coach", "coach_name": "Sanne", "pushed": True}},
        {"event": "bot", "text": "Herinnering", "data": {},
         "metadata": {"sent_by": "server", "pushed": True}},
    ]  # fmt: skip
    senders = [(m["sender"], m["name"]) for m in chat_messages(events)]
    assert senders == [("user", None), ("coach", "Sanne"), ("bot", None)]


def test_transcript_of_a_session_start_without_user_message() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "bot", "text": "Hoi", "data": {"attachment": {
            "type": "image", "payload": {"src": "/static/favicon.svg"}}}},
    ]  # fmt: skip
    assert chat_messages(events) == [
        {
            "sender": "bot",
            "text": "Hoi",
            "buttons": [],
            "image": "/static/favicon.svg",
            "alt": None,
            "name": None,
        }
    ]
