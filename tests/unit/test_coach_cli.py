"""Accounts from the command line; the password never is an argument."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.store import coaches
from tests.unit.coach_helpers import PASSWORD, unique


def test_team_and_coach_add(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    team = unique("cli-team")
    assert main(["team", "add", team, "--region", "nl_BE", "--invite", unique("code")]) == 0
    monkeypatch.setenv("COACH_PASSWORD", PASSWORD)
    email = f"{unique('cli')}@example.org"
    args = ["coach", "add", email, "--name", "Lotte Peeters", "--team", team, "--locale", "en"]
    assert main(args) == 0
    found = coaches.authenticate(email, PASSWORD)
    assert found is not None and found.team_name == team and found.locale == "en"
    assert main(["coach", "list"]) == 0
    assert email in capsys.readouterr().out


def test_short_password_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_PASSWORD", "too short")
    admin = f"{unique('cli')}@example.org"
    assert main(["coach", "add", admin, "--name", "A", "--role", "admin"]) == 2
    assert coaches.authenticate(admin, "too short") is None
