"""One command-line entry: `python -m bot.cli run | shell`."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

from bot.config import settings
from bot.services import MODEL, VENV_BIN, action_server, rasa_server, running, service_env

CHAT_HELP = """
Werkmaatje is running.
  Rasa server (REST channel):  http://localhost:{rasa}/webhooks/rest/webhook
  Action server:               http://localhost:{actions}/health
  Logs:                        var/logs/

Chat with it:
  in the terminal:  make shell
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
    services = [action_server(), rasa_server()]
    print("Starting the action server and the Rasa server (about a minute)...", flush=True)
    with running(services):
        print(CHAT_HELP.format(rasa=settings().rasa_port, actions=settings().action_port))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="werkmaatje")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the Rasa server and the action server")
    commands.add_parser("shell", help="chat in the terminal")
    args = parser.parse_args(argv)
    return {"run": run, "shell": shell}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
