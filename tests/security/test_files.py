"""Logs, secrets and the SQLite database are readable by this user only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.config import VAR_DIR, settings
from bot.services import LOG_DIR
from bot.store.db import pooled_engine
from tests.security.conftest import Stack


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_service_logs_are_private(stack: Stack) -> None:
    assert mode(LOG_DIR) == 0o700
    logs = sorted(LOG_DIR.glob("*.log"))
    assert {"rasa.log", "actions.log", "web.log"} <= {log.name for log in logs}
    assert {log.name: oct(mode(log)) for log in logs} == {log.name: "0o600" for log in logs}


def test_secrets_are_private() -> None:
    settings()  # generates what is missing
    folder = VAR_DIR / "secrets"
    assert mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert "action_server_token" in {f.name for f in files}
    assert {f.name: oct(mode(f)) for f in files} == {f.name: "0o600" for f in files}


def test_the_database_is_private(stack: Stack) -> None:
    url = make_url(settings().database_url)
    if not url.drivername.startswith("sqlite"):
        pytest.skip("the run's database is not a SQLite file")
    database = Path(str(url.database))
    companions = [database.with_name(database.name + s) for s in ("-wal", "-shm")]
    for path in [database, *companions]:
        if path.exists():
            assert oct(mode(path)) == "0o600", path


def test_a_laxer_database_file_is_made_private(tmp_path: Path) -> None:
    """A file from an earlier version (0644) is tightened when the engine is built."""
    database = tmp_path / "old.db"
    database.touch(mode=0o644)
    database.chmod(0o644)
    pooled_engine(f"sqlite:///{database}").dispose()
    assert mode(database) == 0o600
    fresh = tmp_path / "new.db"
    engine = pooled_engine(f"sqlite:///{fresh}")
    with engine.connect():
        pass
    engine.dispose()
    assert mode(fresh) == 0o600
