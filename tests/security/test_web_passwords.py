"""Coach passwords that are easy to guess are refused wherever an account is made."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.store import coaches
from tests.unit.coach_helpers import PASSWORD, unique


@pytest.mark.parametrize(
    "weak",
    ["passwordpass", "123456789012", "qwertyuiopas", "welkom012345", "wachtwoord123"],
)
def test_the_cli_refuses_a_common_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, weak: str
) -> None:
    monkeypatch.setenv("COACH_PASSWORD", weak)
    email = f"{unique('weak')}@example.org"
    assert main(["coach", "add", email, "--name", "Wim", "--role", "admin"]) == 2
    assert "too easy to guess" in capsys.readouterr().err
    assert coaches.authenticate(email, weak) is None


def test_a_password_made_of_the_account_itself_is_refused() -> None:
    email = f"{unique('sanne.devries')}@example.org"
    with pytest.raises(ValueError, match="too easy to guess"):
        coaches.create_coach(email, "Sanne de Vries", email.split("@")[0] + "!", "admin")


def test_a_strong_password_is_taken() -> None:
    assert coaches.password_problem(PASSWORD) is None
    assert coaches.password_problem("Fiets-Paraplu-Zeven-Oktober") is None
    assert "12 characters" in str(coaches.password_problem("Xq7#vL9!"))
