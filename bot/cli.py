"""One command-line entry: `python -m bot.cli run | shell`."""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import sys
import time

from bot.config import settings
from bot.services import MODEL, VENV_BIN, action_server, all_services, running, service_env

CHAT_HELP = """
Werkmaatje is running.
  Web chat widget:             http://localhost:{web}/chat
  Rasa server (REST channel):  http://localhost:{rasa}/webhooks/rest/webhook
  Action server:               http://localhost:{actions}/health
  Logs:                        var/logs/

Chat with it:
  in the browser:   http://localhost:{web}/chat  (Flemish: http://localhost:{web}/chat?regio=be)
  in the terminal:  make shell
  on Telegram:      see README, "Telegram" (TELEGRAM_TOKEN, then `make telegram-poll`)
  over REST:        curl -s localhost:{rasa}/webhooks/rest/webhook \\
                      -H 'Content-Type: application/json' -d '{{"sender": "ik", "message": "hoi"}}'

Stop with Ctrl-C.
"""


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into the same clean shutdown as Ctrl-C, so no server is orphaned."""

    def handler(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def run() -> int:
    _stop_on_sigterm()
    services = all_services()
    print("Starting the action server, Rasa and the web app (about a minute)...", flush=True)
    with running(services):
        config = settings()
        print(
            CHAT_HELP.format(rasa=config.rasa_port, actions=config.action_port, web=config.web_port)
        )
        try:
            while all(service.alive() for service in services):
                time.sleep(1)
        except KeyboardInterrupt:
            return 0
    print("A service stopped; see var/logs/.", file=sys.stderr)
    return 1


def shell() -> int:
    with running([action_server()]):
        command = [str(VENV_BIN / "rasa"), "shell", "--model", str(MODEL)]
        return subprocess.call([*command, "--endpoints", "endpoints.yml"], env=service_env())


def telegram(args: argparse.Namespace) -> int:
    """Webhook set-up is a deliberate act, never part of start-up."""
    from bot.channels import telegram_admin

    if args.action == "set-webhook":
        print(asyncio.run(telegram_admin.set_webhook(args.url)))
        return 0
    if args.action == "delete-webhook":
        print(asyncio.run(telegram_admin.delete_webhook()))
        return 0
    return asyncio.run(telegram_admin.poll())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="werkmaatje")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start Rasa, the action server and the web app")
    commands.add_parser("shell", help="chat in the terminal")
    tg = commands.add_parser("telegram", help="Telegram set-up (needs TELEGRAM_TOKEN)")
    tg_actions = tg.add_subparsers(dest="action", required=True)
    hook = tg_actions.add_parser(
        "set-webhook", help="point Telegram at <url>/webhooks/telegram/webhook"
    )
    hook.add_argument("url", help="public https base URL of the Rasa server")
    tg_actions.add_parser("delete-webhook", help="stop webhook delivery")
    tg_actions.add_parser("poll", help="long polling: try a real bot without a public URL")
    args = parser.parse_args(argv)
    if args.command == "telegram":
        return telegram(args)
    return {"run": run, "shell": shell}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
