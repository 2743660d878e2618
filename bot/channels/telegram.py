"""Telegram channel on python-telegram-bot, replacing Rasa's aiogram channel.

Why our own: Rasa's channel does not check Telegram's secret token, calls
``getMe`` on every update, crashes on updates without a message and needs
Telegram at start-up (GUIDE §7). This one:

- accepts an update only with the secret header, stores it in a durable inbox
  (``telegram_updates``, idempotent on ``update_id``), answers 200 at once and
  handles it in the background, in order per chat, also across Rasa replicas
  (the chat's lock in Rasa's lock store; :class:`UpdateProcessor`); unhandled
  updates are picked up again when the server starts;
- gives Rasa a pseudonymous conversation id; the chat id lives only in
  ``telegram_chats``;
- maps the menu commands to intents and never lets typed text pass as an
  intent payload;
- sends replies with inline keyboards, split to Telegram's size limits.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any, Literal
from uuid import uuid4

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot import media
from bot.channels import push, telegram_render
from bot.channels.limits import refuse_too_long
from bot.channels.telegram_render import SECRET_HEADER, Inbound, Outgoing, make_bot
from bot.config import settings
from bot.i18n import texts
from bot.privacy import export
from bot.store import jobseekers
from bot.store import telegram as store
from bot.store.db import run_db
from bot.store.models import utcnow
from bot.store.pseudonym import pseudonym

logger = logging.getLogger(__name__)
# httpx logs every request URL at INFO, and a Bot API URL contains the token.
logging.getLogger("httpx").setLevel(logging.WARNING)

CHANNEL = "telegram"
MAX_UPDATE_ID = 2**63 - 1  # the inbox column is a 64-bit integer
PRUNE_EVERY_S = 3600.0
AGENT_WAIT_S = 120.0
LOCK_POLL_S = 0.05  # how often a drain waiting for a chat's lock looks again
BUSY_WAIT_S = 1.0  # another handler has the chat's oldest update: look again after this
DRAIN_TRIES = 3  # lock store or database failures in a row before a drain gives up

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def conversation_id_for(chat_id: int) -> str:
    """The only id Rasa sees: a keyed hash of the chat id, never the chat id itself."""
    return "tg-" + pseudonym(str(chat_id))[:24]


class DeliveryError(Exception):
    """A message could not be delivered (unknown or blocked chat, Telegram error)."""


class BotHolder:
    """One ``telegram.Bot``, created and initialised on first use, never at start-up."""

    def __init__(self, token: str, api_base: str) -> None:
        self._token = token
        self._api_base = api_base.rstrip("/")
        self._bot: Bot | None = None
        self._lock: asyncio.Lock | None = None

    async def get(self) -> Bot:
        if self._bot is not None:
            return self._bot
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._bot is None:
                bot = make_bot(self._token, self._api_base)
                await bot.initialize()  # getMe; retried on the next send if it fails
                self._bot = bot
        return self._bot


class TelegramOutput(OutputChannel):
    """Sends Rasa responses to a Telegram chat.

    ``strict`` outputs raise :class:`DeliveryError` when a message does not
    arrive, so the push endpoint reports it. Inside Rasa's own turn an error
    must not escape (Rasa would not save the tracker), so that output only logs.
    """

    def __init__(
        self, holder: BotHolder, strict: bool = False, chat: tuple[str, int] | None = None
    ) -> None:
        self.holder = holder
        self.strict = strict
        # The turn's own chat: still reachable when the turn erased the chat link.
        self.chat = chat

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        try:
            await self._send(recipient_id, message)
        except DeliveryError:
            if self.strict:
                raise
        except Exception as error:
            logger.exception("Telegram send to %s failed", recipient_id)
            if self.strict:
                raise DeliveryError(str(error)) from error

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": quick_replies})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"image": image})

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"custom": json_message})

    async def _send(self, recipient_id: str, message: dict[str, Any]) -> None:
        link = await run_db(store.chat_for, recipient_id)
        if link is None and self.chat is not None and self.chat[0] == recipient_id:
            link = store.ChatLink(chat_id=self.chat[1], blocked=False)
        if link is None or link.blocked:
            state = "blocked" if link else "unknown"
            logger.info("Not sending to %s conversation %s", state, recipient_id)
            raise DeliveryError(f"{state} conversation")
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get(export.CHAT_PAYLOAD):
            await self._send_export(recipient_id, link.chat_id)
        empty = texts(None).gettext("Kies een knop.")
        for part in telegram_render.plan(message, empty_text=empty):
            await self._deliver(link.chat_id, part)

    async def _send_export(self, recipient_id: str, chat_id: int) -> None:
        """The user's export as uploaded files: the summary and the JSON."""
        data = await run_db(export.collect, recipient_id)
        if data is None:
            return
        bot = await self.holder.get()
        for name, body in export.files(data):
            await _with_retry(partial(_send_document, bot, chat_id, body, name))

    async def _deliver(self, chat_id: int, part: Outgoing) -> None:
        bot = await self.holder.get()
        markup = telegram_render.keyboard(part.buttons)
        try:
            await _with_retry(lambda: self._call(bot, chat_id, part, markup))
        except Forbidden as error:  # the user blocked the bot or deleted the chat
            await run_db(store.set_blocked, chat_id, True)
            raise DeliveryError("blocked by the user") from error

    @staticmethod
    async def _call(bot: Bot, chat_id: int, part: Outgoing, markup: Any) -> None:
        if part.photo is None:
            await bot.send_message(chat_id, part.text, reply_markup=markup)
            return
        # Our own images are uploaded: Telegram's servers cannot fetch a private URL.
        own = await asyncio.to_thread(media.load, part.photo)
        try:
            await bot.send_photo(
                chat_id, own or part.photo, caption=part.text or None, reply_markup=markup
            )
        except BadRequest:  # Telegram could not fetch the image: the text still matters
            logger.warning("Telegram refused an image; sending its text only")
            if part.text or markup is not None:
                await bot.send_message(chat_id, part.text or "…", reply_markup=markup)


async def _send_document(bot: Bot, chat_id: int, body: bytes, name: str) -> None:
    await bot.send_document(chat_id, body, filename=name)


async def _with_retry(call: Callable[[], Awaitable[None]]) -> None:
    """One retry after Telegram's flood control asks us to wait."""
    try:
        await call()
    except RetryAfter as error:
        wait = error.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        await asyncio.sleep(min(seconds, 30.0))
        await call()


_holder: BotHolder | None = None
_outputs: dict[bool, TelegramOutput] = {}


def cached_output(strict: bool = False) -> TelegramOutput | None:
    """The process-wide output (one Bot behind it); None without a token."""
    global _holder
    config = settings()
    if not config.telegram_token:
        return None
    if _holder is None:
        _holder = BotHolder(config.telegram_token, config.telegram_api_base)
    if strict not in _outputs:
        _outputs[strict] = TelegramOutput(_holder, strict=strict)
    return _outputs[strict]


def push_output() -> TelegramOutput | None:
    return cached_output(strict=True)


def chat_lock_key(chat_key: str) -> str:
    """The chat's lock in Rasa's lock store: not the conversation id, which Rasa's own turn locks.

    ``chat_key`` is the inbox's keyed hash of the chat id, so Redis never sees a chat id.
    """
    return f"telegram-chat:{chat_key}"


def lock_store_of(app: Sanic | None) -> LockStore | None:
    """Rasa's configured lock store (in-memory, or Redis across replicas), once the agent exists."""
    agent = getattr(app.ctx, "agent", None) if app is not None else None
    locks = getattr(agent, "lock_store", None)
    return locks if isinstance(locks, LockStore) else None


class UpdateProcessor:
    """Handles accepted updates in background tasks, one chat at a time, in order.

    Each accepted update starts a *drain* of its chat: under the chat's lock in
    Rasa's lock store, claim the chat's oldest unhandled update in the inbox,
    handle it, mark it handled, release the lock; again until none is left. With
    several Rasa replicas (Redis lock store) a replica that gets the lock after
    another finds the other's updates already handled, so a chat's updates are
    handled once each, in ``update_id`` order, whichever replica accepted them.
    The claim in the row guards the order too when the lock store lets two in
    (Rasa's Redis tickets are not atomic) or a lock outlives its lifetime.
    """

    def __init__(self, on_new_message: OnNewMessage) -> None:
        self.on_new_message = on_new_message
        self.owner = uuid4().hex  # this process, in the inbox's claims
        self._tasks: set[asyncio.Task[None]] = set()  # keeps tasks from being collected
        # Updates accepted here, unmasked, until handled: the live turn sees the raw text.
        self._raw: dict[int, dict[str, Any]] = {}
        # Until Rasa's agent is there (and in tests without one): one process, so in memory.
        self._local_locks = InMemoryLockStore()
        self._last_prune = 0.0

    def schedule(self, update_id: int, payload: dict[str, Any], app: Sanic | None = None) -> None:
        """Handle an update this process accepted (``payload`` unmasked), in its chat's order."""
        self._raw[update_id] = payload
        self.spawn(self._drain(store.chat_key_of(payload), update_id, self._locks(app)))

    def spawn(self, work: Awaitable[None]) -> None:
        """Run in the background, holding a reference until the task is done."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until every scheduled update is handled (used at shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _locks(self, app: Sanic | None) -> LockStore:
        return lock_store_of(app) or self._local_locks

    async def _drain(self, chat: str | None, update_id: int | None, locks: LockStore) -> None:
        """Handle what is waiting for the chat (or the one update without a chat), in order."""
        failures = 0
        try:
            while True:
                try:
                    outcome = await self._step(chat, update_id, locks)
                    failures = 0
                except Exception:
                    failures += 1
                    logger.exception("Telegram inbox step failed (%d/%d)", failures, DRAIN_TRIES)
                    if failures >= DRAIN_TRIES:  # the chat's next update or a restart goes on
                        return
                    outcome = store.BUSY
                if outcome is None:
                    break
                if outcome == store.BUSY:
                    await asyncio.sleep(BUSY_WAIT_S)
        finally:
            if update_id is not None:  # handled here or by another replica
                self._raw.pop(update_id, None)
        await self._maybe_prune()

    async def _step(
        self, chat: str | None, update_id: int | None, locks: LockStore
    ) -> bool | Literal["busy"] | None:
        """Claim and handle one update. True: handled one; BUSY: wait; None: nothing left."""
        lease = timedelta(seconds=LOCK_LIFETIME)
        # With an in-memory lock store this is the only process: others' claims are dead.
        others_alive = not isinstance(locks, InMemoryLockStore)
        if chat is None:
            if update_id is None:
                return None
            claim = await run_db(store.claim_update, update_id, self.owner, lease, others_alive)
            if isinstance(claim, store.Claim):
                await self._handle_claimed(claim)
                return None  # it was the only one
            return claim
        if not await run_db(store.waiting_in_chat, chat):
            return None  # handled already (by this drain or another replica's): no lock needed
        async with locks.lock(
            chat_lock_key(chat), lock_lifetime=LOCK_LIFETIME, wait_time_in_seconds=LOCK_POLL_S
        ):
            claim = await run_db(store.claim_next, chat, self.owner, lease, others_alive)
            if not isinstance(claim, store.Claim):
                return claim
            await self._handle_claimed(claim)
        return True

    async def _handle_claimed(self, claim: store.Claim) -> None:
        # Accepted here: the raw update; accepted elsewhere or before a restart: the masked copy.
        payload = self._raw.pop(claim.update_id, None) or claim.payload
        try:
            await self.handle(payload)
        except Exception:
            logger.exception("Telegram update %s failed", claim.update_id)
        try:
            await run_db(store.mark_handled, claim.update_id)
        except Exception:  # the claim runs out and the update is handled again
            logger.exception("Could not mark Telegram update %s handled", claim.update_id)

    async def _maybe_prune(self) -> None:
        if time.monotonic() - self._last_prune < PRUNE_EVERY_S:
            return
        self._last_prune = time.monotonic()
        try:
            removed = await run_db(store.prune_handled)
            logger.debug("Pruned %d handled Telegram updates", removed)
        except Exception:
            logger.exception("Pruning Telegram updates failed")

    async def recover(self, app: Sanic) -> None:
        """Handle what was accepted before a crash or restart but never handled.

        With several replicas this also drains chats another replica is working
        on; the chat lock makes that harmless.
        """
        started = utcnow()
        await self._maybe_prune()
        deadline = time.monotonic() + AGENT_WAIT_S
        while not _agent_ready(app):
            if time.monotonic() > deadline:
                logger.error("No Rasa agent: unhandled Telegram updates wait for a restart")
                return
            await asyncio.sleep(0.5)
        pending = await run_db(store.pending_updates, started)
        if pending:
            logger.info("Handling %d Telegram updates left from before the start", len(pending))
        locks = self._locks(app)
        chats: set[str] = set()
        for update_id, chat in pending:
            if chat is None:
                self.spawn(self._drain(None, update_id, locks))
            elif chat not in chats:
                chats.add(chat)
                self.spawn(self._drain(chat, None, locks))

    async def handle(self, update: dict[str, Any]) -> None:
        if isinstance(update.get("message"), dict):
            await self._on_message(update["message"])
        elif isinstance(update.get("callback_query"), dict):
            await self._on_callback(update["callback_query"])
        elif isinstance(update.get("my_chat_member"), dict):
            await self._on_member(update["my_chat_member"])
        elif "edited_message" in update:
            logger.debug("Ignoring an edited message")
        else:
            logger.debug("Ignoring a Telegram update of another type")

    async def _on_message(self, message: dict[str, Any]) -> None:
        chat = message.get("chat") or {}
        chat_id = telegram_render.chat_id_of({"message": message})
        if chat_id is None or chat.get("type") != "private":
            logger.debug("Ignoring a message outside a private chat")
            return
        conversation_id = conversation_id_for(chat_id)
        await run_db(store.link_chat, conversation_id, chat_id)
        text = message.get("text")
        if isinstance(text, str):
            await self._to_rasa(conversation_id, chat_id, telegram_render.map_text(text))
        elif telegram_render.is_non_text(message):
            await self._reply_text_only(conversation_id)
        else:
            logger.debug("Ignoring a service message")

    async def _on_callback(self, query: dict[str, Any]) -> None:
        query_id = query.get("id")
        if isinstance(query_id, str):  # stops the spinner on the user's button
            await _quietly(lambda bot: bot.answer_callback_query(query_id), "answerCallbackQuery")
        chat_id = telegram_render.chat_id_of({"callback_query": query})
        if chat_id is None:
            return
        message = query.get("message") if isinstance(query.get("message"), dict) else None
        # An old message comes back "inaccessible" (date 0): nothing to take away.
        editable = bool(
            message and isinstance(message.get("message_id"), int) and message.get("date")
        )
        if message and editable and not await _remove_keyboard(chat_id, message["message_id"]):
            logger.debug("Second tap on a keyboard already removed: ignored")
            return
        data = query.get("data")
        if not isinstance(data, str) or not data.strip():
            return
        conversation_id = conversation_id_for(chat_id)
        await run_db(store.link_chat, conversation_id, chat_id)
        inbound = Inbound(telegram_render.callback_text(data, message))
        await self._to_rasa(conversation_id, chat_id, inbound)

    async def _on_member(self, member: dict[str, Any]) -> None:
        chat_id = telegram_render.chat_id_of({"my_chat_member": member})
        status = (member.get("new_chat_member") or {}).get("status")
        if chat_id is None or status not in ("kicked", "member"):
            return
        known = await run_db(store.set_blocked, chat_id, status == "kicked")
        logger.info("Telegram chat %s the bot", "blocked" if status == "kicked" else "unblocked")
        if not known:
            logger.debug("Membership change for a chat we never spoke with")

    async def _to_rasa(self, conversation_id: str, chat_id: int, inbound: Inbound) -> None:
        shared = cached_output()
        assert shared is not None  # the webhook accepts nothing without a token
        output = TelegramOutput(shared.holder, chat=(conversation_id, chat_id))
        await _quietly(
            lambda bot: bot.send_chat_action(chat_id, ChatAction.TYPING), "sendChatAction"
        )
        metadata: dict[str, Any] = {"channel": CHANNEL, **inbound.metadata}
        logger.debug("Telegram message for %s: %s", conversation_id, inbound.text)
        await self.on_new_message(
            UserMessage(
                inbound.text,
                output,
                conversation_id,
                input_channel=CHANNEL,
                metadata=metadata,
            )
        )

    async def _reply_text_only(self, conversation_id: str) -> None:
        profile = await run_db(jobseekers.get_profile, conversation_id)
        region = profile.region if profile else None
        text = texts(region).gettext("Ik kan alleen tekst lezen. Typ je vraag, of kies een knop.")
        output = cached_output()
        assert output is not None
        await output.send_text_message(conversation_id, text)


async def _bot() -> Bot:
    output = cached_output()
    if output is None:
        raise DeliveryError("no TELEGRAM_TOKEN")
    return await output.holder.get()


async def _quietly(call: Callable[[Bot], Awaitable[Any]], what: str) -> None:
    """Nice-to-have calls (typing, callback answer) must not stop a message."""
    try:
        await call(await _bot())
    except Exception as error:
        logger.warning("Telegram %s failed: %s", what, error)


async def _remove_keyboard(chat_id: int, message_id: int) -> bool:
    """Take a tapped keyboard away, so a button cannot be tapped twice.

    False when Telegram says the keyboard was already gone: a second tap that
    arrived before the first was handled.
    """
    try:
        await (await _bot()).edit_message_reply_markup(chat_id, message_id)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return False
        logger.warning("Could not remove an inline keyboard: %s", error)
    except Exception as error:
        logger.warning("Could not remove an inline keyboard: %s", error)
    return True


def _agent_ready(app: Sanic) -> bool:
    agent = getattr(app.ctx, "agent", None)
    return bool(agent is not None and agent.is_ready())


def parse_update(body: bytes) -> dict[str, Any] | None:
    """The update as a dict with a usable update_id, or None when it is malformed."""
    try:
        update = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep
        return None
    if not isinstance(update, dict):
        return None
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None
    return update if 0 <= update_id <= MAX_UPDATE_ID else None


class TelegramInput(InputChannel):
    """The webhook Telegram posts to: ``/webhooks/telegram/webhook``."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        # Token and secret come from the environment (bot.config), never from a file.
        return cls()

    def get_output_channel(self) -> OutputChannel | None:
        return cached_output()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        push.register_output(CHANNEL, push_output)
        processor = UpdateProcessor(refuse_too_long(on_new_message))
        telegram = Blueprint("telegram_webhook", __name__)

        @telegram.listener("after_server_start")
        async def recover(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
            if settings().telegram_token:
                processor.spawn(_recover_safely(processor, app))

        @telegram.listener("before_server_stop")
        async def drain(_app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
            try:
                await asyncio.wait_for(processor.idle(), timeout=10)
            except asyncio.TimeoutError:
                logger.warning("Telegram updates still running at shutdown; handled after restart")

        @telegram.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": bool(settings().telegram_token)})

        @telegram.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            config = settings()
            if not config.telegram_token:
                return response.json({"error": "Telegram is not configured"}, status=503)
            secret = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(secret.encode(), config.telegram_secret.encode()):
                return response.json({"error": "forbidden"}, status=403)
            update = parse_update(request.body or b"")
            if update is None:
                return response.json({"error": "not a Telegram update"}, status=400)
            update_id = update["update_id"]
            try:
                accepted = await run_db(store.accept_update, update_id, update)
            except Exception:  # Telegram retries on any non-2xx answer
                logger.exception("Could not store Telegram update %s", update_id)
                return response.json({"error": "try again later"}, status=503)
            if not accepted:
                return response.json({"status": "duplicate"})
            processor.schedule(update_id, update, request.app)
            return response.json({"status": "accepted"})

        return telegram


async def _recover_safely(processor: UpdateProcessor, app: Sanic) -> None:
    try:
        await processor.recover(app)
    except Exception:
        logger.exception("Re-processing unhandled Telegram updates failed")
