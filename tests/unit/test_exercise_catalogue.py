"""The exercises catalogue: the YAML coaches edit is checked, and every rule can fail."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot import cli
from bot.config import CONTENT_DIR
from bot.exercises.catalogue import (
    DIGCOMP_FILE,
    EXERCISES_DIR,
    TOPICS,
    catalogue,
    image_specs,
    load_all,
)
from bot.exercises.images import KINDS
from tests.unit.test_plain_language import b1_problems

SECRET_WORDS = ("typ je wachtwoord", "typ je code", "typ je pincode", "stuur je code", "je bsn")


def test_the_catalogue_loads_with_every_topic_in_both_regions() -> None:
    exercises, competences = load_all()
    assert len(exercises) >= 12
    for region in ("nl_NL", "nl_BE"):
        offered = catalogue(region).exercises
        assert {e.topic for e in offered} == set(TOPICS)
        assert len(offered) >= 12
        for exercise in offered:
            assert len(exercise.questions_for(region)) >= 3
            assert exercise.competence in competences
    kinds = {q.type for e in exercises for q in e.questions}
    assert kinds == {"choice", "true_false", "order", "spot_fake"}


def test_region_variants_where_it_matters() -> None:
    nl = {e.topic: e for e in catalogue("nl_NL").exercises}
    be = {e.topic: e for e in catalogue("nl_BE").exercises}
    assert "digid" in " ".join(nl["login_government"].keywords)
    assert "itsme" in " ".join(be["login_government"].keywords)
    assert "werk.nl" in nl["vacancies"].intro.lower() or "uwv" in nl["vacancies"].intro.lower()
    assert "vdab" in be["vacancies"].intro.lower()


def texts_of(exercise: Any) -> list[str]:
    texts = [exercise.intro]
    for q in exercise.questions:
        texts += [q.text, q.hint, q.explain, *q.steps]
        for choice in q.choices + q.reasons:
            texts += [choice.text, *([choice.why] if choice.why else [])]
        texts += [s.text for s in q.statements] + [s.explain for s in q.statements]
    return texts


def test_every_text_is_plain_dutch_and_never_asks_for_a_secret() -> None:
    exercises, _ = load_all()
    found = []
    for exercise in exercises:
        for text in texts_of(exercise):
            sentence = text if text.rstrip()[-1:] in ".?!" else text + "."
            found += [f"{exercise.id}: {p}" for p in b1_problems(sentence)]
        for question in exercise.questions:  # steps may say "typ je pincode in de app"
            if any(word in question.text.lower() for word in SECRET_WORDS):
                found.append(f"{exercise.id}: asks for a secret: {question.text!r}")
    assert not found, "\n".join(found)


def test_every_image_has_a_known_kind_and_a_text_alternative() -> None:
    specs = image_specs()
    assert len(specs) >= 12
    for image_id, spec in specs.items():
        assert spec["kind"] in KINDS, image_id
        assert len(spec["alt"]) >= 20, image_id


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """A copy of the exercises a test may break."""
    target = tmp_path / "exercises"
    shutil.copytree(EXERCISES_DIR, target)
    return target


def edit(directory: Path, name: str, change: Any) -> None:
    path = directory / f"{name}.yml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def first(data: dict, kind: str) -> dict:
    return next(q for q in data["questions"] if q["type"] == kind)


BREAKS = {
    "no questions": lambda d: d.update(questions=d["questions"][:2]),
    "unknown type": lambda d: d["questions"][0].update(type="essay"),
    "a title too long": lambda d: d.update(title="x" * 31),
    "a level out of range": lambda d: d.update(level=7),
    "an unknown topic": lambda d: d.update(topic="knitting"),
    "a blank hint": lambda d: d["questions"][0].update(hint="  "),
    "four choices": lambda d: first(d, "choice")["choices"].append(
        {"text": "Nog iets", "correct": False}
    ),
    "an extra field": lambda d: d.update(answer_key="secret"),
    # Every wrong answer must say why it is wrong: no bare "Dat klopt niet.".
    "a wrong choice without a reason": lambda d: next(
        c for c in first(d, "choice")["choices"] if not c["correct"]
    ).pop("why"),
    "a wrong reason without a reason": lambda d: next(
        c for c in first(d, "spot_fake")["reasons"] if not c["correct"]
    ).pop("why"),
    "the real item without a reason": lambda d: next(
        i for i in first(d, "spot_fake")["items"] if not i["fake"]
    ).pop("why"),
    "a step without a reason": lambda d: first(d, "order")["steps"][0].pop("why"),
    "a statement without a reason": lambda d: first(d, "true_false")["statements"][0].pop(
        "explain"
    ),
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_the_schema_refuses(draft: Path, name: str) -> None:
    edit(draft, "phishing_mail", BREAKS[name])
    with pytest.raises(jsonschema.ValidationError):
        load_all(draft)


CROSS = {
    "two right choices": (
        lambda d: [c.update(correct=True) for c in first(d, "choice")["choices"]],
        "exactly one of the choices",
    ),
    "no fake": (
        lambda d: [i.update(fake=False, why="Echt.") for i in first(d, "spot_fake")["items"]],
        "exactly one item must be fake",
    ),
    "an unknown image": (
        lambda d: first(d, "true_false").update(image="nowhere"),
        "unknown images",
    ),
    "an unknown competence": (lambda d: d.update(competence="5.6"), "unknown competence"),
    "a question for a region not offered": (
        lambda d: d.update(regions=["nl_NL"]),
        "not offered",
    ),
    "a topic one region lacks": (
        lambda d: d.update(
            regions=["nl_NL"],
            questions=[q for q in d["questions"] if q.get("regions") != ["nl_BE"]],
        ),
        "no exercise for the topics",
    ),
    "the same question id twice": (
        lambda d: d["questions"][1].update(id=d["questions"][0]["id"]),
        "question ids used twice",
    ),
}


@pytest.mark.parametrize("name", list(CROSS))
def test_the_cross_checks_refuse(draft: Path, name: str) -> None:
    change, message = CROSS[name]
    edit(draft, "phishing_mail", change)
    with pytest.raises(ValueError, match=message):
        load_all(draft)


def test_a_file_name_must_match_its_id(draft: Path) -> None:
    (draft / "phishing_mail.yml").rename(draft / "nepmail.yml")
    with pytest.raises(ValueError, match="the file name says"):
        load_all(draft)


def test_an_image_id_may_not_be_used_twice(draft: Path) -> None:
    source = yaml.safe_load((draft / "phishing_mail.yml").read_text())
    image = next(iter(source["images"]))

    def steal(data: dict) -> None:
        data["images"][image] = source["images"][image]
        first_question = data["questions"][0]
        first_question["image"] = image

    other = next(p.stem for p in sorted(draft.glob("*.yml")) if p.stem != "phishing_mail")
    edit(draft, other, steal)
    with pytest.raises(ValueError, match="image ids used in more than one exercise"):
        load_all(draft)


def test_digcomp_labels_are_short_for_a_badge() -> None:
    data = yaml.safe_load(DIGCOMP_FILE.read_text())
    assert all(len(c["label"]) <= 25 for c in data["competences"])


def test_content_check_reports_the_exercises(capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["content", "check"]) == 0
    out = capsys.readouterr().out
    assert "exercises nl_NL: " in out and "exercises nl_BE: " in out


def test_content_check_names_a_broken_exercise_image(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    edit(
        tmp_path / "content" / "exercises",
        "phishing_mail",
        lambda d: d["images"]["bank_mail_fake"].update(buton="Klik"),
    )
    assert cli.main(["content", "check", "--dir", str(tmp_path / "content")]) == 1
    err = capsys.readouterr().err
    assert "Error in the exercises: phishing_mail.yml, image 'bank_mail_fake'" in err
    assert "buton" in err
