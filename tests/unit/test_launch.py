"""The launcher adds secrets and the interface in-process, never on the command line."""

from __future__ import annotations

import dataclasses
import os

import pytest

from bot import launch
from bot.config import Settings, settings
from bot.services import action_server, local_address, rasa_server


@pytest.fixture
def config() -> Settings:
    return dataclasses.replace(
        settings(),
        rasa_api_token="api-secret",
        action_server_token="action-secret",
        bind_host="127.0.0.1",
        action_port=15999,
    )


def test_rasa_run_gets_the_token_and_the_interface(config: Settings) -> None:
    argv = launch.rasa_argv(["run", "--model", "m.tar.gz", "--enable-api"], config)
    assert argv[:4] == ["run", "--model", "m.tar.gz", "--enable-api"]
    assert argv[argv.index("--auth-token") + 1] == "api-secret"
    assert argv[argv.index("--interface") + 1] == "127.0.0.1"


def test_no_token_without_the_api(config: Settings) -> None:
    argv = launch.rasa_argv(["run", "--model", "m.tar.gz"], config)
    assert "--auth-token" not in argv and "api-secret" not in argv
    assert "--interface" in argv


@pytest.mark.parametrize("given", [["--auth-token", "mine"], ["-t", "mine"], ["--auth-token=mine"]])
def test_a_token_given_wins(config: Settings, given: list[str]) -> None:
    argv = launch.rasa_argv(["run", "--enable-api", *given], config)
    assert "api-secret" not in argv and "--auth-token" not in argv[2 + len(given) :]


@pytest.mark.parametrize("given", [["-i", "10.0.0.1"], ["--interface", "10.0.0.1"]])
def test_an_interface_given_wins(config: Settings, given: list[str]) -> None:
    argv = launch.rasa_argv(["run", *given], config)
    assert argv == ["run", *given]


def test_shell_listens_on_the_interface(config: Settings) -> None:
    assert launch.rasa_argv(["shell", "--model", "m"], config)[-2:] == ["--interface", "127.0.0.1"]


@pytest.mark.parametrize("argv", [["train"], ["run", "actions"], ["data", "validate"], []])
def test_other_commands_are_left_alone(config: Settings, argv: list[str]) -> None:
    assert launch.rasa_argv(argv, config) == argv


def test_endpoints_read_the_action_token_from_the_environment(
    config: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACTION_SERVER_TOKEN", raising=False)
    monkeypatch.setenv("ACTION_PORT", "1")
    launch.export_action_endpoint(config)
    assert os.environ["ACTION_SERVER_TOKEN"] == "action-secret"
    assert os.environ["ACTION_PORT"] == "15999"


def test_endpoints_yml_uses_the_token_and_port_through_rasa(
    config: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rasa expands ${...} only in unquoted values: the project's file must work."""
    from rasa.utils.endpoints import read_endpoint_config

    from bot.config import PROJECT_ROOT

    monkeypatch.setenv("ACTION_SERVER_TOKEN", "action-secret")
    monkeypatch.setenv("ACTION_PORT", "15999")
    endpoint = read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), "action_endpoint")
    assert endpoint is not None
    assert endpoint.url == "http://127.0.0.1:15999/webhook"
    assert endpoint.token == "action-secret"


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert launch.main(["nope"]) == 2
    assert "usage" in capsys.readouterr().err


def test_services_start_through_the_launcher_without_secrets() -> None:
    config = settings()
    for service in (rasa_server(), action_server()):
        assert service.command[1:3] == ["-m", "bot.launch"]
        for secret in (config.rasa_api_token, config.action_server_token):
            assert secret not in " ".join(service.command)


@pytest.mark.parametrize(
    ("host", "reach"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0.0.0.0", "127.0.0.1"),
        ("::", "127.0.0.1"),
        ("10.1.2.3", "10.1.2.3"),
    ],
)
def test_health_checks_reach_the_bind_host(host: str, reach: str) -> None:
    assert local_address(host) == reach
