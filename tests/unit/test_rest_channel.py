"""The REST channel knows the chat commands of the other channels."""

from types import SimpleNamespace
from typing import Any

import pytest

from bot.channels.rest import RestInput
from bot.channels.telegram_render import command_payload


def extracted(message: Any) -> Any:
    request = SimpleNamespace(json={"sender": "x", "message": message})
    return RestInput()._extract_message(request)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("/start", "/greet"),
        ("/START", "/greet"),
        ("/help", "/ask_capabilities"),
        ("/stop", "/pause"),
    ],
)
def test_a_chat_command_is_the_same_intent_as_on_telegram(typed: str, sent: str) -> None:
    assert command_payload(typed) == sent
    assert extracted(typed) == sent


@pytest.mark.parametrize(
    "text", ['/inform{"answer":"a"}', "/greet", "hallo", "stop", "/onbekend", ""]
)
def test_other_text_and_payloads_pass_as_they_are(text: str) -> None:
    assert extracted(text) == text


def test_no_message_stays_none() -> None:
    assert extracted(None) is None


def test_it_keeps_rasas_name_and_url() -> None:
    assert RestInput.name() == "rest"
