"""A missing action server gives a friendly reply, not silence (bot/runtime/).

Rasa's real RemoteAction and FormAction call a real HTTP server here: an aiohttp
app that answers what each test asks for, or a port where nothing listens.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import runtime
from bot.channels.limits import MAX_TEXT, refuse_too_long
from bot.channels.rest import RestInput
from bot.runtime import action_failures
from bot.runtime.action_failures import MARK, friendly_text
from bot.runtime.patching import SUPPORTED_RASA, RasaVersionError, check_rasa_version

ROOT = Path(__file__).resolve().parents[2]
FRIENDLY = "Dat lukt nu even niet. Probeer het zo opnieuw."
TIMEOUT_S = 30


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


@pytest.fixture(autouse=True)
def installed() -> Iterator[None]:
    runtime.install()
    yield
    runtime.uninstall()


def free_port() -> int:
    """A port in this suite's range that nothing uses now (ephemeral client ports too)."""
    for port in range(35100, 35200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 35100-35199")


Answer = Callable[[int], web.Response]


def run_against(answer: Answer | None, call: Callable[[str], Awaitable[Any]]) -> tuple[Any, int]:
    """Run ``call(url)`` with an action server that answers ``answer(n)`` to its n-th request.

    ``answer=None``: nothing listens on the port. Returns the result and the count
    of requests the server saw.
    """
    seen = 0

    async def webhook(request: web.Request) -> web.Response:
        nonlocal seen
        seen += 1
        await request.read()
        assert answer is not None
        return answer(seen)

    async def main() -> Any:
        port = free_port()
        url = f"http://127.0.0.1:{port}/webhook"
        if answer is None:
            return await call(url)
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            return await call(url)
        finally:
            await runner.cleanup()

    result = asyncio.run(asyncio.wait_for(main(), TIMEOUT_S))
    return result, seen


def ok(text: str) -> web.Response:
    return web.json_response({"events": [], "responses": [{"text": text}]})


def tracker_after(text: str, *events: Event, region: str | None = None) -> DialogueStateTracker:
    """A conversation where the user just said ``text``."""
    return DialogueStateTracker.from_events(
        "unit-user",
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            SlotSet("region", region),
            UserUttered(text, {"name": "greet", "confidence": 1.0}),
            *events,
        ],
    )


def run_remote(
    name: str, tracker: DialogueStateTracker, domain: Domain
) -> Callable[[str], Awaitable[list[Event]]]:
    async def call(url: str) -> list[Event]:
        action = RemoteAction(name, EndpointConfig(url))
        nlg = TemplatedNaturalLanguageGenerator(domain.responses)
        return await action.run(CollectingOutputChannel(), nlg, tracker, domain)

    return call


def friendly_turn_end(events: list[Event], region: str | None = None) -> None:
    assert isinstance(events[0], BotUttered)
    assert events[0].text == friendly_text(region)
    assert events[-1] == FollowupAction(ACTION_LISTEN_NAME)


def test_install_is_idempotent_and_removable() -> None:
    patched = RemoteAction.run
    runtime.install()
    runtime.install()
    assert RemoteAction.run is patched
    original = action_failures.PATCHES.original(RemoteAction, "run")
    assert original is not patched
    expired = MessageProcessor._has_session_expired
    runtime.uninstall()
    assert RemoteAction.run is original
    assert MessageProcessor._has_session_expired is not expired
    assert not runtime.installed()


def test_any_other_rasa_release_is_refused_loudly() -> None:
    check_rasa_version(SUPPORTED_RASA)
    for other in ("3.6.20", "3.6.22", "3.7.0", "3.10.0"):
        with pytest.raises(RasaVersionError, match=f"rasa {other} is installed"):
            check_rasa_version(other)


def test_the_text_is_plain_dutch_in_both_regions() -> None:
    assert friendly_text("nl_NL") == FRIENDLY
    assert friendly_text("nl_BE") == FRIENDLY
    assert friendly_text(None) == FRIENDLY


def test_no_action_server_gives_the_friendly_text_and_ends_the_turn(domain: Domain) -> None:
    tracker = tracker_after("hoe ver ben ik", region="nl_BE")
    events, _ = run_against(None, run_remote("action_show_progress", tracker, domain))
    friendly_turn_end(events, "nl_BE")
    assert events[0].metadata == {MARK: "action_show_progress"}
    assert len(events) == 2


def test_a_fast_restart_is_bridged_by_the_retries(domain: Domain) -> None:
    def answer(n: int) -> web.Response:
        return web.Response(status=503) if n <= 2 else ok("Hier is je voortgang.")

    events, seen = run_against(answer, run_remote("action_x", tracker_after("hoi"), domain))
    assert seen == 3
    assert [e.text for e in events if isinstance(e, BotUttered)] == ["Hier is je voortgang."]


def test_retries_are_bounded(domain: Domain) -> None:
    events, seen = run_against(
        lambda n: web.Response(status=502), run_remote("action_x", tracker_after("hoi"), domain)
    )
    assert seen == 1 + len(action_failures.RETRY_DELAYS_S)
    friendly_turn_end(events)


def test_an_action_that_may_have_run_is_not_repeated(domain: Domain) -> None:
    events, seen = run_against(
        lambda n: web.Response(status=500), run_remote("action_x", tracker_after("hoi"), domain)
    )
    assert seen == 1
    friendly_turn_end(events)


def test_rasas_own_rejection_is_left_alone(domain: Domain) -> None:
    def reject(n: int) -> web.Response:
        return web.json_response({"action_name": "action_x", "error": "nee"}, status=400)

    with pytest.raises(ActionExecutionRejection):
        run_against(reject, run_remote("action_x", tracker_after("hoi"), domain))


def test_the_friendly_text_comes_once_per_turn(domain: Domain) -> None:
    told = BotUttered(FRIENDLY, {}, {MARK: "validate_onboarding_form"})
    events, _ = run_against(None, run_remote("action_x", tracker_after("hoi", told), domain))
    assert events == [FollowupAction(ACTION_LISTEN_NAME)]
    # A new message: tell again.
    again = tracker_after("hoi", told)
    again.update(UserUttered("nog een keer", {"name": "greet", "confidence": 1.0}))
    events, _ = run_against(None, run_remote("action_x", again, domain))
    friendly_turn_end(events)


def test_a_form_forgets_the_unvalidated_answer_and_says_it_once(domain: Domain) -> None:
    """Rasa's FormAction: validation and the next question both fail; one message."""
    tracker = DialogueStateTracker.from_events(
        "unit-user",
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            UserUttered("hoi", {"name": "greet", "confidence": 1.0}),
            ActionExecuted("onboarding_form"),
            ActiveLoop("onboarding_form"),
            SlotSet(REQUESTED_SLOT, "consent"),
            ActionExecuted(ACTION_LISTEN_NAME),
            UserUttered("ja hoor, ik woon in Gent", {"name": "affirm", "confidence": 1.0}),
            SlotSet("consent", True),
            SlotSet("region", "nl_BE"),
        ],
        slots=domain.slots,
    )

    async def call(url: str) -> list[Event]:
        form = FormAction("onboarding_form", EndpointConfig(url))
        nlg = TemplatedNaturalLanguageGenerator(domain.responses)
        return await form.run(CollectingOutputChannel(), nlg, tracker, domain)

    events, _ = run_against(None, call)
    said = [e for e in events if isinstance(e, BotUttered)]
    assert [e.text for e in said] == [FRIENDLY]
    assert SlotSet("consent", None) in events and SlotSet("region", None) in events
    assert FollowupAction(ACTION_LISTEN_NAME) in events
    assert not any(isinstance(e, ActionExecutionRejected) for e in events)
    assert ActiveLoop(None) not in events  # the form goes on with the next message


def test_a_failed_session_start_falls_back_and_is_retried_next_message(domain: Domain) -> None:
    tracker = DialogueStateTracker.from_events(
        "unit-user", [SlotSet("region", "nl_NL"), SlotSet("consent", True)], slots=domain.slots
    )
    events, _ = run_against(None, run_remote("action_session_start", tracker, domain))
    started = events[0]
    assert isinstance(started, SessionStarted) and started.metadata == {MARK: True}
    assert events[-1] == ActionExecuted(ACTION_LISTEN_NAME)
    assert SlotSet("region", "nl_NL") in events  # Rasa's carry-over, until the real start
    # The mark survives the tracker store (events are stored as dicts).
    assert Event.from_parameters(started.as_dict()).metadata == {MARK: True}

    processor = SimpleNamespace(domain=domain)
    after = DialogueStateTracker.from_events(
        "unit-user",
        [*events, UserUttered("hoi", {"name": "greet", "confidence": 1.0})],
        slots=domain.slots,
    )
    assert MessageProcessor._has_session_expired(processor, after)  # type: ignore[arg-type]
    real_start = DialogueStateTracker.from_events(
        "unit-user",
        [*after.events, SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)],
        slots=domain.slots,
    )
    assert not MessageProcessor._has_session_expired(processor, real_start)  # type: ignore[arg-type]


def test_a_message_too_long_to_understand_is_refused_before_the_nlu() -> None:
    """The fuzz found it: 100 kB through DIET took the Rasa server past 20 GB."""
    handled: list[UserMessage] = []

    async def rasa_handles(message: UserMessage) -> None:
        handled.append(message)

    guarded = refuse_too_long(rasa_handles)
    output = CollectingOutputChannel()
    message = UserMessage("a" * (MAX_TEXT + 1), output, "unit-user", metadata={"region": "be"})
    answer = asyncio.run(guarded(message))
    assert [m["text"] for m in answer] == [
        "Je bericht is te lang. Schrijf het korter, in een paar zinnen."
    ]
    assert handled == []  # neither processed nor stored
    fits = UserMessage("a" * MAX_TEXT, CollectingOutputChannel(), "unit-user")
    asyncio.run(guarded(fits))
    assert handled == [fits]


def test_every_channel_of_ours_checks_the_length() -> None:
    """Each user-facing channel wraps Rasa's handler in its blueprint (a mixin could not:
    a channel with a blueprint of its own comes first in the method order)."""
    import inspect

    from bot.channels.telegram import TelegramInput
    from bot.channels.webchat import WebChatInput

    for channel in (RestInput, TelegramInput, WebChatInput):
        assert "refuse_too_long(on_new_message)" in inspect.getsource(channel.blueprint), channel


def test_a_rest_body_that_is_no_json_object_is_a_400_not_a_500() -> None:
    from sanic.exceptions import InvalidUsage

    no_text = [{"sender": "sam", "message": m} for m in (None, 42, ["hoi"], {"text": "hoi"})]
    for body in (None, "hoi", ["hoi"], 42, {"sender": "sam"}, *no_text):
        request = SimpleNamespace(json=body)
        with pytest.raises(InvalidUsage):
            asyncio.run(RestInput()._extract_sender(request))  # type: ignore[arg-type]
    request = SimpleNamespace(json={"sender": "sam", "message": "hoi"})
    assert asyncio.run(RestInput()._extract_sender(request)) == "sam"  # type: ignore[arg-type]


def test_importing_our_channels_patches_nothing() -> None:
    """The web app and the action server import channel helpers: Rasa stays Rasa there."""
    import subprocess
    import sys

    check = (
        "import bot.channels.rest, bot.channels.telegram, bot.channels.webchat, bot.channels.push\n"
        "from rasa.core.actions.action import RemoteAction\n"
        "from rasa.shared.core.domain import Domain\n"
        "assert RemoteAction.run.__module__ == 'rasa.core.actions.action'\n"
        "assert Domain.states_for_tracker_history.__module__ == 'rasa.shared.core.domain'\n"
    )
    subprocess.run([sys.executable, "-c", check], check=True, cwd=ROOT, timeout=120)
