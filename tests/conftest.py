"""Every test run gets its own SQLite database and secrets under a temporary folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="werkmaatje-test-"))
os.environ["WERKMAATJE_VAR_DIR"] = str(_TMP)
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'test.db'}"
# Own ports, so a `make run` on the same machine is never mistaken for the test servers.
# (Overridable, so two test runs on one machine can use different ports.)
os.environ.setdefault("RASA_PORT", "15005")
os.environ.setdefault("ACTION_PORT", "15055")
os.environ.setdefault("WEB_PORT", "18080")
# Telegram goes to the fake Bot API server in tests/integration/fake_telegram.py.
FAKE_TELEGRAM_PORT = int(os.environ.setdefault("FAKE_TELEGRAM_PORT", "18081"))
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
