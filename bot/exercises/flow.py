"""A digital-skills exercise in chat, as a small state machine free of Rasa.

Like the decision journey, one function asks (:func:`prompt`) and one takes an answer
(:func:`advance`); the state is a plain dict in a Rasa slot, so a user can stop and go
on later. Answers are checked deterministically. A wrong answer gets a hint and one
retry; after that, or after "sla over", the right answer is shown with why it is right.

Steps: intake (how easy is the internet for you?) -> suggest (this exercise?) or pick
(choose one) -> question ... -> suggest (the next one, easier or harder). After a score
below the pass mark: help (people nearby, an easier exercise, a coach) instead of a bare
next suggestion. Side road: resume ("go on where you were?"). Storing an attempt and
bringing in a coach come back as effects.

Every wrong answer is told why it is wrong (the content must say it: the catalogue's
schema refuses a wrong answer without a reason). A true/false statement has two answers,
so after the reason there is nothing left to try: the flow goes on to the next one.

Every graded ask is a *unit*: a choice question is 1, a true/false question 1 per
statement, an order question 1 per step the user places (the last places itself: each is
asked as "Wat is stap 2?"), spot-the-fake 2 (which one, and why). A unit right at the
first try earns 2 half-points, at the second 1, otherwise 0. Typed answers are read by
bot.exercises.answers.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias, TypedDict, get_args

from babel.support import NullTranslations

from bot import dialogue
from bot.decision import understand
from bot.dialogue import Answer, Button, Message
from bot.dialogue import Escalate as Escalate
from bot.exercises import answers
from bot.exercises.catalogue import Catalogue, Exercise, Question
from bot.exercises.help import nearby_help
from bot.exercises.progress import PASS_SCORE, Results, easier, next_level, suggest
from bot.store.exercises import Attempt


class State(TypedDict, total=False):
    """The exercises in the ``exercise`` slot: a plain dict at run time (JSON in the tracker).

    :func:`new_state` fills every key, yet none is required: a state stored by an older
    version may lack a key added since, and the form reads an empty one before it starts.
    """

    v: int
    step: str
    region: str
    level: int | None
    results: Results
    last: str | None  # the exercise done last
    page: int
    misses: int
    # Where the user is in the current exercise (see _fresh_exercise).
    exercise: str | None
    version: int
    q: int
    part: int
    tries: int
    wrong: int
    picked: list[int]  # the steps of an order question placed so far
    # Steps of the current order question not placed right at the first try.
    slips: int
    started: str | None  # ISO time
    # What the attempt counted (TALLIES).
    units: int
    right: int
    first: int
    skipped: int
    answers: int
    half: int


PAGE_SIZE = 3
LETTERS = "ABCD"
# Choices longer than this are listed in the text, with letter buttons.
MAX_BUTTON_TEXT = 32
MISSES_BEFORE_COACH_HINT = 2

SKIP = (
    "sla over", "overslaan", "skip", "sla deze over", "sla maar over", "volgende vraag",
    "weet ik niet", "weet ik nie", "ik weet het niet", "ik weet het nie", "weet niet",
    "geen idee", "geen flauw idee", "ik heb geen idee", "idk", "pas", "ik pas", "volgende",
    "ik weet het echt niet", "k weet het nie", "kweet het niet", "weet ik veel",
)  # fmt: skip
STOP = ("stop", "stoppen", "ik wil stoppen", "ik stop", "genoeg geoefend", "klaar met oefenen")
# Level from the intake answer; typed words for each.
# A longer phrase beats the words in it: "gaat best goed" is 3, not both 2 and 3.
INTAKE = (
    ("1", ("moeilijk", "lastig", "slecht", "niet goed", "niet zo goed", "weinig", "nooit",
           "kan het niet", "ingewikkeld", "moeilik", "kan er niks van", "best moeilijk",
           "best lastig", "best wel moeilijk", "best wel lastig")),
    ("2", ("gaat wel", "beetje", "redelijk", "soms", "matig", "best", "gaat zo", "valt mee")),
    ("3", ("goed", "makkelijk", "prima", "heel goed", "vaak", "kan het goed", "best goed",
           "gaat wel goed", "super", "makkie", "geen probleem")),
)  # fmt: skip
# A code, PIN or password typed into the chat: five digits in a row, or a long word
# mixing letters and digits ("Welkom2024!").
SECRET = re.compile(r"\d{5,}|(?<!\S)(?=\S*[A-Za-z])(?=\S*\d)[^\s<>/]{8,32}(?!\S)")


@dataclass
class Context:
    region: str
    now: datetime
    catalogue: Catalogue
    t: NullTranslations
    # The URL of a drawn image, by its id (bot/media.py).
    image_url: Callable[[str], str]


@dataclass(frozen=True)
class RecordAttempt:
    """Store the attempt (only with consent)."""

    attempt: Attempt


Effect: TypeAlias = RecordAttempt | Escalate
Turn: TypeAlias = dialogue.Turn[State, Effect]


def new_state(ctx: Context) -> State:
    state: State = {
        "v": 1,
        "step": "intake",
        "region": ctx.region,
        "level": None,
        "results": {},
        "last": None,
        "page": 0,
        "misses": 0,
        **_fresh_exercise(None, 0),
    }
    return state


# What an attempt counted (see the module docstring), as opposed to where it is.
Tally = Literal["units", "right", "first", "skipped", "answers", "half"]
TALLIES: tuple[Tally, ...] = get_args(Tally)


def _fresh_exercise(exercise_id: str | None, version: int) -> State:
    return {
        "exercise": exercise_id,
        "version": version,
        "q": 0,
        "part": 0,
        "tries": 0,
        "wrong": 0,
        "picked": [],
        # Steps of the current order question not placed right at the first try.
        "slips": 0,
        "units": 0,
        "right": 0,
        "first": 0,
        "skipped": 0,
        "answers": 0,
        "half": 0,
        "started": None,
    }


def in_progress(state: State | None) -> bool:
    """Whether an exercise was broken off halfway (so it can be resumed)."""
    if not state:
        return False
    return state.get("step") in ("question", "resume")


def start(state: State | None, ctx: Context, text: str = "") -> tuple[State, list[Message]]:
    """Begin: go on where the user was, the exercise they asked for, or find one."""
    if state and state.get("region") != ctx.region:
        state = None  # the other region's exercises: start clean
    if state and in_progress(state) and _exercise(state, ctx) is not None:
        resumed = copy.deepcopy(state)
        resumed["step"] = "resume"
        return resumed, []
    fresh = new_state(ctx)
    if state:
        fresh.update({"level": state.get("level"), "results": dict(state.get("results") or {})})
        fresh["last"] = state.get("last")
    turn = Turn(state=fresh)
    asked = _named_exercise(text, ctx) if text else None
    if asked is not None:
        if fresh["level"] is None:
            fresh["level"] = asked.level
        _begin(turn, asked, ctx)
    elif fresh["level"] is not None:
        fresh["step"] = "suggest"
    return turn.state, turn.say


def _exercise(state: State, ctx: Context) -> Exercise | None:
    try:
        exercise = ctx.catalogue.get(str(state.get("exercise")))
    except KeyError:
        return None
    # A changed exercise would not match the saved position: start it again.
    return exercise if exercise.version == state.get("version") else None


def _questions(state: State, ctx: Context) -> tuple[Question, ...]:
    exercise = _exercise(state, ctx)
    return exercise.questions_for(ctx.region) if exercise else ()


def units(question: Question) -> int:
    """How many graded asks a question has (see the module docstring)."""
    if question.type == "true_false":
        return len(question.statements)
    if question.type == "order":
        return max(1, len(question.steps) - 1)
    return 2 if question.type == "spot_fake" else 1


def _begin(turn: Turn, exercise: Exercise, ctx: Context) -> None:
    state = turn.state
    state.update(_fresh_exercise(exercise.id, exercise.version))
    state["units"] = sum(units(q) for q in exercise.questions_for(ctx.region))
    state["started"] = ctx.now.isoformat()
    state["step"] = "question"
    t = ctx.t
    turn.say.append(
        Message(
            f"{exercise.title}. {exercise.intro}\n"
            + t.gettext("Typ 'sla over' als je het niet weet. Typ 'stop' om te stoppen.")
        )
    )


# --- asking -----------------------------------------------------------------------------


def prompt(state: State, ctx: Context, simple: bool = False) -> list[Message]:
    """What the assistant asks at this step; ``simple`` after "ik snap het niet"."""
    return _PROMPTS[state["step"]](state, ctx, simple)


def _ask_intake(state: State, ctx: Context, simple: bool) -> list[Message]:
    t = ctx.t
    text = (
        t.gettext("Ik zoek een oefening die bij je past. Hoe makkelijk is internet voor jou?")
        if not simple
        else t.gettext("Kies wat het best past. Zo krijg je geen te moeilijke oefening.")
    )
    return [
        Message(
            text,
            (
                Button(t.gettext("Dat is moeilijk"), "1"),
                Button(t.gettext("Dat gaat wel"), "2"),
                Button(t.gettext("Dat gaat goed"), "3"),
            ),
        )
    ]


def _ask_suggest(state: State, ctx: Context, simple: bool) -> list[Message]:
    t = ctx.t
    exercise = _suggestion(state, ctx)
    if exercise is None:
        text = t.gettext("Je hebt alle oefeningen goed gedaan. Knap! Wil je er een herhalen?")
        return [Message(text, (Button(t.gettext("Kies zelf"), "pick"), _stop_button(t)))]
    text = t.gettext("Deze oefening past bij jou: {title}. Wil je die doen?").format(
        title=exercise.title
    )
    if simple:
        text = t.gettext("Druk op 'Ja, begin' om te oefenen. Of kies zelf een oefening.")
    buttons = (
        Button(t.gettext("Ja, begin"), f"e:{exercise.id}"),
        Button(t.gettext("Kies zelf"), "pick"),
        _stop_button(t),
    )
    return [Message(text, buttons)]


def _stop_button(t: NullTranslations) -> Button:
    return Button(t.gettext("Stoppen"), "stop")


def _page(state: State, ctx: Context) -> list[Exercise]:
    exercises = list(ctx.catalogue.exercises)
    pages = max(1, -(-len(exercises) // PAGE_SIZE))
    start = (int(state.get("page") or 0) % pages) * PAGE_SIZE
    return exercises[start : start + PAGE_SIZE]


def _ask_pick(state: State, ctx: Context, simple: bool) -> list[Message]:
    t = ctx.t
    results = state.get("results") or {}
    buttons = []
    for exercise in _page(state, ctx):
        done = results.get(exercise.id, {}).get("passed")
        title = f"✓ {exercise.title}" if done else exercise.title
        buttons.append(Button(title, f"e:{exercise.id}"))
    buttons.append(Button(t.gettext("Andere oefeningen"), "more"))
    text = (
        t.gettext("Kies een oefening.")
        if not simple
        else t.gettext("Druk op een oefening. Of typ waar je mee wilt oefenen, zoals: wachtwoord.")
    )
    return [Message(text, tuple(buttons))]


def _ask_resume(state: State, ctx: Context, simple: bool) -> list[Message]:
    t = ctx.t
    exercise = _exercise(state, ctx)
    title = exercise.title if exercise else ""
    text = t.gettext("Je was bezig met de oefening {title}. Wil je verder waar je was?").format(
        title=title
    )
    buttons = (
        Button(t.gettext("Ja, ga verder"), "yes"),
        Button(t.gettext("Nee, iets anders"), "no"),
    )
    return [Message(text, buttons)]


def _offered_after_help(state: State, ctx: Context) -> Exercise | None:
    """After a hard exercise: an easier one, else the same one again (None if it is gone)."""
    try:
        last = ctx.catalogue.get(str(state.get("last")))
    except KeyError:
        return None
    return easier(ctx.catalogue, last, state.get("results") or {}) or last


def _ask_help(state: State, ctx: Context, simple: bool) -> list[Message]:
    t = ctx.t
    offered = _offered_after_help(state, ctx)
    text = (
        t.gettext("Wat wil je nu doen?")
        if not simple
        else t.gettext("Kies een knop. Een makkelijkere oefening mag altijd.")
    )
    buttons = []
    if offered is not None:
        title = (
            t.gettext("Nog een keer")
            if offered.id == state.get("last")
            else t.gettext("Makkelijker oefenen")
        )
        buttons.append(Button(title, f"e:{offered.id}"))
    buttons += [
        Button(t.gettext("Praat met coach"), "coach"),
        Button(t.gettext("Kies zelf"), "pick"),
        _stop_button(t),
    ]
    return [Message(text, tuple(buttons))]


def _question(state: State, ctx: Context) -> Question | None:
    questions = _questions(state, ctx)
    index = int(state.get("q") or 0)
    return questions[index] if index < len(questions) else None


def _image(image_id: str, text: str, ctx: Context, exercise: Exercise) -> Message:
    alt = str(exercise.images[image_id]["alt"])
    return Message(f"{text}{alt}", image=ctx.image_url(image_id), alt=alt)


def _skip_button(t: NullTranslations) -> Button:
    return Button(t.gettext("Sla over"), "skip")


def _with_skip(buttons: list[Button], t: NullTranslations) -> tuple[Button, ...]:
    return (*buttons, _skip_button(t)) if len(buttons) < 4 else tuple(buttons)


def _choice_message(text: str, choices: list[tuple[str, str]], t: NullTranslations) -> Message:
    """Short choices become buttons; long ones are listed with letters, buttons A, B, C."""
    if all(len(title) <= MAX_BUTTON_TEXT for title, _ in choices):
        return Message(text, _with_skip([Button(title, code) for title, code in choices], t))
    listed = "\n".join(f"{LETTERS[i]}. {title}" for i, (title, _) in enumerate(choices))
    buttons = [Button(LETTERS[i], code) for i, (_, code) in enumerate(choices)]
    return Message(f"{text}\n{listed}", _with_skip(buttons, t))


def shuffled(question: Question, exercise_id: str) -> list[int]:
    """The order steps are shown in: fixed per question, never the right order."""
    count = len(question.steps)
    seed = hashlib.sha256(f"{exercise_id}:{question.id}".encode()).digest()
    order = sorted(range(count), key=lambda i: (seed[i], i))
    if order == list(range(count)):
        order = order[1:] + order[:1]
    return order


def _ask_question(state: State, ctx: Context, simple: bool) -> list[Message]:
    exercise, question = _exercise(state, ctx), _question(state, ctx)
    if exercise is None or question is None:
        return []
    t = ctx.t
    part = int(state.get("part") or 0)
    fresh = not simple and not state.get("tries") and not state.get("misses")
    messages: list[Message] = []
    if simple:
        messages.append(Message(t.gettext("Tip: {hint}").format(hint=question.hint)))
    if fresh and part == 0 and question.image:
        messages.append(_image(question.image, "", ctx, exercise))
    if question.type == "choice":
        choices = [(c.text, f"c{i}") for i, c in enumerate(question.choices)]
        messages.append(_choice_message(question.text, choices, t))
    elif question.type == "true_false":
        # The statement, then the question: a statement may hold a question of its own.
        statement = question.statements[part]
        count = len(question.statements)
        lead = question.text if part == 0 else t.gettext("Klopt dit?")
        buttons = [
            Button(t.gettext("Ja, dat klopt"), "yes"),
            Button(t.gettext("Nee, klopt niet"), "no"),
        ]
        messages.append(Message(f"“{statement.text}”"))
        messages.append(Message(f"{lead} ({part + 1}/{count})", _with_skip(buttons, t)))
    elif question.type == "order":
        messages += _ask_order(state, question, exercise, t)
    elif question.type == "spot_fake":
        if part == 0:
            if fresh:
                for item in question.items:
                    messages.append(_image(item.image, f"{item.label}: ", ctx, exercise))
            choices = [(item.label, f"i{i}") for i, item in enumerate(question.items)]
            messages.append(_choice_message(question.text, choices, t))
        else:
            fake = next(item for item in question.items if item.fake)
            reasons = [(c.text, f"r{i}") for i, c in enumerate(question.reasons)]
            text = t.gettext("Waarom is {label} nep?").format(label=fake.label)
            messages.append(_choice_message(text, reasons, t))
    return messages


def _ask_order(
    state: State, question: Question, exercise: Exercise, t: NullTranslations
) -> list[Message]:
    picked = list(state.get("picked") or [])
    shown = shuffled(question, exercise.id)
    if picked:
        done = [f"{n + 1}. {question.steps[i]}" for n, i in enumerate(picked)]
        lead = t.gettext("Zo ver ben je:") + "\n" + "\n".join(done)
        ask = t.gettext("Wat is stap {number}?").format(number=len(picked) + 1)
    else:
        lines = [f"{LETTERS[pos]}. {question.steps[i]}" for pos, i in enumerate(shown)]
        lead = question.text + "\n" + "\n".join(lines)
        ask = t.gettext("Wat doe je eerst?")
    buttons = [Button(question.steps[i], f"s{i}") for i in shown if i not in picked]
    return [Message(lead), Message(ask, _with_skip(buttons, t))]


_PROMPTS: dict[str, Callable[[State, Context, bool], list[Message]]] = {
    "intake": _ask_intake,
    "suggest": _ask_suggest,
    "pick": _ask_pick,
    "resume": _ask_resume,
    "question": _ask_question,
    "help": _ask_help,
}


# --- understanding ----------------------------------------------------------------------


def button_typed(state: State, text: str, ctx: Context) -> str | None:
    """The code of the button whose title the user typed (some people type, not tap)."""
    typed = understand.normalise(text)
    if not typed or state.get("step") not in _PROMPTS:
        return None
    for message in prompt(state, ctx):
        for button in message.buttons:
            if understand.normalise(button.title) == typed:
                return button.answer
    return None


def _says(words: str, phrases: tuple[str, ...]) -> bool:
    """The phrase is (nearly) the whole message: "ik weet het ff niet hoor" is a skip."""
    return understand.phrase_command(words, (("yes", phrases),)) is not None


def is_stop(words: str) -> bool:
    return _says(words, STOP)


def is_skip(words: str) -> bool:
    return _says(words, SKIP)


def _pick_index(words: str, titles: list[str], spot_fake: bool = False) -> int | None:
    """Which of the shown choices the typed words mean: a letter, an ordinal or the words."""
    return answers.choice(words, titles, spot_fake)


def _named_exercise(text: str, ctx: Context) -> Exercise | None:
    """The exercise a message asks for ("hoe herken ik een nepmail?"), if exactly one fits."""
    terms = [(e.id, list(e.keywords)) for e in ctx.catalogue.exercises]
    found = understand.match_terms(text, terms)
    return ctx.catalogue.get(found[0]) if len(found) == 1 else None


# --- answering --------------------------------------------------------------------------


def advance(state: State, answer: Answer, ctx: Context) -> Turn:
    """Take one answer: check it, explain, and move on or ask again."""
    turn = Turn(state=copy.deepcopy(state))
    code = answer.button or button_typed(state, answer.text, ctx) or ""
    words = answer.text.strip() if not code else ""
    if code == "stop" or (words and is_stop(words)):
        _stop(turn, ctx)
        return turn
    if words and SECRET.search(words):
        turn.say.append(
            Message(
                ctx.t.gettext("Typ nooit een echte code of wachtwoord in een chat. Ook niet hier.")
            )
        )
        return turn
    step = turn.state["step"]
    if _HANDLERS[step](turn, code, words, ctx):
        turn.state["misses"] = 0
    else:
        _missed(turn, ctx)
    return turn


def understands(state: State, text: str, ctx: Context) -> bool:
    """Whether the current step takes this typed text as its answer (a dry run of advance).

    The form asks this before the classifier's guess may interrupt: "B bellen" answers the
    question; it is no request to call a coach.
    """
    if not state.get("step") or state["step"] not in _HANDLERS or not text.strip():
        return False
    if button_typed(state, text, ctx) or is_stop(text) or is_skip(text):
        return True
    trial = Turn(state=copy.deepcopy(state))
    return bool(_HANDLERS[trial.state["step"]](trial, "", text.strip(), ctx))


def _stop(turn: Turn, ctx: Context) -> None:
    t = ctx.t
    if turn.state["step"] == "question":
        turn.say.append(Message(t.gettext("Goed, we stoppen. Later kun je verder waar je was.")))
    else:
        turn.say.append(Message(t.gettext("Goed, we stoppen met oefenen.")))
    turn.finished = True


def _missed(turn: Turn, ctx: Context) -> None:
    t = ctx.t
    turn.state["misses"] = int(turn.state.get("misses") or 0) + 1
    text = t.gettext("Dat snap ik niet goed. Kies een knop, of typ 'sla over'.")
    if turn.state["step"] != "question":
        text = t.gettext("Dat snap ik niet goed. Kies een knop, of zeg het anders.")
    if turn.state["misses"] >= MISSES_BEFORE_COACH_HINT:
        text += " " + t.gettext("Lukt het niet? Typ: coach. Dan helpt een mens je.")
    turn.say.append(Message(text))


def _on_intake(turn: Turn, code: str, words: str, ctx: Context) -> bool:
    level = code if code in ("1", "2", "3") else None
    if level is None and words:
        level = answers.level(words, INTAKE)
    if level is None:
        return False
    turn.state["level"] = int(level)
    turn.state["step"] = "suggest"
    return True


def _choose(turn: Turn, exercise_id: str, ctx: Context) -> bool:
    try:
        exercise = ctx.catalogue.get(exercise_id)
    except KeyError:
        return False
    _begin(turn, exercise, ctx)
    return True


def _begin_named(turn: Turn, words: str, ctx: Context) -> bool:
    """ "wachtwoord oefenen" answers "which one?" wherever an exercise is chosen."""
    named = _named_exercise(words, ctx) if words else None
    if named is not None:
        _begin(turn, named, ctx)
    return named is not None


def _on_suggest(turn: Turn, code: str, words: str, ctx: Context) -> bool:
    if code.startswith("e:"):
        return _choose(turn, code[2:], ctx)
    if code == "pick":
        _to_pick(turn.state)
        return True
    if _begin_named(turn, words, ctx):
        return True
    said = answers.suggestion_reply(words) if words else None
    if said == "yes":
        exercise = _suggestion(turn.state, ctx)
        if exercise is not None:
            _begin(turn, exercise, ctx)
            return True
    if said == "pick":
        _to_pick(turn.state)
        return True
    return False


def _on_help(turn: Turn, code: str, words: str, ctx: Context) -> bool:
    """After a hard exercise: the easier one, choose, or a coach (who then comes in)."""
    if code.startswith("e:"):
        return _choose(turn, code[2:], ctx)
    if code == "coach":
        turn.effects.append(Escalate("request"))
        turn.state["step"] = "suggest"
        return True
    if _begin_named(turn, words, ctx):
        return True
    said = answers.help_reply(words) if words else None
    if said == "easier":
        offered = _offered_after_help(turn.state, ctx)
        if offered is not None:
            _begin(turn, offered, ctx)
            return True
    if said == "pick":
        _to_pick(turn.state)
        return True
    return False


def _on_pick(turn: Turn, code: str, words: str, ctx: Context) -> bool:
    if code.startswith("e:"):
        return _choose(turn, code[2:], ctx)
    if code == "more" or (words and understand.command(words) in ("other", "more")):
        turn.state["page"] = int(turn.state.get("page") or 0) + 1
        return True
    if not words:
        return False
    named = _named_exercise(words, ctx)
    if named is None:
        page = _page(turn.state, ctx)
        index = _pick_index(words, [e.title for e in page])
        named = page[index] if index is not None else None
    if named is None:
        return False
    _begin(turn, named, ctx)
    return True


def _on_resume(turn: Turn, code: str, words: str, ctx: Context) -> bool:
    said = {"yes": True, "no": False}.get(code)
    if said is None and words:
        said = understand.yes_no(words)
    if said is None:
        return False
    if said:
        turn.state["step"] = "question"
        return True
    _record(turn, ctx, finished=False)
    turn.state.update(_fresh_exercise(None, 0))
    _to_pick(turn.state)
    return True


def _on_question(turn: Turn, code: str, words: str, ctx: Context) -> bool:
    state = turn.state
    question = _question(state, ctx)
    if question is None:  # the exercise changed or was removed meanwhile: choose again
        state.update(_fresh_exercise(None, 0))
        state["step"] = "suggest"
        turn.say.append(Message(ctx.t.gettext("Deze oefening is veranderd. Kies opnieuw.")))
        return True
    if code == "skip" or (words and is_skip(words)):
        _skip(turn, question, ctx)
        return True
    given = _given(state, question, code, words)
    if given is None:
        return False
    state["answers"] = int(state.get("answers") or 0) + 1
    _check(turn, question, given, ctx)
    return True


Given = int | bool | list[int]


def _given(state: State, question: Question, code: str, words: str) -> Given | None:
    """The answer in the question's terms: an index, True/False for a statement, or the
    steps of an order question in the order typed ("eerst ... dan ...")."""
    part = int(state.get("part") or 0)
    if question.type == "true_false":
        if code in ("yes", "no"):
            return code == "yes"
        return answers.true_false(words) if words else None
    prefix, titles = _options(question, part)
    if code.startswith(prefix) and code[1:].isdigit():
        return [int(code[1:])] if question.type == "order" else int(code[1:])
    if not words:
        return None
    if question.type == "order":
        return _typed_steps(state, question, words)
    return _pick_index(words, titles, spot_fake=question.type == "spot_fake" and part == 0)


def _options(question: Question, part: int) -> tuple[str, list[str]]:
    if question.type == "choice":
        return "c", [c.text for c in question.choices]
    if question.type == "order":
        return "s", list(question.steps)
    if part == 0:
        return "i", [item.label for item in question.items]
    return "r", [c.text for c in question.reasons]


def _typed_steps(state: State, question: Question, words: str) -> list[int] | None:
    """Typed steps, by letter or words; steps already placed may be said again."""
    shown = shuffled(question, str(state["exercise"]))
    typed = answers.steps(words, question.steps, shown)
    if typed is None:
        return None
    picked = list(state.get("picked") or [])
    while typed and typed[0] in picked:
        typed = typed[1:]
    return typed or None


def _right_text(question: Question, part: int) -> str:
    if question.type == "choice":
        return next(c.text for c in question.choices if c.correct)
    if question.type == "order":
        return " → ".join(question.steps)
    if question.type == "spot_fake" and part == 0:
        return next(item.label for item in question.items if item.fake)
    return next(c.text for c in question.reasons if c.correct)


def _explanation(question: Question, part: int) -> str:
    if question.type == "true_false":
        return question.statements[part].explain
    if question.type == "spot_fake" and part == 0:
        return ""  # the "why" follows as its own question
    return question.explain


def _check(turn: Turn, question: Question, given: Given, ctx: Context) -> None:
    state, t = turn.state, ctx.t
    part = int(state.get("part") or 0)
    if isinstance(given, list):
        for step in given:
            if not _place_step(turn, question, step, ctx):
                break
        return
    right, why = _judge(question, part, given)
    if right:
        text = " ".join(filter(None, [t.gettext("Goed zo!"), _explanation(question, part)]))
        turn.say.append(Message(text))
        _unit_done(turn, question, ctx)
        return
    if question.type == "true_false":
        _statement_missed(turn, question, ctx)
        return
    state["wrong"] = int(state.get("wrong") or 0) + 1
    if state["wrong"] == 1:
        state["tries"] = 1
        # Why, and the tip, apart: each may hold a question of its own.
        turn.say.append(Message(" ".join(filter(None, [t.gettext("Dat klopt niet."), why]))))
        hint = t.gettext("Tip: {hint}").format(hint=question.hint)
        turn.say.append(Message(f"{hint} {t.gettext('Probeer het nog een keer.')}"))
        return
    # Why this answer is wrong, then the right one and why: apart, as above.
    turn.say.append(Message(" ".join(filter(None, [t.gettext("Dat klopt niet."), why]))))
    _reveal(turn, question, ctx)


def _statement_missed(turn: Turn, question: Question, ctx: Context) -> None:
    """A true/false statement answered wrongly: the reason, then the next statement.

    With two answers, a retry after the reason would only test reading; it counts as missed.
    """
    t = ctx.t
    part = int(turn.state.get("part") or 0)
    statement = question.statements[part]
    lead = (
        t.gettext("Toch wel: deze zin klopt.")
        if statement.correct
        else t.gettext("Nee, deze zin klopt niet.")
    )
    turn.say.append(Message(f"{lead} {statement.explain}"))
    turn.state["wrong"] = 2
    _unit_done(turn, question, ctx)


def _judge(question: Question, part: int, given: int | bool) -> tuple[bool, str | None]:
    """Whether the answer is right, and why a wrong one is wrong."""
    if question.type == "true_false":
        statement = question.statements[part]
        return given is statement.correct, statement.explain
    if isinstance(given, bool):
        return False, None
    if question.type == "spot_fake" and part == 0:
        items = question.items
        if not 0 <= given < len(items):
            return False, None
        return items[given].fake, items[given].why
    choices = question.choices if question.type == "choice" else question.reasons
    if not 0 <= given < len(choices):
        return False, None
    return choices[given].correct, choices[given].why


def _place_step(turn: Turn, question: Question, given: int, ctx: Context) -> bool:
    """Place one step of an order question; whether a next typed step may follow.

    A wrong step gets a hint; the second time the step is shown and placed for the user.
    """
    state, t = turn.state, ctx.t
    picked = list(state.get("picked") or [])
    expected = len(picked)
    right = given == expected
    if not right:
        state["wrong"] = int(state.get("wrong") or 0) + 1
        state["tries"] = int(state.get("tries") or 0) + 1
        if state["tries"] == 1:
            # Why the step picked does not come here; the tip apart, as in _check.
            text = t.gettext("Dat is niet stap {number}.").format(number=expected + 1)
            turn.say.append(Message(f"{text} {question.step_whys[given]}"))
            hint = t.gettext("Tip: {hint}").format(hint=question.hint)
            turn.say.append(Message(f"{hint} {t.gettext('Probeer het nog een keer.')}"))
            return False
        step = question.steps[expected]
        text = t.gettext("Stap {number} is: {step}.").format(number=expected + 1, step=step)
        turn.say.append(Message(f"{text} {question.step_whys[expected]}"))
    if state.get("wrong"):
        state["slips"] = int(state.get("slips") or 0) + 1
    _score(state)
    state["tries"] = 0
    picked.append(expected)
    if len(picked) == len(question.steps) - 1:
        picked.append(len(question.steps) - 1)
    state["picked"] = picked
    if len(picked) < len(question.steps):
        return right
    slipped = state.get("slips")
    lead = t.gettext("Dit is de goede volgorde:") if slipped else t.gettext("Goed zo!")
    turn.say.append(Message(f"{lead}\n{_numbered(question)}\n{question.explain}"))
    _next_part(turn, question, ctx)
    return False


def _answer_text(question: Question, part: int, t: NullTranslations) -> str:
    if question.type == "true_false":
        right = question.statements[part].correct
        answer = t.gettext("dat klopt") if right else t.gettext("dat klopt niet")
    else:
        answer = _right_text(question, part)
    return t.gettext("Het goede antwoord is: {answer}.").format(answer=answer)


def _reveal(turn: Turn, question: Question, ctx: Context) -> None:
    """After a second miss: show the right answer and why, then go on."""
    part = int(turn.state.get("part") or 0)
    text = [_answer_text(question, part, ctx.t), _explanation(question, part)]
    turn.say.append(Message(" ".join(filter(None, text))))
    turn.state["wrong"] = max(2, int(turn.state.get("wrong") or 0))
    _unit_done(turn, question, ctx)


def _skip(turn: Turn, question: Question, ctx: Context) -> None:
    """ "Sla over": the answer and why, counted as skipped rather than wrong."""
    state, t = turn.state, ctx.t
    part = int(state.get("part") or 0)
    left = len(question.steps) - 1 - len(state.get("picked") or [])
    state["skipped"] = int(state.get("skipped") or 0) + max(1, left)
    if question.type == "order":
        text = (
            t.gettext("Dit is de goede volgorde:") + f"\n{_numbered(question)}\n{question.explain}"
        )
    elif question.type == "spot_fake" and part == 0:
        # Which one was fake; the "why" is still asked, as that is the lesson.
        text = t.gettext("{label} is nep.").format(label=_right_text(question, part))
    else:
        text = " ".join([_answer_text(question, part, t), _explanation(question, part)])
    turn.say.append(Message(text.strip()))
    _next_part(turn, question, ctx)


def _numbered(question: Question) -> str:
    return "\n".join(f"{n + 1}. {step}" for n, step in enumerate(question.steps))


def _score(state: State) -> None:
    """Count the unit just done: right at the first try, at the second, or not."""
    wrong = int(state.get("wrong") or 0)
    if wrong == 0:
        state["half"] += 2
        state["first"] += 1
        state["right"] += 1
    elif wrong == 1:
        state["half"] += 1
        state["right"] += 1
    state["wrong"] = 0


def _unit_done(turn: Turn, question: Question, ctx: Context) -> None:
    _score(turn.state)
    _next_part(turn, question, ctx)


def _next_part(turn: Turn, question: Question, ctx: Context) -> None:
    state = turn.state
    state.update({"tries": 0, "wrong": 0, "picked": [], "slips": 0})
    parts = units(question)
    if question.type != "order" and int(state["part"]) + 1 < parts:
        state["part"] += 1
        return
    state["part"] = 0
    state["q"] += 1
    if state["q"] >= len(_questions(state, ctx)):
        _finish(turn, ctx)


def _suggestion(state: State, ctx: Context) -> Exercise | None:
    level = int(state.get("level") or 1)
    return suggest(ctx.catalogue, state.get("results") or {}, level, state.get("last"))


def _to_pick(state: State) -> None:
    state["step"], state["page"] = "pick", 0


def score_of(state: State) -> int:
    units = int(state.get("units") or 0)
    return round(100 * int(state.get("half") or 0) / (2 * units)) if units else 0


def _record(turn: Turn, ctx: Context, finished: bool) -> None:
    """The attempt as the store wants it (stored only with consent, by the action)."""
    state = turn.state
    exercise = _exercise(state, ctx)
    if exercise is None or not state.get("started"):
        return
    started = datetime.fromisoformat(str(state["started"]))
    score = score_of(state)
    turn.effects.append(
        RecordAttempt(
            Attempt(
                exercise_id=exercise.id,
                exercise_version=exercise.version,
                region=ctx.region,
                competence=exercise.competence,
                level=exercise.level,
                questions=int(state["units"]),
                correct=int(state["right"]),
                first_try=int(state["first"]),
                skipped=int(state["skipped"]),
                answers=int(state["answers"]),
                score=score,
                passed=finished and score >= PASS_SCORE,
                finished=finished,
                seconds=max(0, int((ctx.now - started).total_seconds())),
                started_at=started,
            ),
        )
    )


def _finish(turn: Turn, ctx: Context) -> None:
    state, t = turn.state, ctx.t
    exercise = _exercise(state, ctx)
    if exercise is None:
        return
    score = score_of(state)
    passed = score >= PASS_SCORE
    results = state.setdefault("results", {})
    same = [e.id for e in ctx.catalogue.exercises if e.competence == exercise.competence]
    had_badge = any((results.get(i) or {}).get("passed") for i in same)
    best = results.get(exercise.id) or {}
    results[exercise.id] = {
        "score": max(score, int(best.get("score") or 0)),
        "passed": passed or bool(best.get("passed")),
    }
    _record(turn, ctx, finished=True)
    lines = [
        t.gettext("Klaar! {first} van de {units} vragen had je meteen goed.").format(
            first=state["first"], units=state["units"]
        )
    ]
    if state["right"] > state["first"]:
        lines.append(
            t.gettext("Met een tip had je er nog {count} goed.").format(
                count=state["right"] - state["first"]
            )
        )
    if passed:
        lines.append(t.gettext("Knap gedaan!"))
        if not had_badge:
            label = ctx.catalogue.competence(exercise.competence).label
            lines.append(t.gettext("Je krijgt de badge {label}.").format(label=label))
    else:
        lines.append(t.gettext("Dit was nog lastig. Oefenen helpt."))
    turn.say.append(Message(" ".join(lines)))
    if not passed:
        # People nearby, an easier exercise and a coach: not just the next exercise.
        turn.say.append(Message(nearby_help(ctx.region)))
    state["level"] = next_level(exercise.level, score)
    state["last"] = exercise.id
    # The tallies stay until the next exercise begins: they tell how the last answer went.
    fresh = _fresh_exercise(None, 0)
    for tally in TALLIES:
        del fresh[tally]
    state.update(fresh)
    state["step"] = "suggest" if passed else "help"


_HANDLERS: dict[str, Callable[[Turn, str, str, Context], bool]] = {
    "intake": _on_intake,
    "suggest": _on_suggest,
    "pick": _on_pick,
    "resume": _on_resume,
    "question": _on_question,
    "help": _on_help,
}
