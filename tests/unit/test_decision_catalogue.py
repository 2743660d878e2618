"""The options catalogue: both regions load, broken files are refused, every text is plain Dutch."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot import cli
from bot.config import CONTENT_DIR
from bot.decision.catalogue import (
    GOAL_IDS,
    NOTHING_YET,
    OPTIONS_DIR,
    TERMS_FILE,
    Catalogue,
    catalogue,
    load_catalogue,
    load_terms,
    terms,
)
from tests.unit.test_plain_language import b1_problems, sentences

REGIONS = ("nl_NL", "nl_BE")
TEXT_FIELDS = ("title", "description", "plus", "minus", "duration", "helper", "first_step")
NUMBER_WORDS = {"twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "twaalf"}


def _texts() -> list[tuple[str, str]]:
    found = []
    for region in REGIONS:
        for option in load_catalogue(region).options:
            found += [(f"{region}:{option.id}.{f}", getattr(option, f)) for f in TEXT_FIELDS]
    known = load_terms()
    for term in known.goals + known.preferences:
        found.append((f"terms:{term.id}", term.label))
    return found


TEXTS = _texts()


# --- the real files -------------------------------------------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_real_catalogues_load(region: str) -> None:
    loaded = load_catalogue(region)
    assert loaded.region == region
    assert isinstance(loaded.version, str) and loaded.version
    assert len(loaded.options) >= 12
    assert loaded.get(NOTHING_YET).title == "Nu nog niets"
    for option in loaded.options:
        assert option.plus and option.minus, option.id
        assert option.plus != option.minus, option.id


def test_real_terms_load() -> None:
    known = load_terms()
    assert [g.id for g in known.goals] == list(GOAL_IDS)
    assert 7 <= len(known.preferences) <= 9
    assert known.goal("explore").label == "Weet ik nog niet"
    assert known.preference("money").keywords
    with pytest.raises(KeyError):
        known.goal("nope")
    with pytest.raises(KeyError):
        known.preference("nope")


def test_get_unknown_option_raises_key_error() -> None:
    with pytest.raises(KeyError):
        catalogue("nl_NL").get("bestaat_niet")


def test_cached_accessors_fall_back_to_nl_nl() -> None:
    assert terms() is terms()
    assert catalogue("nl_BE").region == "nl_BE"
    assert catalogue("nl_NL") is catalogue("nl_NL")
    assert catalogue("fr_BE") is catalogue("nl_NL")
    assert catalogue(None).region == "nl_NL"


@pytest.mark.parametrize("region", REGIONS)
def test_every_goal_has_three_options(region: str) -> None:
    loaded = catalogue(region)
    for goal in GOAL_IDS:
        assert sum(goal in o.goals for o in loaded.options) >= 3, goal


@pytest.mark.parametrize("region", REGIONS)
def test_button_labels_fit_a_phone(region: str) -> None:
    for option in catalogue(region).options:
        assert len(f"Kies {option.title}") <= 40, option.id
        assert len(f"Meer over {option.title}") <= 40, option.id


def test_term_labels_fit_a_button() -> None:
    known = terms()
    for term in known.goals + known.preferences:
        assert len(term.label) <= 25, term.id
        assert len(term.label.split()) >= 2, f"{term.id}: a label says what to do"


def test_regional_wording() -> None:
    """Flemish users meet VDAB and the OCMW, Dutch users their municipality and UWV."""

    def words(region: str) -> set[str]:
        found = set()
        for option in catalogue(region).options:
            for field in TEXT_FIELDS:
                found |= {w.lower() for s in sentences(getattr(option, field)) for w in s}
        return found

    assert not words("nl_BE") & {"klantmanager", "uwv", "werkcoach", "digid", "mbo", "zzp'er"}
    assert not words("nl_NL") & {"vdab", "ocmw", "vdab-bemiddelaar", "job", "cvo"}
    assert {"vdab-bemiddelaar", "ocmw", "job"} <= words("nl_BE")


# --- plain Dutch (B1), the same rules as tests/unit/test_plain_language.py ----------------


@pytest.mark.parametrize("name,text", TEXTS, ids=[t[0] for t in TEXTS])
def test_plain_dutch(name: str, text: str) -> None:
    found = b1_problems(text)
    assert not found, f"{name}: " + "; ".join(found)
    words = {w.lower() for sentence in sentences(text) for w in sentence}
    assert not words & NUMBER_WORDS, f"{name}: write numbers as digits"


# --- broken copies are refused ----------------------------------------------------------


def _real(region: str = "nl_NL") -> dict[str, Any]:
    return yaml.safe_load((OPTIONS_DIR / f"{region}.yml").read_text(encoding="utf-8"))


def _write(directory: Path, data: Any, region: str = "nl_NL") -> None:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    (directory / f"{region}.yml").write_text(text, encoding="utf-8")


def _load(directory: Path, region: str = "nl_NL") -> Catalogue:
    return load_catalogue(region, directory)


def test_unchanged_copy_loads(tmp_path: Path) -> None:
    _write(tmp_path, _real())
    assert _load(tmp_path) == load_catalogue("nl_NL")


def test_unknown_tag_is_refused(tmp_path: Path) -> None:
    data = _real()
    data["options"][0]["tags"].append("zwemmen")
    _write(tmp_path, data)
    with pytest.raises(ValueError, match=r"unknown tags.*zwemmen"):
        _load(tmp_path)


def test_unknown_goal_is_refused(tmp_path: Path) -> None:
    data = _real()
    data["options"][0]["goals"].append("reizen")
    _write(tmp_path, data)
    with pytest.raises(ValueError, match=r"unknown goals.*reizen"):
        _load(tmp_path)


def test_duplicate_id_is_refused(tmp_path: Path) -> None:
    data = _real()
    data["options"][1]["id"] = data["options"][0]["id"]
    _write(tmp_path, data)
    with pytest.raises(ValueError, match="used twice"):
        _load(tmp_path)


def test_duplicate_keyword_is_refused(tmp_path: Path) -> None:
    data = _real()
    data["options"][1]["keywords"].append(data["options"][0]["keywords"][0])
    _write(tmp_path, data)
    with pytest.raises(ValueError, match="keywords used by more than one option"):
        _load(tmp_path)


def test_missing_minus_is_refused(tmp_path: Path) -> None:
    """An option told only by its upside is as one-sided as one told only by its downside."""
    data = _real()
    del data["options"][0]["minus"]
    _write(tmp_path, data)
    with pytest.raises(jsonschema.ValidationError, match="'minus' is a required property"):
        _load(tmp_path)


def test_blank_plus_is_refused(tmp_path: Path) -> None:
    data = _real()
    data["options"][0]["plus"] = "   "
    _write(tmp_path, data)
    with pytest.raises(jsonschema.ValidationError):
        _load(tmp_path)


def test_wrong_region_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, _real("nl_NL"), region="nl_BE")
    with pytest.raises(ValueError, match="region is 'nl_NL'"):
        _load(tmp_path, "nl_BE")


def test_missing_nothing_yet_is_refused(tmp_path: Path) -> None:
    data = _real()
    data["options"] = [o for o in data["options"] if o["id"] != NOTHING_YET]
    # Keep every goal at 3 options, so only the missing option is the problem.
    data["options"][0]["goals"] = list(GOAL_IDS)
    data["options"][1]["goals"] = list(GOAL_IDS)
    _write(tmp_path, data)
    with pytest.raises(ValueError, match=NOTHING_YET):
        _load(tmp_path)


def test_goal_with_too_few_options_is_refused(tmp_path: Path) -> None:
    data = _real()
    for option in data["options"]:
        option["goals"] = [g for g in option["goals"] if g != "explore"] or ["work"]
    _write(tmp_path, data)
    with pytest.raises(ValueError, match="'explore' has 0 options"):
        _load(tmp_path)


def test_extra_field_is_refused(tmp_path: Path) -> None:
    data = _real()
    data["options"][0]["prijs"] = "gratis"
    _write(tmp_path, data)
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        _load(tmp_path)


@pytest.mark.parametrize(
    "field,value",
    [
        ("id", "Werk Plek"),
        ("title", "Een veel te lange titel voor een knop"),
        ("goals", []),
        ("keywords", ["Hoofdletters"]),
    ],
)
def test_schema_limits(tmp_path: Path, field: str, value: Any) -> None:
    data = _real()
    data["options"][0][field] = value
    _write(tmp_path, data)
    with pytest.raises(jsonschema.ValidationError):
        _load(tmp_path)


def test_unquoted_version_is_refused(tmp_path: Path) -> None:
    """`version: 2026.11` is a number in YAML; decisions record a string."""
    text = (OPTIONS_DIR / "nl_NL.yml").read_text(encoding="utf-8")
    _write(tmp_path, re.sub(r'version: "[^"]+"', "version: 2026.11", text))
    with pytest.raises(jsonschema.ValidationError):
        _load(tmp_path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "")
    with pytest.raises(jsonschema.ValidationError):
        _load(tmp_path)


def test_checks_use_the_given_terms(tmp_path: Path) -> None:
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    data["preferences"] = [p for p in data["preferences"] if p["id"] != "money"]
    path = tmp_path / "terms.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown tags.*money"):
        load_catalogue("nl_NL", known_terms=load_terms(path))


# --- broken terms are refused -----------------------------------------------------------


def _terms_copy(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "decision_terms.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_terms_copy_loads(tmp_path: Path) -> None:
    assert load_terms(_terms_copy(tmp_path, lambda d: None)) == load_terms()


def test_renamed_goal_is_refused(tmp_path: Path) -> None:
    path = _terms_copy(tmp_path, lambda d: d["goals"][0].update(id="job"))
    with pytest.raises(ValueError, match="goals must be exactly"):
        load_terms(path)


def test_missing_goal_is_refused(tmp_path: Path) -> None:
    path = _terms_copy(tmp_path, lambda d: d["goals"].pop())
    with pytest.raises(jsonschema.ValidationError):
        load_terms(path)


def test_duplicate_preference_is_refused(tmp_path: Path) -> None:
    path = _terms_copy(tmp_path, lambda d: d["preferences"].append(dict(d["preferences"][0])))
    with pytest.raises(ValueError, match="preference ids used twice"):
        load_terms(path)


def test_keyword_on_two_goals_is_refused(tmp_path: Path) -> None:
    path = _terms_copy(tmp_path, lambda d: d["goals"][1]["keywords"].append("werk"))
    with pytest.raises(ValueError, match=r"more than one goal.*werk"):
        load_terms(path)


def test_long_label_is_refused(tmp_path: Path) -> None:
    path = _terms_copy(
        tmp_path, lambda d: d["goals"][0].update(label="Een betaalde baan vinden nu")
    )
    with pytest.raises(jsonschema.ValidationError):
        load_terms(path)


def test_extra_term_field_is_refused(tmp_path: Path) -> None:
    path = _terms_copy(tmp_path, lambda d: d["preferences"][0].update(emoji="💶"))
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        load_terms(path)


# --- `python -m bot.cli content check`: what a coach runs after editing ------------------


def test_content_check_passes_on_the_real_files(capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["content", "check"]) == 0
    out = capsys.readouterr().out
    assert "nl_NL: 17 options" in out and "nl_BE: 19 options" in out


def test_content_check_says_where_an_edit_went_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    broken = tmp_path / "content" / "options" / "nl_BE.yml"
    broken.write_text(broken.read_text().replace("minus:", "min:", 1))
    assert cli.main(["content", "check", "--dir", str(tmp_path / "content")]) == 1
    assert "Error in options/nl_BE.yml at options/" in capsys.readouterr().err
