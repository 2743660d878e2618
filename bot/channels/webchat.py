"""The web chat channel: Rasa's socket.io channel with session persistence that works.

Rasa 3.6's ``SocketIOInput`` calls the coroutine ``sio.enter_room`` without
``await``. With python-socketio >= 5.10 the socket then never joins the room
named after the session id, so with ``session_persistence`` no bot message ever
reaches the browser (RasaHQ/rasa#13027 on GitHub). ``WebChatInput.blueprint`` is a
fixed copy that also checks what a browser may send.

The protocol stays that of Rasa's socket.io channel and the community widget
rasa-webchat 1.0.1: ``session_request`` / ``session_confirm``, ``user_uttered``
and ``bot_uttered``, metadata under ``customData`` (set in credentials.yml).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeGuard

from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels import followups, push
from bot.channels.limits import refuse_too_long, too_long_text
from bot.channels.telegram_render import command_payload
from bot.config import REGIONS, settings

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_MESSAGE = 2000
MAX_INVITE = 64
# How many messages a reloaded page gets back at most: enough to pick up the thread.
MAX_HISTORY_EVENTS = 300


def valid_session_id(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


def clean_metadata(raw: Any) -> dict[str, Any]:
    """Keep only what the bot uses; a browser can send anything under ``customData``."""
    metadata: dict[str, Any] = {}
    if isinstance(raw, dict):
        if raw.get("region") in REGIONS:
            metadata["region"] = raw["region"]
        invite = raw.get("invite")
        if isinstance(invite, str) and 0 < len(invite.strip()) <= MAX_INVITE:
            metadata["invite"] = invite.strip()
    metadata["channel"] = CHANNEL
    return metadata


class WebChatOutput(SocketIOOutput):
    """Rasa's socket.io output under our channel's name."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Send a custom payload as ``{"custom": ...}``.

        Rasa's version passes the payload's keys as arguments to ``emit``, which
        fails for anything but rasa-webchat's own ``data`` key. The widget shows
        a custom payload's ``text``, as Telegram does.
        """
        await self._send_message(recipient_id, {"custom": json_message})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """An image with its text alternative (``alt``, from the action) for the <img>."""
        alt = kwargs.get("alt")
        payload = {"src": image, **({"alt": alt} if isinstance(alt, str) else {})}
        await self._send_message(
            recipient_id, {"attachment": {"type": "image", "payload": payload}}
        )

    async def send_from_person(self, recipient_id: str, text: str, name: str) -> None:
        """A coach's message: the widget shows the name above it (see the push endpoint)."""
        await self._send_message(recipient_id, {"text": text, "sender": "coach", "name": name})


def online(sio: AsyncServer, namespace: str | None, conversation_id: str) -> bool:
    """Whether a browser has this conversation open (its socket joined the room)."""
    try:
        return any(True for _ in sio.manager.get_participants(namespace or "/", conversation_id))
    except KeyError:  # nobody ever joined, or everybody left
        return False


class WebChatInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def get_output_channel(self) -> WebChatOutput | None:
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint with ``enter_room`` awaited and the browser's input checked."""
        on_new_message = refuse_too_long(on_new_message)  # its own, lower limit comes first
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=list(settings().webchat_origins))
        webhook = SocketBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)
        self.sio = sio
        push.register_output(CHANNEL, lambda: WebChatOutput(sio, self.bot_message_evt))
        namespace = self.namespace
        followups.register_presence(CHANNEL, lambda sender: online(sio, namespace, sender))

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            return await self._history(request)

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            if not self.jwt_key:
                return True
            token = auth.get("token") if isinstance(auth, dict) else None
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if valid_session_id(requested) else uuid.uuid4().hex
            async with sio.session(sid, namespace=namespace) as session:
                previous = session.get("session_id")
                session["session_id"] = session_id
            if self.session_persistence:
                # "Nieuw gesprek" on the same socket: stop receiving the old conversation.
                if previous and previous != session_id:
                    await sio.leave_room(sid, previous, namespace=namespace)
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)
            if session_id == requested:  # a returning visitor: due follow-ups come now
                followups.visit(session_id)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message"), str):
                return
            text = data["message"].strip()
            if not text:
                return
            if len(text) > MAX_MESSAGE:
                too_long = too_long_text(clean_metadata(data.get(self.metadata_key)))
                await sio.emit(
                    self.bot_message_evt, {"text": too_long}, room=sid, namespace=namespace
                )
                return
            text = command_payload(text)
            sender_id = await self._sender_id(sid, data)
            if sender_id is None:
                logger.warning("Web chat message without a session; send session_request first")
                return
            await on_new_message(
                UserMessage(
                    text,
                    WebChatOutput(sio, self.bot_message_evt),
                    sender_id,
                    input_channel=CHANNEL,
                    metadata=clean_metadata(data.get(self.metadata_key)),
                )
            )

        return webhook

    async def _sender_id(self, sid: str, data: dict[str, Any]) -> str | None:
        """The conversation this socket confirmed; a message for another one is refused."""
        if not self.session_persistence:
            return sid
        assert self.sio is not None
        session = await self.sio.get_session(sid, namespace=self.namespace)
        confirmed = session.get("session_id")
        claimed = data.get("session_id")
        if confirmed is None or (claimed is not None and claimed != confirmed):
            return None
        return str(confirmed)

    async def _history(self, request: Request) -> HTTPResponse:
        """The user and bot events of a web chat conversation, for the widget after a reload.

        Rasa's ``GET /conversations/{id}/tracker`` runs ``action_session_start``
        for an unknown conversation: the action server would then record the
        AI disclosure as given while the user never saw it. This reads the
        tracker store without side effects. Rasa API token as Bearer.
        """
        if not push.authorised(request):
            return response.json({"error": "unauthorised"}, status=401)
        session_id = request.args.get("session_id")
        if not valid_session_id(session_id):
            return response.json({"error": "invalid session_id"}, status=400)
        store = request.app.ctx.agent.tracker_store
        if not await store.exists(session_id):
            return response.json({"events": []})
        tracker = await store.retrieve_full_tracker(session_id)
        if tracker is None or tracker.get_latest_input_channel() != CHANNEL:
            return response.json({"events": []})
        events = [_shown(e) for e in tracker.events_after_latest_restart()]
        return response.json({"events": [e for e in events if e][-MAX_HISTORY_EVENTS:]})


def _shown(event: Event) -> dict[str, Any] | None:
    """What a chat view needs of an event: no NLU results, no metadata but who wrote it.

    Session starts are kept as markers: what they say (the AI disclosure) is
    stored before the user's first words, but answered them.
    """
    if isinstance(event, UserUttered):
        return {"event": "user", "text": event.text, "timestamp": event.timestamp}
    if isinstance(event, BotUttered):
        shown = {"event": "bot", "text": event.text, "data": event.data}
        alt = (event.metadata or {}).get("alt")
        if isinstance(alt, str) and (event.data or {}).get("image"):
            shown["data"] = {**event.data, "alt": alt}
        if (event.metadata or {}).get("sent_by") == "coach":
            shown["metadata"] = {"sent_by": "coach", "coach_name": event.metadata.get("coach_name")}
        return {**shown, "timestamp": event.timestamp}
    if isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME:
        return {"event": "action", "name": event.action_name, "timestamp": event.timestamp}
    return None
