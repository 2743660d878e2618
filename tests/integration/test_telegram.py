"""The Telegram channel end to end: real Telegram updates into the real Rasa server,
replies out to a fake Bot API server (tests/integration/fake_telegram.py).

Rasa handles an update in the background after answering 200, so the tests wait
until the inbox row is marked handled (then every reply has been sent) instead
of sleeping.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest
import requests

from actions.forms import payload
from bot.config import PROJECT_ROOT, settings
from bot.exercises.catalogue import catalogue
from bot.store.db import session_scope
from bot.store.models import TelegramChat, TelegramUpdate, utcnow
from bot.store.pseudonym import pseudonym
from tests.exercise_script import right_code, wrong_code
from tests.integration.conftest import get_tracker

if TYPE_CHECKING:
    from tests.integration.fake_telegram import Call, FakeTelegram

# The fake Bot API server and its fixtures (fake_telegram, telegram).
pytest_plugins = ["tests.integration.fake_telegram"]

# Rasa adds these to every user message's metadata.
RASA_METADATA = {"assistant_id", "model_id"}
_update_ids = itertools.count(random.randrange(10**8, 10**9, 10**6))


def webhook_url() -> str:
    return f"http://localhost:{settings().rasa_port}/webhooks/telegram/webhook"


def handled(update_id: int) -> TelegramUpdate | None:
    with session_scope() as session:
        row = session.get(TelegramUpdate, update_id)
        return row if row is not None and row.handled_at is not None else None


def wait_handled(update_id: int, timeout: float = 90.0) -> TelegramUpdate:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = handled(update_id)
        if row is not None:
            return row
        time.sleep(0.1)
    raise AssertionError(f"update {update_id} not handled after {timeout} s")


class TgUser:
    """One person in a private chat with the bot, talking through the webhook."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        # Ten digits, like a real user id, unlikely to appear by chance in a tracker.
        self.chat_id = random.randrange(7_000_000_000, 8_000_000_000)
        self.conversation_id = "tg-" + pseudonym(str(self.chat_id))[:24]
        self._message_ids = itertools.count(1)

    def user(self) -> dict[str, Any]:
        return {"id": self.chat_id, "is_bot": False, "first_name": "Sam", "language_code": "nl"}

    def chat(self) -> dict[str, Any]:
        return {"id": self.chat_id, "type": "private", "first_name": "Sam"}

    def message(self, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(),
            "from": self.user(),
            **fields,
        }

    def text_update(self, text: str) -> dict[str, Any]:
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": next(_update_ids), "message": self.message(**fields)}

    def post(
        self, update: dict[str, Any] | bytes, secret: str | None = "default"
    ) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if secret == "default":
            secret = settings().telegram_secret
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        if isinstance(update, bytes):
            return requests.post(webhook_url(), data=update, headers=headers, timeout=30)
        return requests.post(webhook_url(), json=update, headers=headers, timeout=30)

    def deliver(self, update: dict[str, Any]) -> TelegramUpdate:
        """Post an update as Telegram would and wait until it is handled."""
        answer = self.post(update)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"status": "accepted"}
        return wait_handled(update["update_id"])

    def say(self, text: str) -> list[dict[str, Any]]:
        """Send a text; return the bot's messages in answer to it."""
        before = len(self.sent())
        self.deliver(self.text_update(text))
        return self.sent()[before:]

    def tap(
        self, bot_message: dict[str, Any], data: str, query_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Tap an inline button on a message the bot sent (as returned by the fake)."""
        before = len(self.sent())
        query = {
            "id": query_id or str(random.randrange(10**15)),
            "from": self.user(),
            "chat_instance": "-1234567890",
            "message": bot_message,
            "data": data,
        }
        self.deliver({"update_id": next(_update_ids), "callback_query": query})
        return self.sent()[before:]

    def sent(self) -> list[dict[str, Any]]:
        return [c.params for c in self.fake.calls_of("sendMessage", self.chat_id)]

    def tracker(self) -> dict[str, Any]:
        answer = get_tracker(self.conversation_id)
        # Privacy: Rasa never sees the chat id, in any field.
        assert str(self.chat_id) not in answer.text
        return answer.json()

    def user_events(self) -> list[dict[str, Any]]:
        return [e for e in self.tracker()["events"] if e["event"] == "user"]

    def intents(self) -> list[str]:
        return [e["parse_data"]["intent"]["name"] for e in self.user_events()]


def run_async(coroutine: Any) -> Any:
    """Run a coroutine from a test, also while Playwright's sync API holds this thread's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def keyboard(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    assert all(len(row) == 1 for row in rows), "one button per row"
    return [(row[0]["text"], row[0]["callback_data"]) for row in rows]


def tapped_message(user: TgUser, sent: Call) -> dict[str, Any]:
    """What Telegram sends back with a tap: the bot's message, keyboard included."""
    return {
        "message_id": sent.result["message_id"],  # what the fake answered
        "date": int(time.time()),
        "chat": user.chat(),
        "from": {"id": 123456, "is_bot": True, "first_name": "Werkmaatje"},
        "text": sent.params["text"],
        "reply_markup": sent.params["reply_markup"],
    }


@pytest.fixture
def user(servers: str, telegram: FakeTelegram) -> TgUser:
    return TgUser(telegram)


# --- messages, commands and buttons --------------------------------------------------


def test_text_gets_disclosure_and_consent_buttons_after_a_typing_action(user: TgUser) -> None:
    update = user.text_update("hoi")
    row = user.deliver(update)
    replies = user.sent()
    text = texts(replies)
    assert "computerprogramma" in text and "Ik help je op weg naar werk" in text
    assert replies[-1]["text"].endswith("Mag ik het bewaren?")
    assert keyboard(replies[-1]) == [
        ("Ja, dat mag", "/affirm"),
        ("Nee, liever niet", "/deny"),
        ("Vertel meer", "/not_understood"),
    ]
    # "typing..." shows before the first answer.
    calls = [(c.method, c.chat_id) for c in user.fake.calls]
    typing = calls.index(("sendChatAction", str(user.chat_id)))
    assert typing < calls.index(("sendMessage", str(user.chat_id)))
    assert user.fake.calls_of("sendChatAction", user.chat_id)[0].params["action"] == "typing"

    # The inbox row is kept for idempotency, but the message itself is erased.
    assert row.payload is None and row.update_id == update["update_id"]
    with session_scope() as session:
        link = session.get(TelegramChat, user.conversation_id)
        assert link is not None and link.chat_id == str(user.chat_id) and link.blocked_at is None

    events = user.user_events()
    assert [e["text"] for e in events] == ["hoi"]
    assert events[0]["input_channel"] == "telegram"
    ours = {k: v for k, v in events[0]["metadata"].items() if k not in RASA_METADATA}
    assert ours == {"channel": "telegram"}
    assert user.tracker()["latest_input_channel"] == "telegram"


def test_start_with_a_flemish_deep_link_sets_the_region(user: TgUser) -> None:
    replies = user.say("/start be")
    assert "computerprogramma" in texts(replies)
    tracker = user.tracker()
    assert tracker["slots"]["region"] == "nl_BE"
    assert tracker["slots"]["session_started_metadata"]["region"] == "nl_BE"
    assert user.intents() == ["greet"]
    # The region question is skipped: after consent comes the menu.
    after_consent = user.say("ja hoor")
    assert "Wat wil je doen?" in texts(after_consent)


def test_start_with_an_invite_code_passes_it_on(user: TgUser) -> None:
    user.say("/start Kc7-x_9")
    metadata = user.tracker()["slots"]["session_started_metadata"]
    ours = {k: v for k, v in metadata.items() if k not in RASA_METADATA}
    assert ours == {"channel": "telegram", "invite": "Kc7-x_9"}


def test_menu_commands_map_to_intents_and_typed_payloads_do_not(user: TgUser) -> None:
    help_reply = user.say("/help")
    assert "Ik help je op weg naar werk" in texts(help_reply)
    coach = user.say("/coach@WerkmaatjeTestBot")
    assert "coach doorgegeven" in texts(coach)
    user.say("/privacy")
    stop = user.say("/stop")
    assert "we stoppen even" in texts(stop)
    injected = user.say('/inform{"region": "nl_BE"}')
    assert injected, "typed text still gets an answer"

    events = user.user_events()
    assert [e["parse_data"]["intent"]["name"] for e in events[:4]] == [
        "ask_capabilities",
        "request_coach",
        "privacy_export",
        "pause",
    ]
    assert events[-1]["text"] == 'inform{"region": "nl_BE"}'
    assert user.tracker()["slots"]["region"] is None


def test_button_tap_is_answered_keyboard_removed_and_a_second_tap_ignored(
    user: TgUser, telegram: FakeTelegram
) -> None:
    user.say("hoi")
    message = tapped_message(user, telegram.calls_of("sendMessage", user.chat_id)[-1])
    replies = user.tap(message, "/affirm", query_id="q-1")
    assert [m["text"] for m in replies] == ["Woon je in Nederland of in Vlaanderen?"]
    answered = telegram.calls_of("answerCallbackQuery")
    assert [c.params["callback_query_id"] for c in answered] == ["q-1"]
    edits = telegram.calls_of("editMessageReplyMarkup", user.chat_id)
    assert len(edits) == 1
    assert int(edits[0].params["message_id"]) == message["message_id"]
    assert "reply_markup" not in edits[0].params  # no markup: the keyboard is gone

    # A second tap on the same (now empty) keyboard reaches Rasa no more.
    again = user.tap(message, "/affirm", query_id="q-2")
    assert again == []
    assert [c.params["callback_query_id"] for c in telegram.calls_of("answerCallbackQuery")] == [
        "q-1",
        "q-2",
    ]
    assert [e["text"] for e in user.user_events()] == ["hoi", "/affirm"]
    assert user.tracker()["slots"]["consent"] is True


def test_forged_callback_data_is_plain_text(user: TgUser, telegram: FakeTelegram) -> None:
    user.say("hoi")
    # A modified client can send any data with a tap, here an intent with an entity
    # that is on no button of the tapped message: it reaches Rasa as plain text.
    message = tapped_message(user, telegram.calls_of("sendMessage", user.chat_id)[-1])
    user.tap(message, '/inform{"region": "nl_BE"}')
    event = user.user_events()[-1]
    assert event["text"] == 'inform{"region": "nl_BE"}'
    # Understood by the NLU like any typed text: entities from a payload would carry no
    # extractor, and a payload's intent would have confidence 1 without a ranking.
    assert all("extractor" in entity for entity in event["parse_data"]["entities"])
    assert len(event["parse_data"]["intent_ranking"]) > 1


# --- what Rasa never sees --------------------------------------------------------------


def test_edited_message_is_ignored(user: TgUser) -> None:
    update = {"update_id": next(_update_ids), "edited_message": user.message(text="hoi!")}
    user.deliver(update)
    assert user.fake.calls_of("sendMessage", user.chat_id) == []
    assert user.fake.calls_of("sendChatAction", user.chat_id) == []
    assert user.user_events() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"sticker": {"file_id": "CAAC", "file_unique_id": "AgAD", "width": 512, "height": 512}},
        {"voice": {"file_id": "AwAC", "file_unique_id": "AgAE", "duration": 3}},
    ],
    ids=["sticker", "voice"],
)
def test_non_text_gets_a_plain_dutch_answer(user: TgUser, fields: dict[str, Any]) -> None:
    user.deliver({"update_id": next(_update_ids), "message": user.message(**fields)})
    assert [m["text"] for m in user.sent()] == [
        "Ik kan alleen tekst lezen. Typ je vraag, of kies een knop."
    ]
    assert user.user_events() == []


def test_blocking_the_bot_stops_pushes_until_unblocked(user: TgUser) -> None:
    user.say("hoi")

    def member(status: str) -> dict[str, Any]:
        return {
            "update_id": next(_update_ids),
            "my_chat_member": {
                "chat": user.chat(),
                "from": user.user(),
                "date": int(time.time()),
                "old_chat_member": {"status": "member", "user": {"id": 123456, "is_bot": True}},
                "new_chat_member": {"status": status, "user": {"id": 123456, "is_bot": True}},
            },
        }

    def blocked_at() -> Any:
        with session_scope() as session:
            return session.get(TelegramChat, user.conversation_id).blocked_at

    user.deliver(member("kicked"))
    assert blocked_at() is not None
    before = len(user.sent())
    result = push(user, "Je coach heeft geantwoord.")
    assert result == {"channel": "telegram", "delivered": False, "count": 1}
    assert len(user.sent()) == before

    user.deliver(member("member"))
    assert blocked_at() is None
    assert push(user, "Nu wel.")["delivered"] is True
    assert user.sent()[-1]["text"] == "Nu wel."


# --- the webhook's guard -------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "wrong", ""], ids=["missing", "wrong", "empty"])
def test_webhook_needs_the_secret_token(user: TgUser, secret: str | None) -> None:
    update = user.text_update("hoi")
    answer = user.post(update, secret=secret)
    assert answer.status_code == 403
    with session_scope() as session:
        assert session.get(TelegramUpdate, update["update_id"]) is None


def test_a_redelivered_update_is_handled_once(user: TgUser) -> None:
    update = user.text_update("hoi")
    user.deliver(update)
    replies = len(user.sent())
    again = user.post(update)
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    assert len(user.sent()) == replies == 3
    assert len(user.fake.calls_of("sendChatAction", user.chat_id)) == 1
    assert [e["text"] for e in user.user_events()] == ["hoi"]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"message": {"text": "hoi"}}',
        b'{"update_id": "12"}',
        b'{"update_id": true}',
        b'{"update_id": -5}',
        b"",
    ],
)
def test_malformed_updates_are_refused_with_400(user: TgUser, body: bytes) -> None:
    answer = user.post(body)
    assert answer.status_code == 400, answer.text


def test_health_endpoint(servers: str) -> None:
    answer = requests.get(f"{servers}/webhooks/telegram/", timeout=10)
    assert answer.json() == {"status": "ok", "configured": True}


def test_a_very_long_text_gets_an_answer(user: TgUser) -> None:
    # More than Telegram lets a user send (4,096): refused at the edge (bot/channels/limits.py)
    # with a clear answer, because the NLU's memory grows with the square of its length.
    replies = user.say("ik zoek werk " * 770)  # 10 010 characters
    assert [m["text"] for m in replies] == [
        "Je bericht is te lang. Schrijf het korter, in een paar zinnen."
    ]
    assert user.user_events() == []
    assert user.say("ik zoek werk " * 300), "a long message within Telegram's limit is answered"
    assert len(user.user_events()[0]["text"]) == 3_900 - 1  # Telegram text, stripped


# --- pushes from the server ----------------------------------------------------------


def push_api(path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = requests.post(
        f"http://localhost:{settings().rasa_port}/webhooks/push/{path}",
        headers={"Authorization": f"Bearer {settings().rasa_api_token}"},
        json=body,
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def push(user: TgUser, text: str, **sender: str) -> dict[str, Any]:
    body = {"conversation_id": user.conversation_id, "messages": [{"text": text}], **sender}
    return push_api("send", body)


def test_a_server_push_reaches_the_chat_and_the_transcript(user: TgUser) -> None:
    user.say("hoi")
    result = push(user, "Denk je aan je afspraak van morgen?")
    assert result == {"channel": "telegram", "delivered": True, "count": 1}
    assert user.sent()[-1]["text"] == "Denk je aan je afspraak van morgen?"
    assert user.sent()[-1]["chat_id"] == str(user.chat_id)
    last_bot = [e for e in user.tracker()["events"] if e["event"] == "bot"][-1]
    assert last_bot["text"] == "Denk je aan je afspraak van morgen?"
    assert last_bot["metadata"]["sent_by"] == "server"


def test_a_coach_takes_over_on_telegram_and_hands_back(user: TgUser) -> None:
    user.say("ik wil met mijn coach praten")
    push_api("pause", {"conversation_id": user.conversation_id})
    assert user.say("hallo, is daar iemand?") == [], "the bot must be silent during a handoff"

    result = push(user, "Hoi, ik ben Anna, je coach.", sent_by="coach", coach_name="Anna")
    assert result["delivered"] is True
    assert user.sent()[-1]["text"] == "Bericht van coach Anna:\nHoi, ik ben Anna, je coach."
    last_bot = [e for e in user.tracker()["events"] if e["event"] == "bot"][-1]
    assert last_bot["text"] == "Hoi, ik ben Anna, je coach."  # the label is the channel's
    assert (last_bot["metadata"]["sent_by"], last_bot["metadata"]["coach_name"]) == (
        "coach",
        "Anna",
    )
    assert user.say("/help") == []

    push_api(
        "resume", {"conversation_id": user.conversation_id, "response": "utter_coach_handback"}
    )
    bridge = user.sent()[-1]
    assert "weer met mij" in bridge["text"]
    assert [title for title, _ in keyboard(bridge)] == ["Stap kiezen", "Oefenen", "Ik ben klaar"]
    assert user.say("hoi"), "after the hand back the bot answers again"


# --- set-up commands -------------------------------------------------------------------


def cli(*args: str, env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "telegram", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_set_and_delete_webhook(telegram: FakeTelegram) -> None:
    from bot.channels import telegram_admin

    summary = run_async(telegram_admin.set_webhook("https://werk.example.org/"))
    assert "https://werk.example.org/webhooks/telegram/webhook" in summary
    (call,) = telegram.calls_of("setWebhook")
    assert call.params["url"] == "https://werk.example.org/webhooks/telegram/webhook"
    assert call.params["secret_token"] == settings().telegram_secret
    assert call.params["allowed_updates"] == [
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
    ]
    assert "deleted" in run_async(telegram_admin.delete_webhook())
    assert len(telegram.calls_of("deleteWebhook")) == 1


def test_cli_without_token_explains_and_exits_2() -> None:
    for action in (["poll"], ["set-webhook", "https://x.test"]):
        process = cli(*action, env={"TELEGRAM_TOKEN": ""})
        out, err = process.communicate(timeout=120)
        assert process.returncode == 2, (out, err)
        assert "TELEGRAM_TOKEN" in err and "BotFather" in err
        assert "Traceback" not in err


def test_polling_forwards_to_the_webhook_and_stops_on_ctrl_c(
    servers: str, telegram: FakeTelegram
) -> None:
    user = TgUser(telegram)
    process = cli("poll")
    try:
        telegram.wait_for(lambda: telegram.calls_of("getUpdates"), what="getUpdates")
        assert telegram.calls_of("deleteWebhook"), "a webhook would block getUpdates"
        update = user.text_update("hoi")
        telegram.queue_update(update)
        wait_handled(update["update_id"])
        assert "computerprogramma" in texts(user.sent())
        # The update is confirmed to Telegram only after our webhook took it.
        telegram.wait_for(
            lambda: any(
                int(c.params.get("offset") or 0) == update["update_id"] + 1
                for c in telegram.calls_of("getUpdates")
            ),
            what="getUpdates with the next offset",
        )
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, (out, err)
        assert "Stopped polling" in out and "Traceback" not in err
    finally:
        if process.poll() is None:
            process.kill()


# --- in-process: the channel's parts without the Rasa server -----------------------------


@pytest.fixture
def channel(telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> Any:
    """bot.channels.telegram with fresh process-wide state (each test runs its own loop)."""
    from bot.channels import telegram as channel

    monkeypatch.setattr(channel, "_holder", None)
    monkeypatch.setattr(channel, "_outputs", {})
    return channel


BUTTONS = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]


def test_output_splits_long_texts_and_sends_images_with_captions(
    channel: Any, telegram: FakeTelegram
) -> None:
    from bot.store import telegram as store

    user = TgUser(telegram)
    store.link_chat(user.conversation_id, user.chat_id)
    output = channel.cached_output()
    assert output is channel.cached_output(), "one output per process"
    assert telegram.calls == [], "creating the output never contacts Telegram"
    long_text = "\n\n".join(f"Alinea {i}." + " woord" * 400 for i in range(5))  # 12 000

    async def send_all() -> None:
        await output.send_response(user.conversation_id, {"text": long_text, "buttons": BUTTONS})
        await output.send_response(
            user.conversation_id,
            {
                "image": "https://werk.test/a.png",
                "text": "Een korte zin. " * 100,
                "buttons": BUTTONS,
            },
        )
        await output.send_response(user.conversation_id, {"custom": {"text": "Eigen bericht"}})
        await output.send_response(user.conversation_id, {"custom": {"chart": [1, 2]}})

    run_async(send_all())
    calls = [c for c in telegram.calls if c.method != "getMe"]
    assert len(telegram.calls_of("getMe")) == 1, "one Bot, initialised once"
    methods = [c.method for c in calls]
    pieces, (photo, rest, custom) = calls[: methods.index("sendPhoto")], calls[-3:]
    assert [c.method for c in [*pieces, photo, rest, custom]] == methods, "nothing else sent"
    assert len(pieces) >= 3 and {c.method for c in pieces} == {"sendMessage"}
    texts_sent = [c.params["text"] for c in pieces]
    assert all(len(t) <= 4096 for t in texts_sent)
    assert all(t.startswith("Alinea") for t in texts_sent), "cut between paragraphs"
    assert "\n\n".join(texts_sent) == long_text.strip()
    assert ["reply_markup" in c.params for c in pieces] == [False] * (len(pieces) - 1) + [True]
    assert photo.params["photo"] == "https://werk.test/a.png"
    assert 0 < len(photo.params["caption"]) <= 1024 and "reply_markup" not in photo.params
    assert rest.method == "sendMessage" and rest.params["text"].startswith("Een korte zin.")
    assert rest.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "/affirm"
    assert custom.method == "sendMessage" and custom.params["text"] == "Eigen bericht"


def test_output_to_a_blocked_or_unknown_chat(channel: Any, telegram: FakeTelegram) -> None:
    from bot.store import telegram as store

    user = TgUser(telegram)
    store.link_chat(user.conversation_id, user.chat_id)
    telegram.blocked.add(str(user.chat_id))  # the user blocked the bot in Telegram

    async def send(strict: bool, conversation_id: str) -> None:
        output = channel.push_output() if strict else channel.cached_output()
        await output.send_response(conversation_id, {"text": "Hoi"})

    with pytest.raises(channel.DeliveryError):
        run_async(send(True, user.conversation_id))
    assert store.chat_for(user.conversation_id).blocked, "Telegram's 403 marks the chat"
    sent = len(telegram.calls_of("sendMessage"))
    run_async(send(False, user.conversation_id))  # inside a Rasa turn: logged, not raised
    assert len(telegram.calls_of("sendMessage")) == sent, "a blocked chat is skipped"
    with pytest.raises(channel.DeliveryError):
        run_async(send(True, "tg-unknown"))
    run_async(send(False, "tg-unknown"))


def test_updates_left_unhandled_are_handled_at_start_in_order(
    channel: Any, telegram: FakeTelegram
) -> None:
    from bot.store import telegram as store

    user = TgUser(telegram)
    updates = [user.text_update(text) for text in ("een", "twee", "drie")]
    for update in updates:  # accepted, then the process stopped
        assert store.accept_update(update["update_id"], update)
    seen: list[Any] = []

    async def on_new_message(message: Any) -> None:
        if message.text == "een":  # slow: a later message must still wait its turn
            await asyncio.sleep(0.3)
        seen.append(message)

    ready = SimpleNamespace(is_ready=lambda: True)
    app = SimpleNamespace(ctx=SimpleNamespace(agent=ready))

    async def restart() -> None:
        processor = channel.UpdateProcessor(on_new_message)
        await processor.recover(app)
        await processor.idle()

    run_async(restart())
    mine = [m for m in seen if m.sender_id == user.conversation_id]
    assert [m.text for m in mine] == ["een", "twee", "drie"]
    assert {m.input_channel for m in mine} == {"telegram"}
    assert all(m.metadata == {"channel": "telegram"} for m in mine)
    for update in updates:
        row = handled(update["update_id"])
        assert row is not None and row.payload is None


T = TypeVar("T")


def in_process(
    channel: Any,
    on_new_message: Callable[[Any], Awaitable[None]],
    talk: Callable[[httpx.AsyncClient], Awaitable[T]],
    start_listeners: bool = False,
) -> T:
    """Serve the channel's blueprint on a small Sanic app of its own, without Rasa."""
    from sanic import Sanic

    # Sanic 21.12 rewrites its own methods at each app's start-up; a second app in one
    # process fails unless test mode keeps the originals.
    Sanic.test_mode = True
    app = Sanic(f"telegram_test_{random.randrange(10**9)}")
    app.ctx.agent = SimpleNamespace(is_ready=lambda: True)
    app.blueprint(channel.TelegramInput().blueprint(on_new_message), url_prefix="/tg")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def serve() -> T:
        server = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
        )
        assert server is not None
        await server.startup()
        await server.start_serving()
        if start_listeners:
            await server.after_start()
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/tg") as client:
                return await talk(client)
        finally:
            if start_listeners:
                await server.before_stop()
            server.close()
            await server.wait_closed()

    return run_async(serve())


async def nothing_may_reach_rasa(_: Any) -> None:
    raise AssertionError("nothing may reach Rasa")


def test_webhook_without_a_token_answers_503(channel: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(channel, "settings", lambda: replace(settings(), telegram_token=None))

    async def talk(client: httpx.AsyncClient) -> tuple[httpx.Response, httpx.Response]:
        headers = {"X-Telegram-Bot-Api-Secret-Token": settings().telegram_secret}
        posted = await client.post("/webhook", json={"update_id": 1}, headers=headers)
        return posted, await client.get("/")

    posted, health = in_process(channel, nothing_may_reach_rasa, talk)
    assert posted.status_code == 503
    assert health.json() == {"status": "ok", "configured": False}


def test_server_start_handles_updates_left_from_a_crash(
    channel: Any, telegram: FakeTelegram
) -> None:
    from bot.store import telegram as store

    user = TgUser(telegram)
    update = user.text_update("ben je er nog?")
    assert store.accept_update(update["update_id"], update)  # then the process died
    seen: list[Any] = []

    async def on_new_message(message: Any) -> None:
        seen.append(message)

    async def talk(_: httpx.AsyncClient) -> None:
        deadline = time.monotonic() + 30
        while handled(update["update_id"]) is None:
            assert time.monotonic() < deadline, "the left-over update was not handled"
            await asyncio.sleep(0.1)

    in_process(channel, on_new_message, talk, start_listeners=True)
    assert [(m.sender_id, m.text) for m in seen] == [(user.conversation_id, "ben je er nog?")]
    assert handled(update["update_id"]).payload is None


def test_inbox_prunes_old_handled_updates_and_relinks_chats(telegram: FakeTelegram) -> None:
    from bot.store import telegram as store

    old, recent, pending = (next(_update_ids) for _ in range(3))
    for update_id in (old, recent, pending):
        assert store.accept_update(update_id, {"update_id": update_id})
    assert not store.accept_update(old, {"update_id": old}), "accepted once"
    store.mark_handled(old)
    store.mark_handled(recent)
    with session_scope() as session:
        session.get(TelegramUpdate, old).handled_at = utcnow() - timedelta(hours=49)
    assert store.prune_handled() >= 1
    with session_scope() as session:
        assert session.get(TelegramUpdate, old) is None
        assert session.get(TelegramUpdate, recent) is not None
        assert session.get(TelegramUpdate, pending).payload == {"update_id": pending}
    store.mark_handled(pending)

    # A new pseudonym key gives a chat a new conversation id: the old link goes.
    user = TgUser(telegram)
    store.link_chat("tg-old-key", user.chat_id)
    store.link_chat(user.conversation_id, user.chat_id)
    assert store.chat_for("tg-old-key") is None
    assert store.chat_for(user.conversation_id) == store.ChatLink(user.chat_id, blocked=False)


# --- Samen Beslissen on Telegram: inline keyboards, and the follow-up pushed ---------


def tap_titled(user: TgUser, title: str) -> list[dict[str, Any]]:
    """Tap the newest inline button whose text starts with ``title``."""
    for call in reversed(user.fake.calls_of("sendMessage", user.chat_id)):
        for text, data in keyboard(call.params):
            if text.startswith(title):
                return user.tap(tapped_message(user, call), data)
    raise AssertionError(f"no button {title!r} sent")


def test_the_decision_journey_by_taps_and_the_follow_up_is_pushed(user: TgUser) -> None:
    user.say("hoi")
    tap_titled(user, "Ja, dat mag")
    tap_titled(user, "Kies Nederland")
    assert "Wat wil je bereiken?" in texts(tap_titled(user, "Kies een stap"))
    assert "Wil je nog andere opties zien?" in texts(tap_titled(user, "Werk vinden"))
    detail = tap_titled(user, "Meer over")
    assert "Goed:" in texts(detail) and "Minder goed:" in texts(detail)
    tap_titled(user, "Ga verder")
    tap_titled(user, "Geld verdienen")
    assert "Wat kies je?" in texts(tap_titled(user, "Klaar met kiezen"))
    tap_titled(user, "Kies ")
    tap_titled(user, "Ja, dat doe ik")
    tap_titled(user, "Morgen")
    tap_titled(user, "Ik doe het zelf")
    done = tap_titled(user, "Ja, dat klopt")
    assert "vraag ik hoe het ging" in texts(done)
    tap_titled(user, "Nee, alleen hier")  # how the choice was made: asked, not assumed

    # No message from the user: the server pushes the follow-up on its own.
    asked = user.fake.wait_for(
        lambda: [m for m in user.sent() if m.get("text") == "Is het gelukt?"],
        what="the follow-up",
    )
    assert [t for t, _ in keyboard(asked[-1])] == [
        "Ja, het is gelukt",
        "Een beetje",
        "Nee, het lukte niet",
    ]
    assert "Wat zat in de weg?" in texts(tap_titled(user, "Een beetje"))
    assert "Wil je verder met " in texts(tap_titled(user, "Geen tijd"))


def test_an_exercise_by_taps_with_its_screens_uploaded_as_photos(user: TgUser) -> None:
    user.say("hoi")
    tap_titled(user, "Ja, dat mag")
    tap_titled(user, "Kies Nederland")
    assert "Hoe makkelijk is internet voor jou?" in texts(tap_titled(user, "Oefen met de computer"))
    tap_titled(user, "Dat gaat wel")
    photos_before = len(user.fake.calls_of("sendPhoto", user.chat_id))
    started = tap_titled(user, "Ja, begin")
    exercise = catalogue("nl_NL").get(tracker_exercise(user)["exercise"])
    assert exercise.intro in texts(started)
    # The first question shows its screens (if it has any) as uploaded photos with the
    # text alternative as caption: Telegram cannot fetch a laptop's URL.
    first = exercise.questions_for("nl_NL")[0]
    wanted = [i.image for i in first.items] or ([first.image] if first.image else [])
    photos = user.fake.calls_of("sendPhoto", user.chat_id)[photos_before:]
    assert len(photos) == len(wanted)
    for call, image in zip(photos, wanted, strict=True):
        upload = call.params["photo"]
        assert isinstance(upload, dict) and upload["upload"].startswith(b"\x89PNG")
        assert exercise.images[image]["alt"] in call.params["caption"]
    # A wrong tap is explained (a true/false statement moves on after its reason; other
    # questions give a tip and a retry), then a right one counts.
    state = tracker_exercise(user)
    answered = tap_code(user, wrong_code(state, catalogue("nl_NL")))
    if first.type == "true_false":
        statement = first.statements[int(state.get("part") or 0)]
        assert statement.explain in texts(answered)
    else:
        assert "Tip:" in texts(answered)
    tap_code(user, right_code(tracker_exercise(user), catalogue("nl_NL")))
    assert tracker_exercise(user)["right"] == 1


def tracker_exercise(user: TgUser) -> dict[str, Any]:
    return user.tracker()["slots"]["exercise"] or {}


def tap_code(user: TgUser, code: str) -> list[dict[str, Any]]:
    """Tap the newest button that answers ``code`` (as the flow's payload)."""
    wanted = payload(code)
    for call in reversed(user.fake.calls_of("sendMessage", user.chat_id)):
        for _, data in keyboard(call.params):
            if data == wanted:
                return user.tap(tapped_message(user, call), data)
    raise AssertionError(f"no button {wanted!r} sent")
