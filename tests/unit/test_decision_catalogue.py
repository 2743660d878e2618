"""The options catalogue: both regions load, broken files are refused, every text is plain Dutch."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot import cli
from bot.config import CONTENT_DIR
from bot.decision import understand
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
# What a job-seeker must know before choosing (GUIDE §2); "first" and "duty" may be empty.
FACT_FIELDS = ("who", "first", "benefit", "duty")
NUMBER_WORDS = {"twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "twaalf"}


def _texts() -> list[tuple[str, str]]:
    found = []
    for region in REGIONS:
        for option in load_catalogue(region).options:
            found += [(f"{region}:{option.id}.{f}", getattr(option, f)) for f in TEXT_FIELDS]
            found += [
                (f"{region}:{option.id}.{f}", getattr(option, f))
                for f in FACT_FIELDS
                if getattr(option, f)
            ]
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
            for field in TEXT_FIELDS + FACT_FIELDS:
                found |= {w.lower() for s in sentences(getattr(option, field)) for w in s}
        return found

    dutch = {"klantmanager", "uwv", "werkcoach", "digid", "mbo", "zzp'er", "bijstand", "ww"}
    assert not words("nl_BE") & dutch
    assert not words("nl_NL") & {
        "vdab",
        "ocmw",
        "vdab-bemiddelaar",
        "job",
        "cvo",
        "leefloon",
        "rva",
    }
    assert {"vdab-bemiddelaar", "ocmw", "job", "leefloon", "rva"} <= words("nl_BE")
    assert {"gemeente", "uwv", "bijstand", "ww"} <= words("nl_NL")


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
    assert "nl_NL: 25 options" in out and "nl_BE: 25 options" in out


def test_content_check_says_where_an_edit_went_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    broken = tmp_path / "content" / "options" / "nl_BE.yml"
    broken.write_text(broken.read_text().replace("minus:", "min:", 1))
    assert cli.main(["content", "check", "--dir", str(tmp_path / "content")]) == 1
    assert "Error in options/nl_BE.yml at options/" in capsys.readouterr().err


# --- the facts a klantmanager (NL) and a VDAB jobcoach (BE) sign off ----------------------


def _by_keyword(region: str, text: str) -> str | None:
    """The option a typed text names, the way the journey reads it (whole catalogue)."""
    choices = [(o.id, o.title, o.keywords) for o in catalogue(region).options]
    return understand.match_choice(text, choices)


@pytest.mark.parametrize("region", REGIONS)
def test_every_option_says_who_what_it_does_to_a_benefit_and_its_sources(region: str) -> None:
    for option in catalogue(region).options:
        assert option.who and option.benefit, option.id
        assert option.sources, f"{option.id}: no sources"
        for source in option.sources:
            assert source.url.startswith("https://"), (option.id, source.url)
            assert date.fromisoformat(source.checked) <= date.today(), (option.id, source)


@pytest.mark.parametrize("field", ["who", "benefit", "sources"])
def test_missing_fact_is_refused(tmp_path: Path, field: str) -> None:
    data = _real()
    del data["options"][0][field]
    _write(tmp_path, data)
    with pytest.raises(jsonschema.ValidationError, match=f"'{field}' is a required property"):
        _load(tmp_path)


def test_a_source_needs_an_https_url_and_a_date(tmp_path: Path) -> None:
    for change in ({"url": "http://www.uwv.nl"}, {"checked": "7 december 2026"}):
        data = _real()
        data["options"][0]["sources"][0].update(change)
        _write(tmp_path, data)
        with pytest.raises(jsonschema.ValidationError):
            _load(tmp_path)


@pytest.mark.parametrize(
    "region,option_id",
    [
        ("nl_NL", "beschut_werk"),
        ("nl_NL", "proefplaatsing"),
        ("nl_NL", "jobcoach"),
        ("nl_NL", "loonkostensubsidie"),
        ("nl_NL", "banenafspraak"),
        ("nl_BE", "maatwerkbedrijf"),
        ("nl_BE", "gtb"),
        ("nl_BE", "tijdelijke_werkervaring"),
        ("nl_BE", "werkervaringsstage"),
        ("nl_BE", "wijk_werken"),
    ],
)
def test_options_that_need_an_advice_assessment_or_referral_are_gated(
    region: str, option_id: str
) -> None:
    option = catalogue(region).get(option_id)
    assert option.gated and option.first, option_id


def test_the_gates_name_who_decides() -> None:
    nl, be = catalogue("nl_NL"), catalogue("nl_BE")
    beschut = nl.get("beschut_werk")
    assert "advies beschut werk" in beschut.first and "UWV" in beschut.first
    assert "gemeente" in beschut.first
    assert "werkgever" in beschut.who  # only where a regular employer cannot offer it
    proef = nl.get("proefplaatsing")
    assert "klantmanager" in proef.first and "UWV" in proef.first
    assert "Begin pas" in proef.first  # you may find the employer, but start only after the yes
    assert "houdt je uitkering" in proef.benefit
    assert "indicatie" in be.get("maatwerkbedrijf").first
    assert "VDAB" in be.get("maatwerkbedrijf").first
    assert "doorverwijzing van VDAB" in be.get("gtb").first


def test_volunteer_work_with_a_benefit_is_reported_first() -> None:
    nl = catalogue("nl_NL").get("vrijwilligerswerk").duty
    assert "voor je begint" in nl and "gemeente" in nl and "UWV" in nl
    be = catalogue("nl_BE").get("vrijwilligerswerk").duty
    assert "vooraf" in be and "RVA" in be and "C45B" in be and "uitbetalingsinstelling" in be
    assert "OCMW" in be and "Leefloon" in be


OUTDATED = ("tozo", "sw-bedrijf", "sociale werkplaats", "beschutte werkplaats")


@pytest.mark.parametrize("region", REGIONS)
def test_outdated_names_never_route_to_an_option_as_if_current(region: str) -> None:
    """Tozo ended in 2021; the sociale werkplaats closed to new people in 2015 (in Flanders
    the maatwerkbedrijf replaced it). A keyword that is kept must lead to a text that says so."""
    for option in catalogue(region).options:
        assert "tozo" not in option.keywords, option.id
        old = [k for k in option.keywords if k in OUTDATED]
        if old:
            text = option.description.lower()
            assert "sociale werkplaats" in text and ("2015" in text or "vroeger" in text), option.id
    assert _by_keyword("nl_NL", "tozo") != "zzp"
    assert _by_keyword("nl_NL", "sociale werkplaats") == "beschut_werk"
    assert "sinds 2015 dicht" in catalogue("nl_NL").get("beschut_werk").description


@pytest.mark.parametrize("region", REGIONS)
def test_inburgering_is_a_duty_of_its_own_not_a_language_course(region: str) -> None:
    loaded = catalogue(region)
    inburgering = loaded.get("inburgering")
    assert "inburgering" in inburgering.keywords and "inburgeren" in inburgering.keywords
    assert "verplicht" in inburgering.duty
    assert "inburgering" not in loaded.get("taalcursus").keywords
    assert _by_keyword(region, "ik moet nog inburgeren") == "inburgering"
    assert _by_keyword(region, "inburgering") == "inburgering"
    assert "inburgeren" in loaded.get("taalcursus").who.lower()
    helper = "gemeente" if region == "nl_NL" else "Agentschap Integratie en Inburgering"
    assert helper in inburgering.helper


def test_flemish_routes_are_right_for_all_of_flanders() -> None:
    be = catalogue("nl_BE")
    twe = be.get("tijdelijke_werkervaring")
    assert "VDAB" in twe.description and "OCMW" in twe.description
    assert "leefloon" in twe.description.lower() and "artikel 60" in twe.description
    taal = be.get("taalcursus")
    assert "Agentschap Integratie en Inburgering" in taal.description
    assert "In Brussel" in taal.first_step  # the Huis van het Nederlands is in Brussel


@pytest.mark.parametrize(
    "region,text,option_id",
    [
        ("nl_NL", "ik wil mijn diploma erkennen", "diploma_erkennen"),
        ("nl_NL", "idw", "diploma_erkennen"),
        ("nl_NL", "diplomawaardering", "diploma_erkennen"),
        ("nl_NL", "evc", "evc"),
        ("nl_NL", "een praktijkverklaring", "evc"),
        ("nl_NL", "vavo", "vavo"),
        ("nl_NL", "mbo entree", "vavo"),
        ("nl_NL", "ik ben ziek", "werken_met_ziekte"),
        ("nl_NL", "arbeidsdeskundige", "werken_met_ziekte"),
        ("nl_NL", "bedrijfsarts", "werken_met_ziekte"),
        ("nl_NL", "kinderopvang", "opvang_vervoer"),
        ("nl_NL", "rijbewijs", "opvang_vervoer"),
        ("nl_NL", "loonkostensubsidie", "loonkostensubsidie"),
        ("nl_NL", "banenafspraak", "banenafspraak"),
        ("nl_NL", "doelgroepregister", "banenafspraak"),
        ("nl_BE", "diploma erkennen", "diploma_erkennen"),
        ("nl_BE", "naric", "diploma_erkennen"),
        ("nl_BE", "ervaringsbewijs", "ervaringsbewijs"),
        ("nl_BE", "evc", "ervaringsbewijs"),
        ("nl_BE", "tweedekansonderwijs", "tweedekansonderwijs"),
        ("nl_BE", "examencommissie", "tweedekansonderwijs"),
        ("nl_BE", "ik ben ziek", "werken_met_ziekte"),
        ("nl_BE", "mutualiteit", "werken_met_ziekte"),
        ("nl_BE", "adviserend arts", "werken_met_ziekte"),
        ("nl_BE", "kinderopvang", "opvang_vervoer"),
        ("nl_BE", "rijbewijs", "opvang_vervoer"),
        ("nl_BE", "wijk-werken", "wijk_werken"),
        ("nl_BE", "wijkwerken", "wijk_werken"),
    ],
)
def test_new_routes_are_found_by_the_words_people_type(
    region: str, text: str, option_id: str
) -> None:
    assert _by_keyword(region, text) == option_id


@pytest.mark.parametrize("region", REGIONS)
def test_versions_were_raised_for_the_new_facts(region: str) -> None:
    assert catalogue(region).version >= "2026.12-1"


@pytest.mark.parametrize("region", REGIONS)
def test_option_texts_ask_nothing(region: str) -> None:
    """The "Meer over …" message shows all of an option's texts, with one question at most:
    the texts themselves are statements."""
    for option in catalogue(region).options:
        for field in TEXT_FIELDS + FACT_FIELDS:
            assert "?" not in getattr(option, field), f"{option.id}.{field}"
