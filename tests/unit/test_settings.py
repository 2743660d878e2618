"""One checked settings object for every environment variable, documented in the README.

The names come from bot.config's registry (the tuples the parser itself reads), so a
variable added to the code and not to the README's table, or the other way round,
fails here; so does an ``os.environ`` read outside bot/config.py.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot import cli, launch
from bot.config import (
    ENV_NAMES,
    PRODUCTION_VARIABLES,
    PROJECT_ROOT,
    VARIABLES,
    ProductionSettings,
    Settings,
    SettingsError,
    load_production_settings,
    load_settings,
    settings,
)

README = PROJECT_ROOT / "README.md"
SECTION = "### Settings (environment variables)"


def readme_rows() -> list[list[str]]:
    """The cells of each row of the README's settings table (header rows left out)."""
    text = README.read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows]


def test_the_readme_lists_every_variable_the_settings_read_and_no_other() -> None:
    documented = []
    for cells in readme_rows():
        names = re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0])
        assert len(names) == 1, f"one variable per row: {cells[0]}"
        assert len(cells) == 3 and all(cells), f"name, default and meaning: {cells}"
        documented.append(names[0])
    assert len(documented) == len(set(documented)), "a variable has two rows"
    assert set(documented) - ENV_NAMES == set(), "documented, but no setting reads it"
    assert ENV_NAMES - set(documented) == set(), "read, but not in the README's table"


@pytest.mark.parametrize(
    ("variables", "cls"),
    [(VARIABLES, Settings), (PRODUCTION_VARIABLES, ProductionSettings)],
)
def test_every_field_is_filled_by_exactly_one_variable(
    variables: tuple, cls: type[Settings] | type[ProductionSettings]
) -> None:
    filled = [variable.field for variable in variables]
    assert sorted(filled) == sorted(f.name for f in dataclasses.fields(cls))


# ---- nobody else reads the environment ----------------------------------------------

# Passing the whole environment on to a child process is no read of a setting.
ENVIRONMENT_COPIES = {
    "bot/services.py": "service_env(): the environment the servers start with",
    "bot/deploy/profile.py": "migrate(): alembic runs with the profile's database URL",
    "bot/nlp/evaluate.py": "the evaluation's child process, limited to one thread",
}


def _is_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr in ("environ", "environb")
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def environment_uses(source: str) -> list[tuple[int, str]]:
    """(line, kind) of each use of the environment: 'read', 'copy' or 'write'."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            if {alias.name for alias in node.names} & {"environ", "environb", "getenv"}:
                found.append((node.lineno, "read"))
        elif isinstance(node, ast.Attribute) and node.attr in ("getenv", "getenvb"):
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                found.append((node.lineno, "read"))
        elif isinstance(node, ast.Attribute) and _is_environ(node):
            parent = parents[node]
            if isinstance(parent, ast.Attribute):
                kind = "write" if parent.attr == "update" else "read"  # get, copy, pop...
            elif isinstance(parent, ast.Subscript) and parent.value is node:
                kind = "read" if isinstance(parent.ctx, ast.Load) else "write"
            elif isinstance(parent, ast.Compare):
                kind = "read"
            else:
                kind = "copy"
            found.append((node.lineno, kind))
    return found


def test_the_scan_tells_reads_from_writes_and_copies() -> None:
    source = (
        "import os\n"
        "a = os.environ.get('X')\n"
        "b = os.environ['X']\n"
        "c = os.getenv('X')\n"
        "d = 'X' in os.environ\n"
        "os.environ['X'] = '1'\n"
        "os.environ.update({})\n"
        "e = dict(os.environ)\n"
        "f = {**os.environ}\n"
    )
    kinds = [kind for _, kind in sorted(environment_uses(source))]
    assert kinds == ["read", "read", "read", "read", "write", "write", "copy", "copy"]


def test_only_the_settings_read_the_environment() -> None:
    reads, copies = [], []
    for folder in ("bot", "actions"):
        for file in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            name = file.relative_to(PROJECT_ROOT).as_posix()
            if name == "bot/config.py":
                continue
            for line, kind in environment_uses(file.read_text(encoding="utf-8")):
                if kind == "read":
                    reads.append(f"{name}:{line}")
                elif kind == "copy" and name not in ENVIRONMENT_COPIES:
                    copies.append(f"{name}:{line}")
    assert reads == [], "read a field of bot.config.settings() instead"
    assert copies == [], "a copy of the environment for a child: add it with its reason"


def test_no_module_imports_a_private_name_of_the_settings() -> None:
    private = []
    for folder in ("bot", "actions"):
        for file in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module == "bot.config":
                    private += [f"{file}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert private == []


# ---- checked at the start ---------------------------------------------------------------


def with_env(**changes: str) -> dict[str, str]:
    return {**os.environ, **changes}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("RASA_PORT", "50o5", "is not a whole number: expected a port number from 1 to 65535"),
        ("ACTION_PORT", "0", "is too small: expected a port number from 1 to 65535"),
        ("WEB_PORT", "65536", "is too large: expected a port number from 1 to 65535"),
        ("RETENTION_EVENT_DAYS", "-5", "is too small: expected a whole number of days, 1 or more"),
        ("RETENTION_ESCALATION_DAYS", "2.5", "is not a whole number"),
        ("COACH_SESSION_MAX_HOURS", "-1", "expected a number of hours, more than 0"),
        ("COACH_RESPONSE_TARGET_HOURS", "vier", "is not a number: expected a number of hours"),
        ("RETENTION_EVERY_HOURS", "nan", "is not a finite number"),
        ("FOLLOWUP_POLL_S", "0", "expected a number of seconds, more than 0"),
        ("FOLLOWUP_HOUR", "24", "expected an hour from 0 to 23"),
        ("REVIEW_CONFIDENCE_THRESHOLD", "70%", "is not a number: expected a number from 0 to 1"),
        ("REVIEW_CONFIDENCE_THRESHOLD", "1.5", "expected a number from 0 to 1"),
        ("SQL_POOL_SIZE", "0", "expected a whole number, 1 or more"),
        ("STATE_HISTORY_ENTRIES", "-1", "expected a whole number, 0 (off) or more"),
        ("INFERENCE_CACHE_MB", "lots", "is not a number"),
        ("PUBLIC_RASA_URL", "chat.example.org", "expected a URL starting with http://"),
        ("PUBLIC_WEB_URL", "ftp://example.org", "expected a URL starting with http://"),
        ("TELEGRAM_API_BASE", "https://", "is not a web address"),
        ("WEBCHAT_ORIGINS", " , ", "is an empty list: expected comma-separated origins"),
        ("WEBCHAT_ORIGINS", "https://example.org/chat", "not an http(s) origin"),
        ("WIDGET_EMBED_ORIGINS", ",", "is an empty list"),
        ("WIDGET_EMBED_ORIGINS", "www.gemeente.nl", "not an https origin"),
        ("WIDGET_EMBED_ORIGINS", "http://www.gemeente.nl", "a partner's page must use https"),
        ("COACH_SECURE_COOKIES", "ja", "is not on or off: expected 1 (on) or 0 (off)"),
        ("BIND_HOST", "http://0.0.0.0", "expected a host name or an IP address"),
    ],
)
def test_a_wrong_value_is_named_with_what_is_expected(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(with_env(**{name: value}))
    message = str(raised.value)
    assert message.startswith(f"{name}={value!r} ") and expected in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PROD_PORT", "http", "expected a port number from 1 to 65535"),
        ("PROD_RASA_PORTS", "25005;25006", "expected comma-separated port numbers"),
        ("PROD_ACTION_PORTS", ",", "is an empty list"),
        ("PROD_PUBLIC_REST", "yes please", "expected 1 (on) or 0 (off)"),
        ("PROD_HOST", "werk maatje", "is not a host name"),
    ],
)
def test_a_wrong_production_value_is_named(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(expected)) as raised:
        load_production_settings(with_env(**{name: value}))
    assert str(raised.value).startswith(f"{name}={value!r} ")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_SECRET", "geheim met spaties"),
        ("TELEGRAM_TOKEN", "geheim-zonder-nummer"),
        ("DATABASE_URL", "wachtwoord-geheim"),
    ],
)
def test_a_secret_is_never_in_the_message(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(with_env(**{name: value}))
    message = str(raised.value)
    assert message.startswith(f"{name}=(value hidden) ") and "geheim" not in message


def test_all_wrong_values_are_told_at_once_on_one_line() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(with_env(RASA_PORT="x", FOLLOWUP_HOUR="25"))
    message = str(raised.value)
    assert "RASA_PORT='x'" in message and "FOLLOWUP_HOUR='25'" in message
    assert "PUBLIC_RASA_URL" not in message  # its default follows the wrong port: not told
    assert "\n" not in message


def test_good_values_are_read_and_an_empty_one_is_unset() -> None:
    config = load_settings(
        with_env(
            RASA_PORT="6005",
            PUBLIC_RASA_URL="",
            PUBLIC_WEB_URL="https://werkmaatje.example.org/",
            WEBCHAT_ORIGINS="https://a.example.org, https://b.example.org:8443/",
            COACH_SECURE_COOKIES="1",
            FOLLOWUP_DELAY_S="",
            WIDGET_EMBED_ORIGINS="https://www.gemeente.nl,http://localhost:8000",
        )
    )
    assert config.rasa_port == 6005 and config.public_rasa_url == "http://localhost:6005"
    assert config.public_web_url == "https://werkmaatje.example.org"
    assert config.webchat_origins == ("https://a.example.org", "https://b.example.org:8443")
    assert config.coach_secure_cookies is True and config.followup_delay_s is None
    assert config.widget_embed_origins == ("https://www.gemeente.nl", "http://localhost:8000")


def test_secrets_stay_out_of_the_settings_repr() -> None:
    config = settings()
    shown = repr(config)
    for value in (config.rasa_api_token, config.pseudonym_key, config.action_server_token):
        assert value not in shown
    assert config.database_url not in shown


def test_the_settings_follow_a_changed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    before = settings()
    assert settings() is before  # unchanged environment: the same object
    monkeypatch.setenv("COACH_RESPONSE_TARGET_HOURS", "100")
    assert settings().coach_response_target_hours == 100
    monkeypatch.undo()
    settings.cache_clear()
    assert settings() == before


def test_the_cli_says_what_is_wrong_and_starts_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RASA_PORT", "vijfduizend")
    assert cli.main(["run"]) == 2
    assert launch.main(["actions"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert (
        errors
        == [
            "error: RASA_PORT='vijfduizend' is not a whole number: "
            "expected a port number from 1 to 65535"
        ]
        * 2
    )


def test_the_cli_checks_the_production_settings_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROD_RASA_PORTS", "25005,zes")
    assert cli.main(["prod"]) == 2
    assert capsys.readouterr().err.startswith("error: PROD_RASA_PORTS='25005,zes' ")


@pytest.mark.parametrize("module", ["bot.cli run", "bot.launch actions", "bot.web"])
def test_a_process_started_with_a_wrong_value_exits_2_without_a_traceback(module: str) -> None:
    env = {**os.environ, "FOLLOWUP_HOUR": "25", "TELEGRAM_SECRET": "geheim met spaties"}
    done = subprocess.run(
        [sys.executable, "-m", *module.split()],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "geheim" not in done.stderr
    assert done.stderr.startswith("error: TELEGRAM_SECRET=(value hidden) has characters")
    assert "FOLLOWUP_HOUR='25' is too large: expected an hour from 0 to 23" in done.stderr


# ---- endpoints.yml through Rasa's own reader ---------------------------------------------


@pytest.mark.parametrize("port", ["1", "5999", "65535"])
def test_every_valid_action_port_reaches_rasa_through_endpoints_yml(
    port: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.utils import AvailableEndpoints

    # Set first, so monkeypatch puts the test run's values back afterwards.
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "before")
    monkeypatch.setenv("ACTION_PORT", port)
    config = dataclasses.replace(load_settings(), action_server_token="token-from-settings")
    monkeypatch.setenv("ACTION_PORT", "1")  # the export, not the environment, must count
    launch.export_action_endpoint(config)
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml"))
    assert endpoints.action is not None
    assert endpoints.action.url == f"http://127.0.0.1:{port}/webhook"
    assert endpoints.action.token == "token-from-settings"


# ---- the widget on a partner's site ------------------------------------------------------


def frame_ancestors_header() -> str:
    from bot.web.app import create_app

    client = TestClient(create_app(rasa_url="http://127.0.0.1:9"))  # no lifespan: no Rasa
    policy = client.get("/health").headers["content-security-policy"]
    return next(p for p in policy.split("; ") if p.startswith("frame-ancestors"))


def test_the_widget_may_be_framed_by_its_own_pages_only_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WIDGET_EMBED_ORIGINS", raising=False)
    assert frame_ancestors_header() == "frame-ancestors 'self'"


def test_a_partners_site_may_frame_the_widget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGET_EMBED_ORIGINS", "https://www.gemeente.nl, https://werk.vdab.be/")
    assert frame_ancestors_header() == (
        "frame-ancestors 'self' https://www.gemeente.nl https://werk.vdab.be"
    )


def test_a_wrong_embedding_origin_stops_the_web_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.web.app import create_app

    monkeypatch.setenv("WIDGET_EMBED_ORIGINS", "https://www.gemeente.nl/chat; script-src *")
    with pytest.raises(SettingsError, match=r"WIDGET_EMBED_ORIGINS=.* not an https origin"):
        create_app(rasa_url="http://127.0.0.1:9")


# ---- make prod ---------------------------------------------------------------------------


def test_the_production_profile_reads_its_checked_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.deploy.profile import ProdConfig

    monkeypatch.setenv("PROD_DIR", str(tmp_path))
    monkeypatch.setenv("PROD_RASA_PORTS", "26005, 26006,26007")
    monkeypatch.setenv("PROD_PUBLIC_REST", "1")
    monkeypatch.delenv("WEBCHAT_ORIGINS", raising=False)
    config = ProdConfig.from_env()
    assert config.dir == tmp_path.resolve() and config.rasa_ports == (26005, 26006, 26007)
    assert config.public_rest is True and config.webchat_origins is None
    passwords = load_production_settings()
    assert passwords.db_password and passwords.db_password != passwords.pg_superuser_password
    assert passwords.db_password not in repr(passwords)


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, "http://127.0.0.1:28080,http://localhost:28080"), ("https://a.nl", "https://a.nl")],
)
def test_the_profile_passes_its_webchat_origins_on(
    given: str | None, expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.deploy.profile import MissingBinary, ProdConfig, Profile

    monkeypatch.delenv("PROD_HOST", raising=False)
    monkeypatch.delenv("PROD_WEB_PORT", raising=False)
    if given is None:
        monkeypatch.delenv("WEBCHAT_ORIGINS", raising=False)
    else:
        monkeypatch.setenv("WEBCHAT_ORIGINS", given)
    try:
        profile = Profile(dataclasses.replace(ProdConfig.from_env(), dir=tmp_path))
    except MissingBinary as missing:
        pytest.skip(str(missing))
    assert profile.shared_env()["WEBCHAT_ORIGINS"] == expected
