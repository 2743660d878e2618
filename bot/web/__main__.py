"""``python -m bot.web``: serve the web app on ``WEB_PORT`` (8080)."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from bot.config import SettingsError, settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__)
    # Loopback by default; a container or a reverse proxy on another host needs 0.0.0.0.
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    try:
        settings()  # a wrong value is one line, as in bot.cli and bot.launch
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    # Imported once the settings are known good: the dashboard reads some at import.
    from bot.web.app import create_app
    from bot.web.logs import log_config

    uvicorn.run(
        create_app(),
        host=args.host,
        port=settings().web_port,
        server_header=False,
        # uvicorn's default websocket backend needs a newer `websockets` than Rasa pins;
        # the app serves no websockets (the chat socket is Rasa's).
        ws="none",
        proxy_headers=True,
        log_level="info",
        log_config=log_config(),
    )


if __name__ == "__main__":
    main()
