"""Server pushes and handoff: reach a user on their own channel at any time.

Our channels register a factory for their output channel. The endpoints (Rasa
API token as Bearer) work under the conversation lock, so they never interleave
with a turn the bot is handling:

- ``POST /webhooks/push/send``: send messages (a coach's reply, a reminder) on
  the channel the user last wrote on, and append them as ``BotUttered`` events,
  so they appear in every transcript. A user who is offline still finds them:
  Telegram keeps them, the web widget loads the conversation when it comes back.
  A coach's message carries ``sent_by: coach`` and the coach's name, which the
  channels show as a label.
- ``POST /webhooks/push/pause``: a coach took over. Rasa keeps storing the
  user's messages but predicts nothing: the bot stays silent. With
  ``coach_name`` the user is told who answers now (the join notice).
- ``POST /webhooks/push/resume``: the coach handed back. The bot answers again
  and bridges with a domain response (``utter_coach_handback``).

Both notices carry ``custom: {"handoff": "coach" | "bot"}`` (and the coach's name),
so the web widget can say in its header who is answering; Telegram shows the text.
- ``POST /webhooks/push/erase``: an admin erases a job-seeker (``jobseeker_id``,
  ``coach_id``; ``conversation_id`` when they have one). Under the lock, a message
  in flight finishes first; nothing of it is saved again afterwards.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import settings
from bot.i18n import texts
from bot.privacy import erasure
from bot.store.db import run_db

logger = logging.getLogger(__name__)

OutputFactory = Callable[[], "OutputChannel | None"]
_outputs: dict[str, OutputFactory] = {}

MAX_MESSAGES = 10
MAX_TEXT = 4000
MESSAGE_KEYS = ("text", "buttons", "image", "custom")
RESPONSE_NAME = re.compile(r"^utter_[a-z0-9_]{1,60}$")
MAX_NAME = 40


def register_output(channel: str, factory: OutputFactory) -> None:
    """Called by a channel when Rasa builds its blueprint."""
    _outputs[channel] = factory


def output_for(channel: str | None) -> OutputChannel | None:
    factory = _outputs.get(channel or "")
    return factory() if factory else None


def authorised(request: Request) -> bool:
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(token, settings().rasa_api_token)


def clean_messages(raw: Any) -> list[dict[str, Any]] | None:
    """Keep only what a response may carry; None when the request is not usable."""
    if not isinstance(raw, list) or not 0 < len(raw) <= MAX_MESSAGES:
        return None
    messages = []
    for item in raw:
        if not isinstance(item, dict):
            return None
        message = {key: item[key] for key in MESSAGE_KEYS if item.get(key)}
        text = message.get("text", "")
        if not message or not isinstance(text, str) or len(text) > MAX_TEXT:
            return None
        messages.append(message)
    return messages


class PushInput(InputChannel):
    """Not a channel users write on: the door through which the server writes to them."""

    @classmethod
    def name(cls) -> str:
        return "push"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        from bot.channels import followups  # imports this module

        push = Blueprint("push_webhook", __name__)
        followups.install(push)

        @push.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @push.route("/send", methods=["POST"])
        async def send(request: Request) -> HTTPResponse:
            if not authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            conversation_id = body.get("conversation_id")
            messages = clean_messages(body.get("messages"))
            if not isinstance(conversation_id, str) or not conversation_id or not messages:
                return response.json({"error": "conversation_id and messages needed"}, status=400)
            sender = Sender.from_body(body)
            result = await push_messages(request.app.ctx.agent, conversation_id, messages, sender)
            if result is None:
                return response.json({"error": "unknown conversation"}, status=404)
            return response.json(result)

        @push.route("/pause", methods=["POST"])
        async def pause(request: Request) -> HTTPResponse:
            return await _handoff(request, paused=True)

        @push.route("/resume", methods=["POST"])
        async def resume(request: Request) -> HTTPResponse:
            return await _handoff(request, paused=False)

        @push.route("/erase", methods=["POST"])
        async def erase(request: Request) -> HTTPResponse:
            if not authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            jobseeker_id, coach_id = body.get("jobseeker_id"), body.get("coach_id")
            conversation_id = body.get("conversation_id") or None
            if (
                not isinstance(jobseeker_id, str)
                or not jobseeker_id
                or not isinstance(coach_id, int)
            ):
                return response.json({"error": "jobseeker_id and coach_id needed"}, status=400)
            if conversation_id is not None and not isinstance(conversation_id, str):
                return response.json({"error": "conversation_id must be text"}, status=400)
            counts = await erase_jobseeker(
                request.app.ctx.agent, jobseeker_id, conversation_id, coach_id
            )
            return response.json({"erased": counts})

        return push


def clean_name(raw: Any) -> str | None:
    """A coach's name as the user may see it: one line, at most ``MAX_NAME`` characters."""
    clean = " ".join(raw.split())[:MAX_NAME] if isinstance(raw, str) else ""
    return clean or None


async def _handoff(request: Request, paused: bool) -> HTTPResponse:
    if not authorised(request):
        return response.json({"error": "unauthorised"}, status=401)
    body = request.json if isinstance(request.json, dict) else {}
    conversation_id = body.get("conversation_id")
    bridge = body.get("response")
    coach_name = clean_name(body.get("coach_name")) if paused else None
    if not isinstance(conversation_id, str) or not conversation_id:
        return response.json({"error": "conversation_id needed"}, status=400)
    agent = request.app.ctx.agent
    if bridge is not None and not (
        isinstance(bridge, str)
        and RESPONSE_NAME.fullmatch(bridge)
        and bridge in agent.domain.responses
    ):
        return response.json({"error": "unknown response"}, status=400)
    result = await set_paused(agent, conversation_id, paused, bridge, coach_name)
    if result is None:
        return response.json({"error": "unknown conversation"}, status=404)
    return response.json(result)


class Sender:
    """Who a pushed message is from: the server (reminders) or a named coach."""

    def __init__(self, kind: str = "server", coach_name: str | None = None) -> None:
        self.kind = kind
        self.coach_name = coach_name

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Sender:
        if body.get("sent_by") == "coach":
            return cls("coach", clean_name(body.get("coach_name")) or "Coach")
        return cls("server")

    def metadata(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sent_by": self.kind, "pushed": True}
        if self.coach_name:
            data["coach_name"] = self.coach_name
        return data


def coach_label(name: str, region: str | None) -> str:
    return texts(region).gettext("Bericht van coach {name}:").format(name=name)


def join_notice(name: str, region: str | None) -> dict[str, Any]:
    """Told when a coach takes over, as the hand-back is told by ``utter_coach_handback``."""
    text = texts(region).gettext(
        "Coach {name} neemt het gesprek over. Je praat nu met een mens. "
        "{name} leest je berichten en schrijft je terug."
    )
    return {"text": text.format(name=name), "custom": {"handoff": "coach", "coach_name": name}}


async def _deliver(
    output: OutputChannel,
    conversation_id: str,
    message: dict[str, Any],
    sender: Sender,
    region: str | None,
) -> None:
    """A coach's message is labelled: structured where the channel can show it, else in the text."""
    if sender.coach_name is None:
        await output.send_response(conversation_id, dict(message))
        return
    from_person = getattr(output, "send_from_person", None)
    if from_person is not None:
        await from_person(conversation_id, message.get("text") or "", sender.coach_name)
        return
    labelled = f"{coach_label(sender.coach_name, region)}\n{message.get('text') or ''}"
    await output.send_response(conversation_id, {**message, "text": labelled})


async def _send_and_record(
    tracker: DialogueStateTracker,
    conversation_id: str,
    messages: list[dict[str, Any]],
    sender: Sender,
    extra_metadata: dict[str, Any] | None = None,
) -> bool:
    """Send on the user's latest channel and append ``BotUttered`` events. Returns delivered."""
    channel = tracker.get_latest_input_channel()
    output = output_for(channel)
    delivered = output is not None
    region = tracker.get_slot("region") if "region" in tracker.slots else None
    for message in messages:
        if output is not None:
            try:
                await _deliver(output, conversation_id, message, sender, region)
            except Exception as error:  # the user still finds it in the transcript
                logger.warning("Push on %s not delivered: %s", channel, type(error).__name__)
                delivered = False
        data = {key: value for key, value in message.items() if key != "text"}
        metadata = {**sender.metadata(), **(extra_metadata or {})}
        tracker.update(BotUttered(message.get("text"), data, metadata))
    return delivered


async def push_messages(
    agent: Any, conversation_id: str, messages: list[dict[str, Any]], sender: Sender
) -> dict[str, Any] | None:
    """Send on the user's channel and record in the tracker, under the conversation lock."""
    async with agent.lock_store.lock(conversation_id):
        if not await agent.tracker_store.exists(conversation_id):
            return None
        tracker = await agent.processor.get_tracker(conversation_id)
        delivered = await _send_and_record(tracker, conversation_id, messages, sender)
        await agent.processor.save_tracker(tracker)
    channel = tracker.get_latest_input_channel()
    return {"channel": channel, "delivered": delivered, "count": len(messages)}


async def set_paused(
    agent: Any,
    conversation_id: str,
    paused: bool,
    bridge: str | None = None,
    coach_name: str | None = None,
) -> dict[str, Any] | None:
    """Pause or resume the bot and tell the user who answers now.

    On pause with ``coach_name``: the join notice. On resume: the bridging response.
    """
    async with agent.lock_store.lock(conversation_id):
        if not await agent.tracker_store.exists(conversation_id):
            return None
        tracker = await agent.processor.get_tracker(conversation_id)
        if paused and not tracker.is_paused():
            tracker.update(ConversationPaused())
        elif not paused and tracker.is_paused():
            tracker.update(ConversationResumed())
        delivered = None
        if paused and coach_name:
            region = tracker.get_slot("region") if "region" in tracker.slots else None
            notice = join_notice(coach_name, region)
            delivered = await _send_and_record(
                tracker, conversation_id, [notice], Sender(), dict(notice["custom"])
            )
        if not paused and bridge:
            channel = tracker.get_latest_input_channel() or "rest"
            rendered = await agent.nlg.generate(bridge, tracker, channel)
            if rendered:
                message = {key: rendered[key] for key in MESSAGE_KEYS if rendered.get(key)}
                message["custom"] = {**(message.get("custom") or {}), "handoff": "bot"}
                delivered = await _send_and_record(
                    tracker,
                    conversation_id,
                    [message],
                    Sender(),
                    {"utter_action": bridge, "handoff": "bot"},
                )
        await agent.processor.save_tracker(tracker)
    return {"paused": tracker.is_paused(), "delivered": delivered}


async def erase_jobseeker(
    agent: Any, jobseeker_id: str, conversation_id: str | None, coach_id: int
) -> dict[str, int]:
    """Erase under the conversation lock, so no turn in flight writes its tracker back."""
    if conversation_id is None:
        return await run_db(erasure.erase, None, jobseeker_id, coach_id)
    async with agent.lock_store.lock(conversation_id):
        return await run_db(erasure.erase, conversation_id, jobseeker_id, coach_id)
