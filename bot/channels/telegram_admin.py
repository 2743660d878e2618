"""Telegram set-up from the command line: ``python -m bot.cli telegram ...``.

Setting the webhook is a deliberate act, never part of start-up. ``poll`` is for
trying a real bot without a public URL: it fetches updates with long polling
and posts each one to our own local webhook, so there is one code path.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable
from typing import Any, TypeVar

import httpx
from telegram.error import TelegramError

from bot.channels.telegram_render import SECRET_HEADER, make_bot
from bot.config import settings

logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines contain the token

T = TypeVar("T")

WEBHOOK_PATH = "/webhooks/telegram/webhook"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
POLL_TIMEOUT_S = 30
MAX_BACKOFF_S = 60.0
NO_TOKEN = (
    "TELEGRAM_TOKEN is not set. Create a bot with @BotFather in Telegram, then:\n"
    "  export TELEGRAM_TOKEN=<the token BotFather gave you>"
)


def _token() -> str:
    """The token, or a clear message and exit code 2 instead of a traceback."""
    token = settings().telegram_token
    if not token:
        print(NO_TOKEN, file=sys.stderr)
        raise SystemExit(2)
    return token


async def set_webhook(public_url: str) -> str:
    """Point Telegram at our webhook, with the secret it must send back."""
    config = settings()
    url = public_url.rstrip("/") + WEBHOOK_PATH
    try:
        async with make_bot(_token(), config.telegram_api_base) as bot:
            await bot.set_webhook(
                url, secret_token=config.telegram_secret, allowed_updates=ALLOWED_UPDATES
            )
            return f"Telegram now sends updates for @{bot.username} to {url}"
    except TelegramError as error:
        print(f"Telegram refused: {error}", file=sys.stderr)
        raise SystemExit(1) from None


async def delete_webhook() -> str:
    try:
        async with make_bot(_token(), settings().telegram_api_base) as bot:
            await bot.delete_webhook()
            return f"Webhook for @{bot.username} deleted; use `telegram poll` or set it again."
    except TelegramError as error:
        print(f"Telegram refused: {error}", file=sys.stderr)
        raise SystemExit(1) from None


class ForwardError(Exception):
    """The local webhook did not take the update; it is fetched again later."""


async def poll() -> int:
    """Long polling → local webhook, until Ctrl-C. Returns the exit code."""
    config = settings()
    token = config.telegram_token
    if not token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        async with make_bot(token, config.telegram_api_base) as bot:
            await bot.delete_webhook()  # Telegram refuses getUpdates while a webhook is set
            username = bot.username
    except Exception as error:
        print(f"Could not reach Telegram: {error}", file=sys.stderr)
        return 1
    local = f"http://localhost:{config.rasa_port}{WEBHOOK_PATH}"
    print(f"Polling for @{username}; forwarding to {local}. Stop with Ctrl-C.", flush=True)
    api = f"{config.telegram_api_base.rstrip('/')}/bot{token}"
    timeout = httpx.Timeout(POLL_TIMEOUT_S + 10, connect=10)
    async with httpx.AsyncClient(timeout=timeout) as client:
        await _poll_loop(client, api, local, config.telegram_secret, stop)
    print("Stopped polling.", flush=True)
    return 0


async def _poll_loop(
    client: httpx.AsyncClient, api: str, local: str, secret: str, stop: asyncio.Event
) -> None:
    offset: int | None = None
    backoff = 1.0
    while not stop.is_set():
        try:
            updates = await _until_stopped(_get_updates(client, api, offset), stop)
            if updates is None:
                return
            for update in updates:
                await _forward(client, local, secret, update)
                offset = int(update["update_id"]) + 1  # confirmed only once it is ours
            backoff = 1.0
        except (httpx.HTTPError, ForwardError, ValueError, KeyError, TypeError) as error:
            print(f"{error}; trying again in {backoff:.0f} s", file=sys.stderr, flush=True)
            if await _until_stopped(asyncio.sleep(backoff, result=True), stop) is None:
                return
            backoff = min(backoff * 2, MAX_BACKOFF_S)


async def _until_stopped(work: Awaitable[T], stop: asyncio.Event) -> T | None:
    """The result of ``work``, or None when Ctrl-C came first (``work`` is cancelled)."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        stopper.cancel()
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    return None


async def _get_updates(
    client: httpx.AsyncClient, api: str, offset: int | None
) -> list[dict[str, Any]]:
    """Raw updates, exactly as Telegram sends them to a webhook."""
    params: dict[str, Any] = {"timeout": POLL_TIMEOUT_S, "allowed_updates": ALLOWED_UPDATES}
    if offset is not None:
        params["offset"] = offset
    answer = await client.post(f"{api}/getUpdates", json=params)
    body = answer.json()
    if not body.get("ok"):
        raise ForwardError(f"getUpdates: {body.get('description', answer.status_code)}")
    result = body.get("result")
    if not isinstance(result, list):
        raise ForwardError("getUpdates: no list of updates")
    return result


async def _forward(
    client: httpx.AsyncClient, local: str, secret: str, update: dict[str, Any]
) -> None:
    try:
        answer = await client.post(local, json=update, headers={SECRET_HEADER: secret})
    except httpx.HTTPError as error:
        raise ForwardError(f"Rasa not reachable at {local} ({error.__class__.__name__})") from None
    if answer.status_code != 200:
        raise ForwardError(f"Webhook answered {answer.status_code}: {answer.text[:200]}")
