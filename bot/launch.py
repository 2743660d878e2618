"""Start Rasa or the action server with their secrets kept off the command line.

Every local user can read a process's command line (``ps``, /proc/PID/cmdline), so
``rasa run --auth-token <token>`` showed the API token to all of them. This
launcher is started without secrets::

    python -m bot.launch rasa run --model ... --enable-api ...
    python -m bot.launch actions --port 5055

It reads them from the environment or the generated files under var/secrets/
(bot.config), then in this same process:

- ``rasa``: adds ``--auth-token`` (when ``--enable-api``) and ``--interface``
  (BIND_HOST) to ``sys.argv`` and calls Rasa's CLI entry. A changed ``sys.argv``
  never reaches /proc/PID/cmdline. ``ACTION_SERVER_TOKEN`` and ``ACTION_PORT`` are
  put into the environment, where endpoints.yml's ``${...}`` reads them, and
  Sanic's access log is turned off (SANIC_ACCESS_LOG): it writes ``?token=``.
- ``actions``: builds rasa-sdk's Sanic app behind :mod:`bot.action_guard` (token,
  body checks) and runs it on BIND_HOST without an access log (its lines carry
  the URL, and with it the token).

Both start with umask 077: whatever they create (the SQLite file, logs Rasa
writes itself) is private to this user.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.config import Settings, SettingsError, settings

PRIVATE_UMASK = 0o077


def _has_option(argv: list[str], *names: str) -> bool:
    return any(arg in names or arg.startswith(tuple(f"{n}=" for n in names)) for arg in argv)


def rasa_argv(argv: list[str], config: Settings) -> list[str]:
    """Rasa's arguments with the secret and the interface added where they belong.

    ``argv`` is what follows ``rasa``. The token goes to commands that serve the
    HTTP API; the interface to those that start a server (``run``, ``shell``), not
    to ``rasa run actions`` (use the ``actions`` command of this launcher).
    """
    if not argv or argv[0] not in ("run", "shell") or argv[1:2] == ["actions"]:
        return list(argv)
    extra: list[str] = []
    if "--enable-api" in argv and not _has_option(argv, "--auth-token", "-t"):
        extra += ["--auth-token", config.rasa_api_token]
    if not _has_option(argv, "--interface", "-i"):
        extra += ["--interface", config.bind_host]
    return [*argv, *extra]


def export_action_endpoint(config: Settings) -> None:
    """What endpoints.yml's ``${ACTION_SERVER_TOKEN}`` and ``${ACTION_PORT}`` read.

    Written into this process's environment, which Rasa's reader expands: the
    checked values, so the file always gets a valid port.
    """
    os.environ["ACTION_SERVER_TOKEN"] = config.action_server_token
    os.environ["ACTION_PORT"] = str(config.action_port)


def run_rasa(argv: list[str]) -> int:
    config = settings()
    export_action_endpoint(config)
    # Sanic's access log writes the URL, and the API token travels as ?token=.
    os.environ["SANIC_ACCESS_LOG"] = "false"
    from rasa.__main__ import main as rasa_main

    from bot import runtime

    # Explicitly, here: only the Rasa server process runs with Rasa patched.
    runtime.install(
        inference_cache_mb=config.inference_cache_mb,
        state_history_entries=config.state_history_entries,
    )
    sys.argv = ["rasa", *rasa_argv(argv, config)]
    rasa_main()
    return 0


def run_actions(argv: list[str]) -> int:
    """rasa-sdk's server as ``rasa run actions`` starts it, behind the guard."""
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.plugin import plugin_manager

    from bot.action_guard import guard

    config = settings()
    parser = argparse.ArgumentParser(prog="python -m bot.launch actions")
    parser.add_argument("--port", type=int, default=config.action_port)
    parser.add_argument("--host", default=config.bind_host)
    parser.add_argument("--actions", default="actions", help="package with the actions")
    args = parser.parse_args(argv)

    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(logging.INFO)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), None, logging.INFO, None
    )
    utils.update_sanic_log_level()
    # No CORS: browsers never talk to the action server.
    app = guard(create_app(args.actions, cors_origins=None), config.action_server_token)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    logging.getLogger(__name__).info("Action server on http://%s:%d", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


COMMANDS = {"rasa": run_rasa, "actions": run_actions}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m bot.launch {{{','.join(COMMANDS)}}} [arguments]", file=sys.stderr)
        return 2
    os.umask(PRIVATE_UMASK)
    try:
        settings()  # checked before Rasa or the action server starts
        return COMMANDS[argv[0]](argv[1:])
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
