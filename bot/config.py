"""Settings from environment variables, with embedded defaults for a laptop.

Secrets never live in the repository: when an environment variable is missing
we generate a random value once and keep it under ``var/`` (ignored by git).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WERKMAATJE_VAR_DIR", PROJECT_ROOT / "var"))
LOCALES_DIR = PROJECT_ROOT / "locales"
CONTENT_DIR = PROJECT_ROOT / "data" / "content"

REGIONS = ("nl_NL", "nl_BE")
DEFAULT_REGION = "nl_NL"


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


def _secret(name: str) -> str:
    """Read a secret from the environment, or a generated local one for development.

    Written to a private temporary file, then linked into place: two processes
    starting at once agree on one value, and none ever reads a half-written file.
    """
    value = os.environ.get(name)
    if value:
        return value
    path = private_dir(VAR_DIR / "secrets") / name.lower()
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


@dataclass(frozen=True)
class Settings:
    database_url: str
    pseudonym_key: str
    rasa_api_token: str
    # Shared secret Rasa sends to the action server (action_endpoint `token`).
    action_server_token: str
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
    telegram_token: str | None
    telegram_secret: str
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


@lru_cache(maxsize=1)
def settings() -> Settings:
    default_db = f"sqlite:///{VAR_DIR / 'werkmaatje.db'}"
    rasa_port = int(os.environ.get("RASA_PORT", "5005"))
    web_port = int(os.environ.get("WEB_PORT", "8080"))
    default_origins = f"http://localhost:{web_port},http://127.0.0.1:{web_port}"
    origins = os.environ.get("WEBCHAT_ORIGINS", default_origins)
    return Settings(
        database_url=os.environ.get("DATABASE_URL", default_db),
        pseudonym_key=_secret("WERKMAATJE_PSEUDONYM_KEY"),
        rasa_api_token=_secret("RASA_API_TOKEN"),
        action_server_token=_secret("ACTION_SERVER_TOKEN"),
        bind_host=os.environ.get("BIND_HOST", "127.0.0.1"),
        rasa_port=rasa_port,
        action_port=int(os.environ.get("ACTION_PORT", "5055")),
        web_port=web_port,
        public_rasa_url=os.environ.get("PUBLIC_RASA_URL", f"http://localhost:{rasa_port}"),
        public_web_url=os.environ.get("PUBLIC_WEB_URL", f"http://localhost:{web_port}").rstrip("/"),
        webchat_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
        telegram_token=os.environ.get("TELEGRAM_TOKEN") or None,
        telegram_secret=_secret("TELEGRAM_SECRET"),
        telegram_api_base=os.environ.get("TELEGRAM_API_BASE", "https://api.telegram.org"),
        followup_hour=int(os.environ.get("FOLLOWUP_HOUR", "16")),
        followup_poll_s=float(os.environ.get("FOLLOWUP_POLL_S", "30")),
        followup_delay_s=float(os.environ["FOLLOWUP_DELAY_S"])
        if os.environ.get("FOLLOWUP_DELAY_S")
        else None,
        retention_event_days=int(os.environ.get("RETENTION_EVENT_DAYS", "90")),
        retention_escalation_days=int(os.environ.get("RETENTION_ESCALATION_DAYS", "30")),
        retention_every_hours=float(os.environ.get("RETENTION_EVERY_HOURS", "24")),
    )
