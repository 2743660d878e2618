"""Settings from environment variables, with embedded defaults for a laptop.

Every variable the code reads is one entry of :data:`VARIABLES` (or of
:data:`PRODUCTION_VARIABLES` for ``make prod``): its name, the field it fills and
the parser that checks it. A wrong value stops the start with one plain line
(:class:`SettingsError`) that names the variable and what it should be, instead of
a traceback deep inside a server later; a secret's value is never shown.

An empty value counts as unset. Secrets never live in the repository: when one is
missing we generate a random value once and keep it under ``var/`` (ignored by git).
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = PROJECT_ROOT / "locales"
CONTENT_DIR = PROJECT_ROOT / "data" / "content"

REGIONS = ("nl_NL", "nl_BE")
DEFAULT_REGION = "nl_NL"

DEFAULT_REVIEW_THRESHOLD = 0.7

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """A folder only this user may enter: secrets and logs sit in it."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    path.chmod(PRIVATE_DIR_MODE)
    return path


def private_file(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_APPEND) -> int:
    """Open a file readable by this user only; one that existed is made so too.

    Created with the mode (no moment in which another user could open it), and
    chmod-ed when it was already there from an earlier, laxer version.
    """
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    os.fchmod(fd, PRIVATE_FILE_MODE)
    return fd


# ---- checking one value -------------------------------------------------------------


class SettingsError(ValueError):
    """A setting an operator must correct: one line naming the variable and the fix."""


class _Wrong(Exception):
    """Raised by a parser; the loader adds the variable's name (and its value, if shown)."""

    def __init__(self, problem: str, expected: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.expected = expected


T = TypeVar("T")
Parser = Callable[[str], Any]


def integer(low: int, high: int | None = None, expected: str | None = None) -> Callable[[str], int]:
    """A whole number within bounds (``high`` None: no upper bound)."""
    wanted = expected or (
        f"a whole number from {low} to {high}"
        if high is not None
        else f"a whole number, {low} or more"
    )

    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise _Wrong("is not a whole number", wanted) from None
        if value < low:
            raise _Wrong("is too small", wanted)
        if high is not None and value > high:
            raise _Wrong("is too large", wanted)
        return value

    return parse


def number(
    low: float, high: float | None = None, *, above: bool = False, unit: str = ""
) -> Callable[[str], float]:
    """A decimal number (``1.5``) of at least ``low`` (more than ``low`` with ``above``)."""
    unit = f" {unit}" if unit else ""
    bound = f"more than {low:g}" if above else f"{low:g} or more"
    wanted = (
        f"a number{unit} from {low:g} to {high:g}"
        if high is not None
        else f"a number{unit}, {bound}"
    )

    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise _Wrong("is not a number", wanted) from None
        if not math.isfinite(value):
            raise _Wrong("is not a finite number", wanted)
        if value <= low if above else value < low:
            raise _Wrong("is too small", wanted)
        if high is not None and value > high:
            raise _Wrong("is too large", wanted)
        return value

    return parse


port = integer(1, 65535, "a port number from 1 to 65535")


def ports(raw: str) -> tuple[int, ...]:
    """Comma-separated ports, at least one."""
    wanted = "comma-separated port numbers from 1 to 65535, like 25005,25006"
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not parts:
        raise _Wrong("is an empty list", wanted)
    try:
        return tuple(integer(1, 65535, wanted)(part) for part in parts)
    except _Wrong:
        raise _Wrong("holds something that is not a port", wanted) from None


TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in TRUE + FALSE:
        raise _Wrong("is not on or off", "1 (on) or 0 (off)")
    return value in TRUE


def url(raw: str) -> str:
    """An http(s) URL with a host; a trailing slash is dropped (paths are added to it)."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Wrong("is not a web address", "a URL starting with http:// or https://")
    return raw.strip().rstrip("/")


def _origin(raw: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(raw)
    if parts.query or parts.fragment or parts.username:
        raise ValueError(raw)
    return f"{parts.scheme}://{parts.netloc}"


def origins(raw: str) -> tuple[str, ...]:
    """Comma-separated origins (scheme, host, port: no path), at least one."""
    wanted = "comma-separated origins like https://werkmaatje.example.org,http://localhost:8080"
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not parts:
        raise _Wrong("is an empty list", wanted)
    try:
        return tuple(_origin(part, ("http", "https")) for part in parts)
    except ValueError:
        raise _Wrong("holds something that is not an http(s) origin", wanted) from None


LOOPBACK = ("localhost", "127.0.0.1")


def embed_origins(raw: str) -> tuple[str, ...]:
    """Pages that may frame the widget: https origins (plain http on this machine only)."""
    wanted = "comma-separated https origins like https://www.gemeente.nl"
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not parts:
        raise _Wrong("is an empty list", wanted)
    found = []
    for part in parts:
        try:
            origin = _origin(part, ("http", "https"))
        except ValueError:
            raise _Wrong("holds something that is not an https origin", wanted) from None
        if origin.startswith("http:") and urlsplit(origin).hostname not in LOOPBACK:
            raise _Wrong("holds an http origin (a partner's page must use https)", wanted)
        found.append(origin)
    return tuple(found)


HOST_NAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9-]{1,63})*$")


def host(raw: str) -> str:
    """A host name or an IP address (no scheme, no port)."""
    value = raw.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if not HOST_NAME.match(value):
        raise _Wrong("is not a host name", "a host name or an IP address, like 127.0.0.1")
    return value


def path(raw: str) -> Path:
    return Path(raw).expanduser()


def text(raw: str) -> str:
    return raw


def database_url(raw: str) -> str:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", raw.strip()):
        raise _Wrong(
            "is not a database URL",
            "a URL like sqlite:///var/werkmaatje.db or postgresql://user:password@host/db",
        )
    return raw.strip()


def telegram_token(raw: str) -> str:
    if not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", raw.strip()):
        raise _Wrong(
            "is not a Telegram bot token", "the token from @BotFather, like 123456:ABC-..."
        )
    return raw.strip()


def telegram_secret(raw: str) -> str:
    """Telegram accepts 1-256 letters, digits, ``_`` and ``-`` as a webhook secret."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", raw):
        raise _Wrong("has characters Telegram refuses", "1 to 256 letters, digits, _ or -")
    return raw


def newest_pg_bin() -> Path:
    """Debian's newest PostgreSQL (``/usr/lib/postgresql/<version>/bin``)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return versions[-1] if versions else Path("/usr/lib/postgresql/15/bin")


def secret(name: str, var_dir: Path | None = None) -> str:
    """The generated local value of a secret, for development.

    Written to a private temporary file, then linked into place: two processes
    starting at once agree on one value, and none ever reads a half-written file.
    A secret set in the environment is read by the settings and never reaches this.
    """
    path = private_dir((var_dir or VAR_DIR) / "secrets") / name.lower()
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        with os.fdopen(private_file(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL), "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first: use its value
        finally:
            draft.unlink()
    path.chmod(PRIVATE_FILE_MODE)
    return path.read_text().strip()


# ---- the variables --------------------------------------------------------------------

Values = Mapping[str, Any]
# A default: a raw value (checked like a given one), None (the field is None), or a
# function of the fields read before it that returns a raw value.
Default = str | None | Callable[[Values], str]


@dataclass(frozen=True)
class Variable:
    """One environment variable: the field it fills, its parser and its default."""

    name: str
    field: str
    parse: Parser
    default: Default
    # Never shown in an error (tokens, passwords, a database URL with its password).
    sensitive: bool = False


def generated(name: str) -> Callable[[Values], str]:
    """The default of a secret: generated once under the (already read) var folder."""
    return lambda values: secret(name, values["var_dir"])


VARIABLES: tuple[Variable, ...] = (
    Variable("WERKMAATJE_VAR_DIR", "var_dir", path, str(PROJECT_ROOT / "var")),
    Variable(
        "DATABASE_URL",
        "database_url",
        database_url,
        lambda v: f"sqlite:///{v['var_dir'] / 'werkmaatje.db'}",
        sensitive=True,
    ),
    Variable("SQL_POOL_SIZE", "sql_pool_size", integer(1), "5"),
    Variable("SQL_MAX_OVERFLOW", "sql_max_overflow", integer(0), "10"),
    Variable(
        "WERKMAATJE_PSEUDONYM_KEY",
        "pseudonym_key",
        text,
        generated("WERKMAATJE_PSEUDONYM_KEY"),
        sensitive=True,
    ),
    Variable("RASA_API_TOKEN", "rasa_api_token", text, generated("RASA_API_TOKEN"), sensitive=True),
    Variable(
        "ACTION_SERVER_TOKEN",
        "action_server_token",
        text,
        generated("ACTION_SERVER_TOKEN"),
        sensitive=True,
    ),
    Variable("BIND_HOST", "bind_host", host, "127.0.0.1"),
    Variable("RASA_PORT", "rasa_port", port, "5005"),
    Variable("ACTION_PORT", "action_port", port, "5055"),
    Variable("WEB_PORT", "web_port", port, "8080"),
    Variable(
        "PUBLIC_RASA_URL", "public_rasa_url", url, lambda v: f"http://localhost:{v['rasa_port']}"
    ),
    Variable(
        "PUBLIC_WEB_URL", "public_web_url", url, lambda v: f"http://localhost:{v['web_port']}"
    ),
    Variable(
        "WEBCHAT_ORIGINS",
        "webchat_origins",
        origins,
        lambda v: f"http://localhost:{v['web_port']},http://127.0.0.1:{v['web_port']}",
    ),
    Variable("WIDGET_EMBED_ORIGINS", "widget_embed_origins", embed_origins, None),
    Variable("TELEGRAM_TOKEN", "telegram_token", telegram_token, None, sensitive=True),
    Variable(
        "TELEGRAM_SECRET",
        "telegram_secret",
        telegram_secret,
        generated("TELEGRAM_SECRET"),
        sensitive=True,
    ),
    Variable("TELEGRAM_API_BASE", "telegram_api_base", url, "https://api.telegram.org"),
    Variable("FOLLOWUP_HOUR", "followup_hour", integer(0, 23, "an hour from 0 to 23"), "16"),
    Variable("FOLLOWUP_POLL_S", "followup_poll_s", number(0, above=True, unit="of seconds"), "30"),
    Variable("FOLLOWUP_DELAY_S", "followup_delay_s", number(0, unit="of seconds"), None),
    Variable(
        "RETENTION_EVENT_DAYS",
        "retention_event_days",
        integer(1, None, "a whole number of days, 1 or more"),
        "90",
    ),
    Variable(
        "RETENTION_ESCALATION_DAYS",
        "retention_escalation_days",
        integer(1, None, "a whole number of days, 1 or more"),
        "30",
    ),
    Variable(
        "RETENTION_EVERY_HOURS",
        "retention_every_hours",
        number(0, unit="of hours (0: never)"),
        "24",
    ),
    Variable(
        "COACH_SESSION_MAX_HOURS",
        "coach_session_max_hours",
        number(0, above=True, unit="of hours"),
        "12",
    ),
    Variable(
        "COACH_RESPONSE_TARGET_HOURS",
        "coach_response_target_hours",
        number(0, above=True, unit="of hours"),
        "4",
    ),
    Variable("COACH_SECURE_COOKIES", "coach_secure_cookies", flag, "0"),
    Variable("COACH_PASSWORD", "coach_password", text, None, sensitive=True),
    Variable(
        "REVIEW_CONFIDENCE_THRESHOLD",
        "review_confidence_threshold",
        number(0, 1),
        str(DEFAULT_REVIEW_THRESHOLD),
    ),
    Variable("REVIEW_EXPORT_DIR", "review_export_dir", path, str(PROJECT_ROOT / "data/nlu/review")),
    Variable("WERKMAATJE_MODEL", "model", path, str(PROJECT_ROOT / "models" / "werkmaatje.tar.gz")),
    Variable("INFERENCE_CACHE_MB", "inference_cache_mb", number(0, unit="of MB (0: off)"), "32"),
    Variable(
        "STATE_HISTORY_ENTRIES",
        "state_history_entries",
        integer(0, None, "a whole number, 0 (off) or more"),
        "256",
    ),
)


@dataclass(frozen=True)
class Settings:
    """What the processes are told by their environment, checked (see :data:`VARIABLES`)."""

    # Where the database, secrets and logs go.
    var_dir: Path
    database_url: str = field(repr=False)
    # SQLAlchemy's connection pool for servers (PostgreSQL).
    sql_pool_size: int
    sql_max_overflow: int
    pseudonym_key: str = field(repr=False)
    rasa_api_token: str = field(repr=False)
    # Shared secret Rasa sends to the action server (action_endpoint `token`).
    action_server_token: str = field(repr=False)
    # Where Rasa and the action server listen: loopback unless a container needs more.
    bind_host: str
    rasa_port: int
    action_port: int
    web_port: int
    # Where a browser reaches Rasa's socket.io (the widget page connects to it).
    public_rasa_url: str
    # Where users' apps reach this project's web server (images in chats, the widget).
    public_web_url: str
    # Origins whose pages may open the web chat socket.
    webchat_origins: tuple[str, ...]
    # Origins whose pages may show the widget in an iframe, besides the web app's own.
    widget_embed_origins: tuple[str, ...] | None
    telegram_token: str | None = field(repr=False)
    telegram_secret: str = field(repr=False)
    # Bot API root; tests point it at a local fake server.
    telegram_api_base: str
    # Follow-ups of agreed steps: the local hour on the agreed day, how often to
    # look for due ones, and (tests, demos) a delay in seconds instead of the date.
    followup_hour: int
    followup_poll_s: float
    followup_delay_s: float | None
    # Retention (bot/privacy/retention.py): conversation events older than this many
    # days go; the summary and notes of an escalation go this many days after it was
    # resolved; `make run` runs it every this many hours (0: never, use cron).
    retention_event_days: int
    retention_escalation_days: int
    retention_every_hours: float
    # The coach dashboard: a session's absolute lifetime, the inbox's answer target,
    # Secure cookies also on plain http (TLS ended in front of a proxy).
    coach_session_max_hours: float
    coach_response_target_hours: float
    coach_secure_cookies: bool
    # `bot.cli coach add` reads the new account's password here (never an argument).
    coach_password: str | None = field(repr=False)
    # The learning loop: messages below this confidence are listed; accepted ones go here.
    review_confidence_threshold: float
    review_export_dir: Path
    # The trained model the servers load.
    model: Path
    # The Rasa server's runtime patches (bot/runtime): model-output cache, state history.
    inference_cache_mb: float
    state_history_entries: int


# ---- make prod --------------------------------------------------------------------------

PRODUCTION_VARIABLES: tuple[Variable, ...] = (
    Variable("PROD_DIR", "dir", path, lambda v: str(v["var_dir"] / "prod")),
    Variable("PROD_HOST", "host", host, "localhost"),
    Variable("PROD_PORT", "public_port", port, "28000"),
    Variable("PROD_WEB_PORT", "web_public_port", port, "28080"),
    Variable("PROD_API_PORT", "api_port", port, "25000"),
    Variable("PROD_ACTIONS_PORT", "actions_port", port, "25050"),
    Variable("PROD_RASA_PORTS", "rasa_ports", ports, "25005,25006"),
    Variable("PROD_ACTION_PORTS", "action_ports", ports, "25055,25056"),
    Variable("PROD_WEB_INTERNAL_PORT", "web_port", port, "25080"),
    Variable("PROD_PG_PORT", "pg_port", port, "25432"),
    Variable("PROD_REDIS_PORT", "redis_port", port, "26379"),
    Variable("PROD_PG_BIN", "pg_bin", path, lambda _: str(newest_pg_bin())),
    Variable("PROD_PUBLIC_REST", "public_rest", flag, "0"),
    # The profile's own web addresses unless set: the same variable the web app reads.
    Variable("WEBCHAT_ORIGINS", "webchat_origins", origins, None),
    Variable(
        "PROD_DB_PASSWORD", "db_password", text, generated("PROD_DB_PASSWORD"), sensitive=True
    ),
    Variable(
        "PROD_PG_SUPERUSER_PASSWORD",
        "pg_superuser_password",
        text,
        generated("PROD_PG_SUPERUSER_PASSWORD"),
        sensitive=True,
    ),
)


@dataclass(frozen=True)
class ProductionSettings:
    """The production profile's ports, paths and database passwords (``PROD_*``)."""

    dir: Path
    host: str
    public_port: int
    web_public_port: int
    api_port: int
    actions_port: int
    rasa_ports: tuple[int, ...]
    action_ports: tuple[int, ...]
    web_port: int
    pg_port: int
    redis_port: int
    pg_bin: Path
    public_rest: bool
    webchat_origins: tuple[str, ...] | None
    db_password: str = field(repr=False)
    pg_superuser_password: str = field(repr=False)


# ---- reading them -------------------------------------------------------------------------

ENV_NAMES = frozenset(v.name for v in (*VARIABLES, *PRODUCTION_VARIABLES))
_VAR_DIR = tuple(v for v in VARIABLES if v.field == "var_dir")


def _message(variable: Variable, raw: str, wrong: _Wrong) -> str:
    shown = "(value hidden)" if variable.sensitive else repr(raw)
    return f"{variable.name}={shown} {wrong.problem}: expected {wrong.expected}"


def _read(
    variables: tuple[Variable, ...], environ: Mapping[str, str], values: dict[str, Any]
) -> dict[str, Any]:
    """Parse every variable in order; all problems together in one SettingsError."""
    problems = []
    for variable in variables:
        raw = environ.get(variable.name) or None  # empty counts as unset
        default = variable.default
        if raw is None:
            if default is None:
                values[variable.field] = None
                continue
            try:
                raw = default(values) if callable(default) else default
            except KeyError:  # depends on a value that was wrong itself
                continue
        try:
            values[variable.field] = variable.parse(raw)
        except _Wrong as wrong:
            problems.append(_message(variable, raw, wrong))
    if problems:
        raise SettingsError("; ".join(problems))
    return values


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``environ`` (the process's environment by default), checked."""
    values = _read(VARIABLES, os.environ if environ is None else environ, {})
    return Settings(**{f.name: values[f.name] for f in fields(Settings)})


def load_production_settings(environ: Mapping[str, str] | None = None) -> ProductionSettings:
    environ = os.environ if environ is None else environ
    values = _read(PRODUCTION_VARIABLES, environ, _read(_VAR_DIR, environ, {}))
    return ProductionSettings(**{f.name: values[f.name] for f in fields(ProductionSettings)})


class _Cached(Generic[T]):
    """The settings of the current environment, parsed once per distinct environment.

    Keyed by the variables' values, so a test (or ``make prod``) that changes the
    environment gets settings that follow it, while every other call is a lookup.
    """

    def __init__(self, load: Callable[[], T], variables: tuple[Variable, ...]) -> None:
        self._load = load
        self._names = tuple(sorted({v.name for v in variables}))
        self._last: tuple[tuple[str | None, ...], T] | None = None

    def __call__(self) -> T:
        key = tuple(os.environ.get(name) for name in self._names)
        last = self._last
        if last is not None and last[0] == key:
            return last[1]
        value = self._load()
        self._last = (key, value)
        return value

    def cache_clear(self) -> None:
        self._last = None


settings = _Cached(load_settings, VARIABLES)
production_settings = _Cached(load_production_settings, _VAR_DIR + PRODUCTION_VARIABLES)

# The folder of logs and generated secrets, fixed for the process when it starts
# (modules name their files with it); settings().var_dir reads the same variable.
VAR_DIR: Path = _read(_VAR_DIR, os.environ, {})["var_dir"]


def widget_frame_ancestors(config: Settings) -> str:
    """CSP ``frame-ancestors``: the web app's own pages and the configured partners'."""
    return " ".join(["'self'", *(config.widget_embed_origins or ())])
