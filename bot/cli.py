"""One command-line entry: `python -m bot.cli run | prod | shell | telegram | coach | ...`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import (
    CONTENT_DIR,
    PROJECT_ROOT,
    VAR_DIR,
    SettingsError,
    private_dir,
    private_file,
    production_settings,
    settings,
)
from bot.services import LAUNCH, action_server, all_services, running, service_env

if TYPE_CHECKING:
    from bot.decision.catalogue import Catalogue

CHAT_HELP = """
Werkmaatje is running.
  Web chat widget:             http://localhost:{web}/chat
  Coach dashboard:             http://localhost:{web}/coach/
  Rasa server (REST channel):  http://localhost:{rasa}/webhooks/rest/webhook
  Action server:               http://localhost:{actions}/health
  Logs:                        var/logs/

Chat with it:
  in the browser:   http://localhost:{web}/chat  (Flemish: http://localhost:{web}/chat?regio=be)
  in the terminal:  make shell
  on Telegram:      see README, "Telegram" (TELEGRAM_TOKEN, then `make telegram-poll`)
  over REST:        curl -s localhost:{rasa}/webhooks/rest/webhook \\
                      -H 'Content-Type: application/json' -d '{{"sender": "ik", "message": "hoi"}}'

A first coach account (asks for a password, 12 characters or more):
  .venv/bin/python -m bot.cli team add "Team Nederland" --region nl_NL
  .venv/bin/python -m bot.cli coach add jij@example.org --name Jij --team "Team Nederland"

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
    with running(services), scheduled_retention():
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


def prod() -> int:
    """The production profile on loopback (docs/deployment.md): one command, Ctrl-C stops it."""
    from bot.deploy.profile import MissingBinary, Profile

    _stop_on_sigterm()
    try:
        profile = Profile()
    except MissingBinary as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # The retention run beside the servers works on the profile's database too.
    os.environ.update(profile.shared_env())
    print("Starting PostgreSQL, Redis, 2 Rasa, 2 action servers, the web app, nginx...")
    print(f"(a few minutes; logs in {profile.logs}/)", flush=True)
    try:
        with profile.up(), scheduled_retention():
            print(profile.summary(), flush=True)
            while True:
                for name in profile.revive():
                    print(f"{name} had stopped and was started again", file=sys.stderr)
                time.sleep(1)
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", None) or ""
        print(f"error: {error}\n{detail}".rstrip(), file=sys.stderr)
        return 1


@contextmanager
def scheduled_retention() -> Iterator[None]:
    """Run retention now and every RETENTION_EVERY_HOURS beside the servers (0: not here).

    A child process with its own log, so a failed run never stops the assistant.
    """
    hours = settings().retention_every_hours
    if hours <= 0:
        yield
        return
    log_path = private_dir(VAR_DIR / "logs") / "retention.log"
    with open(private_file(log_path), "ab") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "retention", "--every", str(hours)],
            cwd=PROJECT_ROOT,
            env=service_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


def retention(args: argparse.Namespace) -> int:
    """Delete old conversation events and escalation texts; keep anonymous counts."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.privacy import retention as policy

    config = settings()
    days = args.event_days if args.event_days is not None else config.retention_event_days
    escalation_days = args.escalation_days
    if escalation_days is None:
        escalation_days = config.retention_escalation_days
    while True:
        stamp = time.strftime("%Y-%m-%d %H:%M")
        print(f"{stamp}: events older than {days} days, escalations {escalation_days} days")
        try:
            report = policy.run(days, escalation_days, dry_run=args.dry_run)
            print("\n".join(report.lines()), flush=True)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        except SQLAlchemyError as error:  # in a loop: try again next time
            print(f"error: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
            if not args.every:
                return 1
        if not args.every:
            return 0
        time.sleep(args.every * 3600)


def add_retention_command(commands: argparse._SubParsersAction) -> None:
    keep = commands.add_parser(
        "retention", help="delete old conversation events and escalation texts (docs/privacy.md)"
    )
    keep.add_argument("--event-days", type=int, default=None, help="default RETENTION_EVENT_DAYS")
    keep.add_argument(
        "--escalation-days", type=int, default=None, help="default RETENTION_ESCALATION_DAYS"
    )
    keep.add_argument("--dry-run", action="store_true", help="only count what would go")
    keep.add_argument("--every", type=float, default=None, metavar="HOURS", help="run in a loop")


def shell() -> int:
    with running([action_server()]):
        command = [*LAUNCH, "rasa", "shell", "--model", str(settings().model)]
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


def read_password(from_stdin: bool) -> str:
    """From ``COACH_PASSWORD``, stdin or a prompt: never an argument (shell history, ps)."""
    password = settings().coach_password
    if password:
        return password
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("Password again: ") != first:
        raise ValueError("the passwords differ")
    return first


def accounts(args: argparse.Namespace) -> int:
    """Dashboard teams and accounts (see docs/dashboard.md)."""
    from bot.store import coaches

    try:
        if args.command == "team":
            team_id = coaches.create_team(args.name, args.region, args.invite)
            print(f"team {team_id}: {args.name}")
        elif args.action == "add":
            password = read_password(args.password_stdin)
            coach_id = coaches.create_coach(
                args.email, args.name, password, args.role, args.team, args.locale
            )
            print(f"coach {coach_id}: {args.email} ({args.role})")
        else:
            for coach in coaches.list_coaches():
                state = "" if coach.active else " (inactive)"
                print(
                    f"{coach.id}\t{coach.email}\t{coach.name}\t{coach.role}"
                    f"\t{coach.team_name or '-'}\t{coach.locale}{state}"
                )
    except (ValueError, LookupError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def add_account_commands(commands: argparse._SubParsersAction) -> None:
    team = commands.add_parser("team", help="dashboard teams")
    team_actions = team.add_subparsers(dest="action", required=True)
    team_add = team_actions.add_parser("add", help="create a team")
    team_add.add_argument("name")
    team_add.add_argument("--region", choices=["nl_NL", "nl_BE"], default=None)
    team_add.add_argument("--invite", default=None, help="invite code for deep links")
    coach = commands.add_parser("coach", help="dashboard accounts")
    coach_actions = coach.add_subparsers(dest="action", required=True)
    coach_add = coach_actions.add_parser(
        "add", help="create an account (password from COACH_PASSWORD, stdin or a prompt)"
    )
    coach_add.add_argument("email")
    coach_add.add_argument("--name", required=True)
    coach_add.add_argument("--team", default=None, help="team name or id (admins may have none)")
    coach_add.add_argument("--role", choices=["coach", "lead", "admin"], default="coach")
    coach_add.add_argument("--locale", choices=["nl", "en"], default="nl")
    coach_add.add_argument("--password-stdin", action="store_true")
    coach_actions.add_parser("list", help="list accounts")


def _reported(where: Callable[[], str], check: Callable[[], int]) -> int:
    """Run a content check; an error is told in plain words with the file it is in."""
    import jsonschema
    import yaml

    try:
        return check()
    except jsonschema.ValidationError as error:
        path = "/".join(str(part) for part in error.absolute_path) or "the top"
        print(f"Error in {where()} at {path}: {error.message}", file=sys.stderr)
    except (ValueError, OSError, yaml.YAMLError) as error:
        print(f"Error in {where()}: {error}", file=sys.stderr)
    return 1


# A source a person checked longer ago than this may be out of date: measures change often.
SOURCE_CHECK_MONTHS = 12


def _missing_option_fields(region: str, path: Path) -> list[str]:
    """Per option, the required fields that are missing or empty, in plain words, with
    the place in the file ("at options/3: nl_NL, option beschut_werk: 'sources' ontbreekt").

    The schema would stop at the first one; a coach who fills in a new field for every
    option wants the whole list at once.
    """
    import yaml

    from bot.decision.catalogue import CATALOGUE_SCHEMA

    required = CATALOGUE_SCHEMA["properties"]["options"]["items"]["required"]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    options = data.get("options") if isinstance(data, dict) else None
    found = []
    for number, item in enumerate(options if isinstance(options, list) else ()):
        if not isinstance(item, dict):
            continue
        where = f"at options/{number}: {region}, option {item.get('id') or number + 1}"
        for field in required:
            value = item.get(field)
            if field not in item:
                found.append(f"{where}: '{field}' ontbreekt")
            elif value in (None, [], {}) or (isinstance(value, str) and not value.strip()):
                found.append(f"{where}: '{field}' is leeg")
    return found


def _source_warnings(catalogue: Catalogue, today: date) -> list[str]:
    """A line for every source checked more than SOURCE_CHECK_MONTHS ago, or in the future.

    A date that is not a real day (2026-02-30) is an error: ValueError.
    """
    year, month = divmod(today.year * 12 + today.month - 1 - SOURCE_CHECK_MONTHS, 12)
    limit = date(year, month + 1, min(today.day, 28))
    found = []
    for option in catalogue.options:
        for source in option.sources:
            where = f"{catalogue.region}, option {option.id}: bron '{source.name}'"
            try:
                checked = date.fromisoformat(source.checked)
            except ValueError:
                raise ValueError(
                    f"{where}: 'checked' {source.checked!r} is geen echte datum"
                ) from None
            if checked < limit:
                found.append(
                    f"Let op: {where} is gecontroleerd op {source.checked}, "
                    f"meer dan {SOURCE_CHECK_MONTHS} maanden geleden. Kijk of het nog klopt."
                )
            elif checked > today:
                found.append(f"Let op: {where}: de datum {source.checked} ligt in de toekomst.")
    return found


def check_content(args: argparse.Namespace) -> int:
    """For coaches who edit the content: say in plain words whether the files are right.

    Missing facts are listed per option; sources checked more than 12 months ago are a
    warning (the check still passes), so a coach knows what to look up again.
    """
    from bot.config import REGIONS
    from bot.decision.catalogue import load_catalogue, load_terms

    folder = Path(args.dir)
    current = ["decision_terms.yml"]

    def options() -> int:
        known = load_terms(folder / current[0])
        result = 0
        for region in REGIONS:
            current[0] = f"options/{region}.yml"
            if missing := _missing_option_fields(region, folder / current[0]):
                for line in missing:
                    print(f"Error in {current[0]} {line}", file=sys.stderr)
                result = 1
                continue
            catalogue = load_catalogue(region, folder / "options", known_terms=known)
            for line in _source_warnings(catalogue, date.today()):
                print(line)
            print(f"{region}: {len(catalogue.options)} options, version {catalogue.version}: OK")
        goals, preferences = len(known.goals), len(known.preferences)
        print(f"decision terms: {goals} goals, {preferences} preferences: OK")
        return result

    if _reported(lambda: current[0], options):
        return 1
    return _reported(lambda: "the exercises", lambda: check_exercises(folder))


def check_exercises(folder: Path) -> int:
    """The exercises and their drawn screens, checked the way the build checks them."""
    from bot.config import REGIONS
    from bot.exercises.catalogue import load_all
    from bot.exercises.images import check_spec

    exercises, _ = load_all(folder / "exercises", folder / "digcomp.yml")
    for exercise in exercises:
        for image_id, spec in exercise.images.items():
            try:
                check_spec(spec)
            except ValueError as error:
                raise ValueError(f"{exercise.id}.yml, image {image_id!r}: {error}") from None
    for region in REGIONS:
        count = sum(region in e.regions for e in exercises)
        print(f"exercises {region}: {count}: OK")
    from bot.exercises.help import load_help

    load_help(folder / "exercise_help.yml")
    print("help after a poor score: OK")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="werkmaatje")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start Rasa, the action server and the web app")
    commands.add_parser(
        "prod", help="production profile on loopback: PostgreSQL, Redis, 2x Rasa, nginx"
    )
    commands.add_parser("shell", help="chat in the terminal")
    tg = commands.add_parser("telegram", help="Telegram set-up (needs TELEGRAM_TOKEN)")
    tg_actions = tg.add_subparsers(dest="action", required=True)
    hook = tg_actions.add_parser(
        "set-webhook", help="point Telegram at <url>/webhooks/telegram/webhook"
    )
    hook.add_argument("url", help="public https base URL of the Rasa server")
    tg_actions.add_parser("delete-webhook", help="stop webhook delivery")
    tg_actions.add_parser("poll", help="long polling: try a real bot without a public URL")
    content = commands.add_parser("content", help="content files coaches edit")
    content_actions = content.add_subparsers(dest="action", required=True)
    check = content_actions.add_parser(
        "check", help="check the options, decision terms and exercises"
    )
    check.add_argument("--dir", default=str(CONTENT_DIR), help="folder with the content files")
    add_account_commands(commands)
    add_retention_command(commands)
    args = parser.parse_args(argv)
    try:
        # Checked before anything starts: a wrong value is one line, not a traceback later.
        settings()
        if args.command == "prod":
            production_settings()
        return dispatch(args)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def dispatch(args: argparse.Namespace) -> int:
    if args.command == "retention":
        return retention(args)
    if args.command == "content":
        return check_content(args)
    if args.command in ("team", "coach"):
        return accounts(args)
    if args.command == "telegram":
        return telegram(args)
    return {"run": run, "prod": prod, "shell": shell}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
