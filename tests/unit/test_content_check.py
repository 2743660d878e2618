"""`python -m bot.cli content check`: a coach sees per option which facts are missing, and
which sources are due for a new check (more than 12 months old)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import cli
from bot.config import CONTENT_DIR


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the content folder; only the options are checked here."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    monkeypatch.setattr(cli, "check_exercises", lambda _folder: 0)
    return folder


def _edit(folder: Path, region: str, change: Any) -> None:
    path = folder / "options" / f"{region}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["options"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _check(folder: Path, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = cli.main(["content", "check", "--dir", str(folder)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _refresh(options: list[dict]) -> None:
    for option in options:
        for source in option["sources"]:
            source["checked"] = date.today().isoformat()


def _index(options: list[dict], option_id: str) -> int:
    return next(i for i, o in enumerate(options) if o["id"] == option_id)


def test_every_missing_fact_is_named_per_option(
    content: Path, capsys: pytest.CaptureFixture
) -> None:
    def strip(options: list[dict]) -> None:
        beschut = options[_index(options, "beschut_werk")]
        del beschut["sources"], beschut["who"]
        options[_index(options, "proefplaatsing")]["benefit"] = "  "

    _edit(content, "nl_NL", strip)
    code, out, err = _check(content, capsys)
    assert code == 1
    assert "nl_NL, option beschut_werk: 'sources' ontbreekt" in err
    assert "nl_NL, option beschut_werk: 'who' ontbreekt" in err
    assert "nl_NL, option proefplaatsing: 'benefit' is leeg" in err
    assert "Error in options/nl_NL.yml at options/" in err
    # The other region is still checked, so the coach sees everything in one run.
    assert "nl_BE: " in out and "OK" in out


def test_an_option_without_an_id_is_named_by_its_place(
    content: Path, capsys: pytest.CaptureFixture
) -> None:
    _edit(content, "nl_BE", lambda options: options[2].pop("id"))
    code, _, err = _check(content, capsys)
    assert code == 1
    assert "at options/2: nl_BE, option 3: 'id' ontbreekt" in err


def test_an_old_source_is_a_warning_not_an_error(
    content: Path, capsys: pytest.CaptureFixture
) -> None:
    old = (date.today() - timedelta(days=400)).isoformat()

    def age(options: list[dict]) -> None:
        _refresh(options)
        options[_index(options, "vrijwilligerswerk")]["sources"][0]["checked"] = old

    _edit(content, "nl_NL", _refresh)
    _edit(content, "nl_BE", age)
    code, out, _ = _check(content, capsys)
    assert code == 0
    assert "Let op: nl_BE, option vrijwilligerswerk: bron 'RVA" in out
    assert f"gecontroleerd op {old}, meer dan 12 maanden geleden" in out
    assert out.count("Let op:") == 1  # only the old one is named


def test_fresh_sources_give_no_warning(content: Path, capsys: pytest.CaptureFixture) -> None:
    today = date.today().isoformat()
    recent = (date.today() - timedelta(days=300)).isoformat()

    def refresh(options: list[dict]) -> None:
        for number, option in enumerate(options):
            for source in option["sources"]:
                source["checked"] = today if number % 2 else recent

    for region in ("nl_NL", "nl_BE"):
        _edit(content, region, refresh)
    code, out, _ = _check(content, capsys)
    assert code == 0 and "Let op" not in out
    assert "nl_NL: " in out and "nl_BE: " in out


def test_a_date_in_the_future_is_a_warning(content: Path, capsys: pytest.CaptureFixture) -> None:
    later = (date.today() + timedelta(days=30)).isoformat()

    def future(options: list[dict]) -> None:
        _refresh(options)
        options[0]["sources"][0]["checked"] = later

    _edit(content, "nl_NL", future)
    code, out, _ = _check(content, capsys)
    assert code == 0
    assert f"de datum {later} ligt in de toekomst" in out


def test_a_day_that_does_not_exist_is_an_error(
    content: Path, capsys: pytest.CaptureFixture
) -> None:
    _edit(content, "nl_NL", lambda options: options[0]["sources"][0].update(checked="2026-02-30"))
    code, _, err = _check(content, capsys)
    assert code == 1
    assert "'checked' '2026-02-30' is geen echte datum" in err


def test_content_check_refuses_a_help_file_without_a_region(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    (folder / "exercise_help.yml").write_text(
        'version: 1\nregions:\n  nl_NL:\n    text: "Vraag het in de bibliotheek."\n',
        encoding="utf-8",
    )
    assert cli.main(["content", "check", "--dir", str(folder)]) == 1
