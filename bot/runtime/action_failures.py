"""A friendly reply when the action server cannot be reached, instead of silence.

Rasa 3.6 swallows a failing custom action (``MessageProcessor._run_action`` logs
"Encountered an exception while running action") and the user gets no reply at
all: while the action server restarts, or a replica fails over, the bot just
goes quiet. :func:`install` wraps ``RemoteAction.run`` so that

- a call that could not reach the action server (connection refused, or 502/503/504
  from a proxy in front of the replicas) is tried again briefly: twice, within
  about 1.5 s, enough for a fail-over or a fast restart. A call that may already
  have run (the server died during it, timed out, answered 500) is not repeated,
  because actions write to the database;
- if it still fails, the user gets one B1 Dutch message, "Dat lukt nu even niet.
  Probeer het zo opnieuw.", and the turn ends (``FollowupAction("action_listen")``),
  so no other action is predicted on a half-updated tracker. The user's message
  stays in the tracker; the next one is handled normally;
- a form whose validation failed forgets what this message filled in (the
  requested slot empty again, other slots as before the message), so no slot
  keeps a value nobody validated and the form asks again;
- a failed custom ``action_session_start`` falls back to Rasa's default session
  start (the conversation can go on) and is marked, so the next message runs the
  real one again (reload of the profile from the database, the AI disclosure).

Rasa's own 400 answer (``ActionExecutionRejection``) and every other error are
left to Rasa as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.i18n import texts
from bot.runtime.patching import Patches

if TYPE_CHECKING:
    from rasa.core.channels.channel import OutputChannel
    from rasa.core.nlg import NaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# Metadata key on the events we add: the friendly message and a fallback session start.
MARK = "werkmaatje_action_server_unavailable"
# Waits before the second and third try of a call that did not reach the server.
RETRY_DELAYS_S = (0.5, 1.0)
# A proxy's answers when no replica took the request: safe to send again.
RETRY_STATUSES = frozenset({502, 503, 504})
SESSION_START = "action_session_start"

RunAction = Callable[..., Awaitable[list["Event"]]]


def friendly_text(region: str | None) -> str:
    """The message for the user, in their region's words (gettext, bot/i18n.py)."""
    return texts(region).gettext("Dat lukt nu even niet. Probeer het zo opnieuw.")


class ActionServerUnavailable(Exception):
    """The action server could not run the action; Rasa's own error is the cause."""


def _failure_kind(error: BaseException) -> str | None:
    """'retry' (never reached the server), 'give_up' (may have run) or None (not ours)."""
    import aiohttp
    from rasa.core.actions.action import ActionExecutionRejection
    from rasa.utils.endpoints import ClientResponseError

    if isinstance(error, ActionExecutionRejection):
        return None
    if isinstance(error, asyncio.TimeoutError):
        return "give_up"
    # RemoteAction.run raises a RasaException inside its `except`: the aiohttp
    # error is its cause (502 and other statuses) or its context (connection).
    cause = error.__cause__ or error.__context__
    if isinstance(cause, aiohttp.ClientConnectorError):
        return "retry"
    # Rasa raises its own ClientResponseError for a status >= 400 (rasa.utils.endpoints).
    if isinstance(cause, (ClientResponseError, aiohttp.ClientResponseError)):
        return "retry" if cause.status in RETRY_STATUSES else "give_up"
    if isinstance(cause, (aiohttp.ClientError, asyncio.TimeoutError)):
        return "give_up"
    return None


async def run_with_retries(run: Callable[[], Awaitable[list[Event]]]) -> list[Event]:
    """Run the action call; raise ActionServerUnavailable when the server is not there."""
    from rasa.shared.exceptions import RasaException

    for delay in (*RETRY_DELAYS_S, None):
        try:
            return await run()
        except (RasaException, asyncio.TimeoutError) as error:
            kind = _failure_kind(error)
            if kind is None:
                raise
            if kind == "retry" and delay is not None:
                await asyncio.sleep(delay)
                continue
            raise ActionServerUnavailable(str(error) or type(error).__name__) from error
    raise AssertionError("unreachable")  # pragma: no cover


def told_this_turn(tracker: DialogueStateTracker) -> bool:
    """Whether the friendly message went out since the user's latest message."""
    from rasa.shared.core.events import BotUttered, UserUttered

    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get(MARK):
            return True
    return False


def session_start_fell_back(tracker: DialogueStateTracker) -> bool:
    """Whether the current session began with our fallback instead of the real start."""
    from rasa.shared.core.events import SessionStarted

    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            return bool((event.metadata or {}).get(MARK))
    return False


def undo_form_input(form: str, tracker: DialogueStateTracker, domain: Domain) -> list[Event]:
    """Slot events that take back what the user's latest message filled in for a form.

    The validation that should have checked these values did not run. The tracker
    given to ``validate_<form>`` ends with ``ActionExecuted(<form>)`` and the slots
    extracted from the message; the requested slot goes back to empty (the form
    asks again), the others to their value before the message. Returning at least
    one slot event also keeps Rasa from rejecting the form, which would drop the
    friendly message.
    """
    from rasa.shared.core.constants import REQUESTED_SLOT
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events = list(tracker.events)
    form_at = max(
        (
            i
            for i, e in enumerate(events)
            if isinstance(e, ActionExecuted) and e.action_name == form
        ),
        default=len(events),
    )
    keys = {e.key for e in events[form_at + 1 :] if isinstance(e, SlotSet)} - {REQUESTED_SLOT}
    requested = tracker.get_slot(REQUESTED_SLOT)
    message_at = max((i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=0)
    before = DialogueStateTracker.from_events(
        tracker.sender_id, events[:message_at], slots=domain.slots
    )
    undo: list[Event] = [SlotSet(key, before.get_slot(key)) for key in sorted(keys - {requested})]
    if requested:
        undo.append(SlotSet(requested, None))
    return undo


async def unavailable_events(
    action_name: str,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> list[Event]:
    """What a failed action returns instead: see the module docstring."""
    from rasa.core.actions.action import ActionSessionStart
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import BotUttered, FollowupAction, SessionStarted

    if action_name == SESSION_START:
        events = await ActionSessionStart().run(output_channel, nlg, tracker, domain)
        for event in events:
            if isinstance(event, SessionStarted):
                event.metadata = {**(event.metadata or {}), MARK: True}
        return events
    end_turn: list[Event] = [FollowupAction(ACTION_LISTEN_NAME)]
    if told_this_turn(tracker):  # e.g. a form's validation, then its question
        return end_turn
    text = friendly_text(tracker.get_slot("region"))
    events = [BotUttered(text, {}, {MARK: action_name})]
    if action_name.startswith("validate_"):
        events += undo_form_input(action_name.removeprefix("validate_"), tracker, domain)
    return events + end_turn


def _wrap_run(original: RunAction) -> RunAction:
    async def run(
        self: Any,
        output_channel: OutputChannel,
        nlg: NaturalLanguageGenerator,
        tracker: DialogueStateTracker,
        domain: Domain,
    ) -> list[Event]:
        try:
            return await run_with_retries(
                lambda: original(self, output_channel, nlg, tracker, domain)
            )
        except ActionServerUnavailable as error:
            # Action name and Rasa's error only: never the user's message.
            logger.warning("Action server unavailable for '%s': %s", self.name(), error)
            return await unavailable_events(self.name(), output_channel, nlg, tracker, domain)

    run.__doc__ = original.__doc__
    return run


def _wrap_expiry(original: Callable[[Any, DialogueStateTracker], bool]) -> Any:
    def has_session_expired(self: Any, tracker: DialogueStateTracker) -> bool:
        return bool(original(self, tracker)) or session_start_fell_back(tracker)

    return has_session_expired


PATCHES = Patches()


def install() -> None:
    """Wrap Rasa's ``RemoteAction.run`` and ``MessageProcessor._has_session_expired``.

    Patches, not subclasses: Rasa builds its RemoteAction and MessageProcessor itself
    and offers no setting to hand it ours.
    """
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    PATCHES.replace(RemoteAction, "run", _wrap_run)
    PATCHES.replace(MessageProcessor, "_has_session_expired", _wrap_expiry)


def uninstall() -> None:
    """Put Rasa's own methods back."""
    PATCHES.undo()
