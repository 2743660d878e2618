"""The exercises catalogue: digital-skills exercises as YAML, one file per exercise.

Coaches write exercises in data/content/exercises/. Each file is checked against a
schema and cross-checked on load (known competence, images that exist, exactly one
right answer...), so a typo fails loudly instead of confusing a job-seeker. The
DigComp 2.2 competences the exercises train, with their plain names, are in
data/content/digcomp.yml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.config import CONTENT_DIR, REGIONS
from bot.content import ID_SCHEMA, KEYWORDS_SCHEMA, duplicates, read_yaml, text_schema
from bot.i18n import region_or_default

EXERCISES_DIR = CONTENT_DIR / "exercises"
DIGCOMP_FILE = CONTENT_DIR / "digcomp.yml"

# The topics every region must offer: one or more exercises each.
TOPICS = (
    "vacancies",
    "judge_website",
    "apply_email",
    "phishing_mail",
    "payment_scam",
    "password",
    "login_government",
    "pay_online",
    "cv_pdf",
    "privacy_settings",
    "video_interview",
    "public_wifi",
    "job_scam",
    "official_mail",
    "apply_online",
)
QUESTION_TYPES = ("choice", "true_false", "order", "spot_fake")
# A question's answer buttons plus "Sla over" stay within 4 buttons (GUIDE §4).
MAX_CHOICES = 3
LEVELS = (1, 2, 3, 4)  # DigComp 2.2 foundation (1-2) and intermediate (3-4)

_REGIONS = {
    "type": "array",
    "minItems": 1,
    "uniqueItems": True,
    "items": {"enum": list(REGIONS)},
}
# A wrong answer must say why it is wrong: "Dat klopt niet." alone teaches nothing.
_WRONG_NEEDS_WHY = {
    "if": {"properties": {"correct": {"const": False}}},
    "then": {"required": ["why"]},
}
_CHOICE = {
    "type": "object",
    "required": ["text", "correct"],
    "additionalProperties": False,
    "properties": {
        "text": text_schema(80),
        "correct": {"type": "boolean"},
        # Why this answer is (not) right: shown when the user picks it.
        "why": text_schema(200),
    },
    **_WRONG_NEEDS_WHY,
}
_COMMON = {
    "id": ID_SCHEMA,
    "type": {"enum": list(QUESTION_TYPES)},
    "text": text_schema(200),
    "hint": text_schema(200),
    "explain": text_schema(300),
    "image": ID_SCHEMA,
    "regions": _REGIONS,
}
_REQUIRED = ["id", "type", "text", "hint", "explain"]


def _question(kind: str, required: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "if": {"properties": {"type": {"const": kind}}},
        "then": {
            "required": required,
            "properties": fields,
            "additionalProperties": False,
        },
    }


QUESTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": _REQUIRED,
    "properties": _COMMON,
    "allOf": [
        _question(
            "choice",
            [*_REQUIRED, "choices"],
            **_COMMON,
            choices={"type": "array", "minItems": 2, "maxItems": MAX_CHOICES, "items": _CHOICE},
        ),
        _question(
            "true_false",
            [*_REQUIRED, "statements"],
            **_COMMON,
            statements={
                "type": "array",
                "minItems": 2,
                "maxItems": 4,
                "items": {
                    "type": "object",
                    # correct: whether the statement is true.
                    "required": ["text", "correct", "explain"],
                    "additionalProperties": False,
                    "properties": {
                        "text": text_schema(150),
                        "correct": {"type": "boolean"},
                        "explain": text_schema(200),
                    },
                },
            },
        ),
        _question(
            "order",
            [*_REQUIRED, "steps"],
            **_COMMON,
            # In the right order; the flow shows them shuffled. Button titles: short.
            # ``why``: where this step belongs and why, told when it is placed wrongly.
            steps={
                "type": "array",
                "minItems": 3,
                "maxItems": 4,
                "uniqueItems": True,
                "items": {
                    "type": "object",
                    "required": ["text", "why"],
                    "additionalProperties": False,
                    "properties": {"text": text_schema(40), "why": text_schema(200)},
                },
            },
        ),
        _question(
            "spot_fake",
            [*_REQUIRED, "items", "reasons"],
            **_COMMON,
            items={
                "type": "array",
                "minItems": 2,
                "maxItems": MAX_CHOICES,
                "items": {
                    "type": "object",
                    "required": ["label", "image", "fake"],
                    "additionalProperties": False,
                    "properties": {
                        "label": text_schema(20),
                        "image": ID_SCHEMA,
                        "fake": {"type": "boolean"},
                        # Why the real one is real: told when it is taken for the fake.
                        "why": text_schema(200),
                    },
                    "if": {"properties": {"fake": {"const": False}}},
                    "then": {"required": ["why"]},
                },
            },
            # "And why?": the second half of spotting a fake.
            reasons={"type": "array", "minItems": 2, "maxItems": MAX_CHOICES, "items": _CHOICE},
        ),
    ],
}

IMAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "alt"],
    # The drawing fields differ per kind; bot.exercises.images checks them.
    "properties": {
        "kind": {"enum": ["email", "sms", "chat", "browser", "phone", "dialog"]},
        # The text alternative, sent with the image on every channel.
        "alt": text_schema(400),
        "accent": {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"},
    },
}

EXERCISE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "id",
        "version",
        "topic",
        "regions",
        "title",
        "competence",
        "level",
        "keywords",
        "intro",
        "questions",
    ],
    "additionalProperties": False,
    "properties": {
        "id": ID_SCHEMA,
        "version": {"type": "integer", "minimum": 1},
        "topic": {"enum": list(TOPICS)},
        "regions": _REGIONS,
        # Buttons read "Doe <title>" or just the title: short.
        "title": text_schema(30),
        "competence": {"type": "string", "pattern": "^[1-5]\\.[1-6]$"},
        "level": {"enum": list(LEVELS)},
        "keywords": KEYWORDS_SCHEMA,
        "intro": text_schema(250),
        "images": {
            "type": "object",
            "propertyNames": ID_SCHEMA,
            "additionalProperties": IMAGE_SCHEMA,
        },
        "questions": {"type": "array", "minItems": 3, "maxItems": 6, "items": QUESTION_SCHEMA},
    },
}

DIGCOMP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "competences"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "integer", "minimum": 1},
        "competences": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "label", "digcomp"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^[1-5]\\.[1-6]$"},
                    # The plain name job-seekers see on their badge.
                    "label": text_schema(25),
                    # DigComp 2.2's own (English) name, for coaches and reports.
                    "digcomp": text_schema(80),
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    why: str | None = None


@dataclass(frozen=True)
class Statement:
    text: str
    correct: bool  # whether the statement is true
    explain: str


@dataclass(frozen=True)
class Item:
    """One of the messages in a spot-the-fake question."""

    label: str
    image: str
    fake: bool
    why: str | None = None  # why a real one is real


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    hint: str
    explain: str
    image: str | None = None
    regions: tuple[str, ...] = REGIONS
    choices: tuple[Choice, ...] = ()
    statements: tuple[Statement, ...] = ()
    steps: tuple[str, ...] = ()
    # Per step, in the same order: why it belongs there (told after a wrong placing).
    step_whys: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    reasons: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Exercise:
    id: str
    version: int
    topic: str
    regions: tuple[str, ...]
    title: str
    competence: str
    level: int
    keywords: tuple[str, ...]
    intro: str
    questions: tuple[Question, ...]
    images: dict[str, dict[str, Any]]

    def questions_for(self, region: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if region in q.regions)


@dataclass(frozen=True)
class Competence:
    code: str
    label: str
    digcomp: str


@dataclass(frozen=True)
class Catalogue:
    """The exercises one region offers, easiest first, and the competences they train."""

    region: str
    exercises: tuple[Exercise, ...]
    competences: tuple[Competence, ...]

    def get(self, id: str) -> Exercise:
        """The exercise with this id; KeyError when unknown here (e.g. the other region's)."""
        for exercise in self.exercises:
            if exercise.id == id:
                return exercise
        raise KeyError(f"unknown exercise: {id!r}")

    def competence(self, code: str) -> Competence:
        for competence in self.competences:
            if competence.code == code:
                return competence
        raise KeyError(f"unknown competence: {code!r}")


def _choices(items: list[dict[str, Any]]) -> tuple[Choice, ...]:
    return tuple(Choice(c["text"].strip(), c["correct"], c.get("why")) for c in items)


def _question_of(item: dict[str, Any], regions: tuple[str, ...]) -> Question:
    return Question(
        id=item["id"],
        type=item["type"],
        text=item["text"].strip(),
        hint=item["hint"].strip(),
        explain=item["explain"].strip(),
        image=item.get("image"),
        regions=tuple(item.get("regions") or regions),
        choices=_choices(item.get("choices") or []),
        statements=tuple(
            Statement(s["text"].strip(), s["correct"], s["explain"].strip())
            for s in item.get("statements") or []
        ),
        steps=tuple(s["text"].strip() for s in item.get("steps") or []),
        step_whys=tuple(s["why"].strip() for s in item.get("steps") or []),
        items=tuple(
            Item(i["label"], i["image"], i["fake"], i.get("why")) for i in item.get("items") or []
        ),
        reasons=_choices(item.get("reasons") or []),
    )


def _check_question(question: Question, images: dict[str, Any], where: str) -> None:
    """The rules a schema cannot express, for one question."""
    where = f"{where}, question {question.id!r}"
    used = [question.image] if question.image else []
    used += [item.image for item in question.items]
    if missing := sorted(set(used) - images.keys()):
        raise ValueError(f"{where}: unknown images {missing}")
    for name, choices in (("choices", question.choices), ("reasons", question.reasons)):
        if choices and sum(c.correct for c in choices) != 1:
            raise ValueError(f"{where}: exactly one of the {name} must be correct")
        if twice := duplicates(c.text.lower() for c in choices):
            raise ValueError(f"{where}: {name} used twice: {twice}")
    if question.items and sum(i.fake for i in question.items) != 1:
        raise ValueError(f"{where}: exactly one item must be fake")
    if question.items and duplicates(i.label for i in question.items):
        raise ValueError(f"{where}: item labels must differ")
    if twice := duplicates(s.lower() for s in question.steps):
        raise ValueError(f"{where}: steps used twice: {twice}")


def load_exercise(path: Path, known: dict[str, Competence]) -> Exercise:
    """Read and check one exercise file; ValueError names the file and what is wrong."""
    data = read_yaml(path, EXERCISE_SCHEMA)
    where = path.name
    if data["id"] != path.stem:
        raise ValueError(f"{where}: id is {data['id']!r}, the file name says {path.stem!r}")
    if data["competence"] not in known:
        raise ValueError(f"{where}: unknown competence {data['competence']!r}")
    images = data.get("images") or {}
    questions = tuple(_question_of(item, tuple(data["regions"])) for item in data["questions"])
    if twice := duplicates(q.id for q in questions):
        raise ValueError(f"{where}: question ids used twice: {twice}")
    for question in questions:
        _check_question(question, images, where)
        if extra := sorted(set(question.regions) - set(data["regions"])):
            raise ValueError(f"{where}, question {question.id!r}: regions {extra} not offered")
    used = {q.image for q in questions} | {i.image for q in questions for i in q.items}
    if unused := sorted(images.keys() - used):
        raise ValueError(f"{where}: images never shown: {unused}")
    exercise = Exercise(
        id=data["id"],
        version=data["version"],
        topic=data["topic"],
        regions=tuple(data["regions"]),
        title=data["title"].strip(),
        competence=data["competence"],
        level=data["level"],
        keywords=tuple(data["keywords"]),
        intro=data["intro"].strip(),
        questions=questions,
        images=images,
    )
    for region in exercise.regions:
        if len(exercise.questions_for(region)) < 3:
            raise ValueError(f"{where}: fewer than 3 questions in {region}")
    return exercise


def load_competences(path: Path = DIGCOMP_FILE) -> dict[str, Competence]:
    data = read_yaml(path, DIGCOMP_SCHEMA)
    competences = [
        Competence(c["code"], c["label"].strip(), c["digcomp"]) for c in data["competences"]
    ]
    if twice := duplicates(c.code for c in competences):
        raise ValueError(f"{path.name}: competences listed twice: {twice}")
    return {c.code: c for c in competences}


def load_all(
    directory: Path = EXERCISES_DIR, digcomp: Path = DIGCOMP_FILE
) -> tuple[list[Exercise], dict[str, Competence]]:
    """Every exercise in ``directory``, checked one by one and as a whole."""
    known = load_competences(digcomp)
    exercises = [load_exercise(path, known) for path in sorted(directory.glob("*.yml"))]
    image_ids = [image for e in exercises for image in e.images]
    if twice := duplicates(image_ids):
        raise ValueError(f"image ids used in more than one exercise: {twice}")
    for region in REGIONS:
        offered = [e for e in exercises if region in e.regions]
        if missing := [t for t in TOPICS if t not in {e.topic for e in offered}]:
            raise ValueError(f"{region}: no exercise for the topics {missing}")
        # A typed word must pick one exercise, so the user gets what they asked for.
        if twice := duplicates(k for e in offered for k in e.keywords):
            raise ValueError(f"{region}: keywords used by more than one exercise: {twice}")
    return exercises, known


def image_specs(directory: Path = EXERCISES_DIR) -> dict[str, dict[str, Any]]:
    """Every image the exercises show, by id: the build draws them (bot.exercises.images)."""
    exercises, _ = load_all(directory)
    return {image: spec for e in exercises for image, spec in e.images.items()}


@lru_cache(maxsize=1)
def _everything() -> tuple[list[Exercise], dict[str, Competence]]:
    return load_all()


@lru_cache(maxsize=8)
def catalogue(region: str | None) -> Catalogue:
    """The exercises for a user's region, easiest first, read once."""
    known = region_or_default(region)
    exercises, competences = _everything()
    offered = sorted((e for e in exercises if known in e.regions), key=lambda e: (e.level, e.id))
    codes = sorted({e.competence for e in offered})
    return Catalogue(
        region=known,
        exercises=tuple(offered),
        competences=tuple(competences[code] for code in codes),
    )
