"""Every test run gets its own database and secrets under a temporary folder.

SQLite by default. With ``TEST_DATABASE_URL`` set to a PostgreSQL server
(``make test-postgres``), the run gets a fresh database of its own on that server,
dropped at the end.
"""

from __future__ import annotations

import atexit
import os
import tempfile
from pathlib import Path
from uuid import uuid4

_TMP = Path(tempfile.mkdtemp(prefix="werkmaatje-test-"))
os.environ["WERKMAATJE_VAR_DIR"] = str(_TMP)


def _fresh_postgres_database(server_url: str) -> str:
    """Create an empty database on the server for this run; drop it when the run ends."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"werkmaatje_test_{uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'create database "{name}"'))

    def drop() -> None:
        from bot.store.db import engine

        engine().dispose()
        with admin.connect() as connection:
            connection.execute(text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()

    atexit.register(drop)
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


_SERVER = os.environ.get("TEST_DATABASE_URL", "")
os.environ["DATABASE_URL"] = (
    _fresh_postgres_database(_SERVER) if _SERVER else f"sqlite:///{_TMP / 'test.db'}"
)
# Own ports, so a `make run` on the same machine is never mistaken for the test servers.
# (Overridable, so two test runs on one machine can use different ports.) Under
# pytest-xdist (`make e2e` runs two workers) each worker has its own servers, database
# and folder: its ports are 100 higher per worker. A worker inherits the environment of
# the process that started it, so the offset is added to what it finds, never defaulted.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


_OFFSET_DONE = os.environ.get("WERKMAATJE_TEST_PORTS_OF") == str(_WORKER)


def _own_port(name: str, default: int) -> int:
    port = int(os.environ.get(name) or default) + (0 if _OFFSET_DONE else 100 * _WORKER)
    os.environ[name] = str(port)
    return port


_own_port("RASA_PORT", 15005)
_own_port("ACTION_PORT", 15055)
_own_port("WEB_PORT", 18080)
# Telegram goes to the fake Bot API server in tests/integration/fake_telegram.py.
FAKE_TELEGRAM_PORT = _own_port("FAKE_TELEGRAM_PORT", 18081)
os.environ["WERKMAATJE_TEST_PORTS_OF"] = str(_WORKER)  # once per process, even if read twice
os.environ["TELEGRAM_TOKEN"] = "123456:TEST-token"
os.environ["TELEGRAM_API_BASE"] = f"http://127.0.0.1:{FAKE_TELEGRAM_PORT}"
# Follow-ups of agreed steps come seconds after the agreement, not on the agreed day.
os.environ.setdefault("FOLLOWUP_DELAY_S", "3")
os.environ.setdefault("FOLLOWUP_POLL_S", "1")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def migrate() -> None:
    from alembic import command
    from alembic.config import Config

    command.upgrade(Config(str(PROJECT_ROOT / "alembic.ini")), "head")


migrate()
