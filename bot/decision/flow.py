"""The Samen Beslissen conversation as a small state machine, free of Rasa.

One function asks (:func:`prompt`), one takes an answer (:func:`advance`). The
state is a plain dict that lives in a Rasa slot, so a user can stop and come
back days later where they were. Every step works with buttons and with typed
words; "terug", "opnieuw" and "andere opties" work everywhere they make sense.

Steps (GUIDE §2): goal -> (there is a choice) -> options -> preferences ->
decide -> next_what -> next_when -> helper -> summary. Side roads: not_yet,
later_when, change, resume. The follow-up enters at review_worked or review_later.
What the assistant must *do* (store a record, bring in a coach) comes back as
effects, so the actions stay thin and this module stays testable.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias, TypedDict, cast

from babel.support import NullTranslations

from bot import dialogue
from bot.control_words import control_intent
from bot.decision import understand
from bot.decision.catalogue import Catalogue, Option, Terms
from bot.decision.dates import parse_date
from bot.decision.matching import PAGE_SIZE, page, rank
from bot.dialogue import Answer, Button, Message
from bot.dialogue import Escalate as Escalate
from bot.i18n import N_, format_day
from bot.text.masking import mask


class Review(TypedDict, total=False):
    """The follow-up's answers (the keys of bot.store.decisions.REVIEW_KEYS)."""

    worked: str  # "yes" | "partly" | "no"
    reasons: list[str]
    reason_text: str  # masked
    still_good: bool | None
    next: str  # "continue" | "choose_again" | "adjust" | "coach"


class State(TypedDict, total=False):
    """The journey in the ``decision`` slot: a plain dict at run time (JSON in the tracker).

    :func:`new_state` fills every key but the last two, yet none is required: a state
    stored by an older version may lack a key added since, and the form reads an empty
    one before the journey starts.
    """

    v: int
    step: str
    region: str
    catalogue: str
    goal: str | None
    preferences: list[str]
    avoid: list[str]
    excluded: list[str]
    page: int
    shown: list[str]
    offered: list[str]
    choice: str | None
    next_what: str | None
    next_on: str | None  # ISO date
    helper: str | None
    later_on: str | None  # ISO date
    outcome: str | None  # "agreed" | "later" | "coach"
    fixing: bool
    brief: bool
    typing: bool
    misses: int
    decision_id: int | None
    decided_with: str | None
    review: Review
    resume_step: str  # at the resume offer: the step that was broken off
    page_ids: list[str]  # the options on the page shown


MAX_FREE_TEXT = 200
MAX_HELPER_TEXT = 120
# After this many answers in a row that the step did not understand, say how to get a person.
MISSES_BEFORE_COACH_HINT = 2

# Steps where "terug" has somewhere to go, and where it goes.
BACK = {
    "options": "goal",
    "preferences": "options",
    "decide": "preferences",
    "not_yet": "decide",
    "later_when": "not_yet",
    "next_what": "decide",
    "next_when": "next_what",
    "helper": "next_when",
    "summary": "helper",
    "change": "summary",
}
# Steps that ask for a day.
DATE_STEPS = ("next_when", "later_when")
# Where "weet ik niet" goes on: no more options to see, nothing more that matters, not yet.
UNSURE_NEXT = {"options": "preferences", "preferences": "decide", "decide": "not_yet"}
# Steps after the choice, where "nee toch de eerste" is a change of mind.
AFTER_CHOICE = ("next_what", "next_when", "helper")
# What the user may want to change after "Klopt dit?" -> the step that asks it again.
CHANGE_WORDS = (
    ("decide", ("keuze", "kiezen", "andere keuze", "optie")),
    ("next_what", ("stap", "eerste stap", "wat ik ga doen", "actie")),
    ("next_when", ("datum", "dag", "wanneer", "tijd", "moment")),
    ("helper", ("hulp", "wie helpt", "helper", "wie")),
    ("goal", ("doel", "opnieuw", "alles")),
)


@dataclass
class Context:
    region: str
    today: date
    catalogue: Catalogue
    terms: Terms
    t: NullTranslations
    # Without consent nothing is stored, so there is no follow-up to promise.
    consent: bool = False


@dataclass(frozen=True)
class _Stored:
    """Something to store (only with consent), taken from the journey's state at the time."""

    state: State


class Record(_Stored):
    """Store the agreement: the journey as it ended."""


class RecordTalk(_Stored):
    """Add to the stored agreement how the choice was made (alone, with the coach)."""


class RecordReview(_Stored):
    """Add the follow-up's answers to the stored agreement."""


Effect: TypeAlias = Record | RecordTalk | RecordReview | Escalate
Turn: TypeAlias = dialogue.Turn[State, Effect]


def new_state(ctx: Context) -> State:
    state: State = {
        "v": 1,
        "step": "goal",
        "region": ctx.region,
        "catalogue": ctx.catalogue.version,
        "goal": None,
        "preferences": [],
        # Wishes said with "geen"/"niet": options with these tags go down the list.
        "avoid": [],
        # Options the user does not want offered again (the step that just failed).
        "excluded": [],
        "page": 0,
        "shown": [],
        "offered": [],
        "choice": None,
        "next_what": None,
        "next_on": None,
        "helper": None,
        "later_on": None,
        "outcome": None,
        "fixing": False,
        "brief": False,
        "typing": False,
        "misses": 0,
        "decision_id": None,
        "decided_with": None,
        "review": {},
    }
    return state


def in_progress(state: State | None) -> bool:
    """Whether a journey was broken off before its end (so it can be resumed)."""
    if not state:
        return False
    return state.get("outcome") is None and state.get("step") != "goal"


def start(state: State | None, ctx: Context) -> tuple[State, list[Message]]:
    """Begin, or offer to go on where the user stopped."""
    if state and in_progress(state):
        resumed = copy.deepcopy(state)
        if state["step"] != "resume":  # broken off at the offer itself: offer again
            resumed["resume_step"], resumed["step"] = state["step"], "resume"
        return resumed, []
    t = ctx.t
    intro = t.gettext("We kiezen samen een volgende stap. Dat duurt ongeveer 5 minuten.")
    return new_state(ctx), [Message(intro + " " + t.gettext("Je kunt altijd stoppen."))]


def start_review(record: Mapping[str, Any], ctx: Context) -> State:
    """The follow-up: ask how the agreed step went, or whether the user wants to choose now."""
    state = new_state(ctx)
    state["goal"], state["choice"] = record.get("goal"), record.get("choice")
    state["next_what"], state["next_on"] = record.get("next_what"), record.get("next_on")
    state["helper"] = record.get("helper")
    state["preferences"] = list(record.get("preferences") or [])
    state["avoid"] = list(record.get("avoid") or [])
    state["catalogue"] = record.get("catalogue") or ctx.catalogue.version
    state["decision_id"] = record.get("id")
    state["step"] = "review_later" if record.get("status") == "later" else "review_worked"
    return state


# --------------------------------------------------------------------------- asking


def prompt(state: State, ctx: Context, simple: bool = False) -> list[Message]:
    """The messages that ask for the current step. ``simple``: after "ik snap het niet"."""
    t = ctx.t
    step = state["step"]
    asker = _PROMPTS.get(step)
    if asker is None:
        return []
    messages = asker(state, ctx)
    if simple:
        hint = t.gettext("Ik zeg het anders. Druk op een knop, of typ je antwoord.")
        messages = [Message(hint), *messages]
    return messages


def question(text: str, *choices: tuple[str, str]) -> Message:
    """A question with buttons: (title, answer code) pairs."""
    return Message(text, tuple(Button(title, answer) for title, answer in choices))


def _ask_resume(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    return [
        question(
            t.gettext("Je was al bezig met kiezen. Wil je verder waar je was?"),
            (t.gettext("Ga verder"), "yes"),
            (t.gettext("Begin opnieuw"), "restart"),
        )
    ]


def _ask_goal(state: State, ctx: Context) -> list[Message]:
    buttons = tuple(Button(goal.label, f"goal:{goal.id}") for goal in ctx.terms.goals)
    return [Message(ctx.t.gettext("Wat wil je bereiken?"), buttons)]


def option_line(number: int, option: Option, ctx: Context) -> str:
    return ctx.t.gettext("{number}. {title}. {description} Duur: {duration}.").format(
        number=number, title=option.title, description=option.description, duration=option.duration
    )


def option_detail(option: Option, ctx: Context) -> Message:
    """Plus before minus: an option is never described only by its downsides.

    Who may use it, what must happen first and what it does to a benefit come with it:
    a choice made without them can cost a job-seeker their benefit or a wasted month.
    """
    t = ctx.t
    parts = [
        f"{option.title}. {option.description}",
        t.gettext("Goed: {plus}").format(plus=option.plus),
        t.gettext("Minder goed: {minus}").format(minus=option.minus),
        *conditions(option, ctx),
        t.gettext("Duur: {duration}.").format(duration=option.duration),
        t.gettext("Wie helpt: {helper}.").format(helper=option.helper),
    ]
    return Message("\n".join(parts))


def conditions(option: Option, ctx: Context, short: bool = False) -> list[str]:
    """The option's conditions in B1; ``short`` (the choice step): only what must happen first
    and what the user must do, the things that change whether this is a real choice."""
    t = ctx.t
    lines = [] if short or not option.who else [t.gettext("Voor wie: {who}").format(who=option.who)]
    if option.first:
        lines.append(t.gettext("Eerst nodig: {first}").format(first=option.first))
    if option.benefit and not short:
        lines.append(t.gettext("Uitkering: {benefit}").format(benefit=option.benefit))
    if option.duty:
        lines.append(t.gettext("Let op: {duty}").format(duty=option.duty))
    return lines


def _options_page(state: State, ctx: Context) -> list[Option]:
    ranked = rank(
        ctx.catalogue,
        state.get("goal"),
        state.get("preferences") or [],
        avoid=state.get("avoid") or [],
        exclude=state.get("excluded") or [],
    )
    return page(ranked, int(state.get("page") or 0), PAGE_SIZE)


def _ask_options(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    ask = question(
        t.gettext("Wil je nog andere opties zien?"),
        (t.gettext("Toon andere opties"), "other"),
        (t.gettext("Ga verder"), "done"),
    )
    if state.get("brief"):
        return [ask]
    options = [ctx.catalogue.get(i) for i in state.get("page_ids") or []]
    messages = [Message(t.gettext("Deze mogelijkheden passen bij je doel."))]
    for number, option in enumerate(options, start=1):
        more = Button(
            t.gettext("Meer over {title}").format(title=option.title), f"more:{option.id}"
        )
        messages.append(Message(option_line(number, option, ctx), (more,)))
    return [*messages, ask]


def _ask_preferences(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    chosen = state.get("preferences") or []
    left = [p for p in ctx.terms.preferences if p.id not in chosen]
    buttons = [Button(p.label, f"pref:{p.id}") for p in left[:3]]
    buttons.append(Button(t.gettext("Klaar met kiezen"), "done"))
    if chosen:
        text = t.gettext("Vind je nog iets belangrijk? Kies een knop, of kies Klaar met kiezen.")
    else:
        examples = ", ".join(p.label.lower() for p in ctx.terms.preferences[:3])
        text = t.gettext(
            "Wat vind jij belangrijk? Kies 1 of meer knoppen. Of typ het, zoals: {examples}."
        ).format(examples=examples)
    return [Message(text, tuple(buttons))]


def _ask_decide(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    options = [ctx.catalogue.get(i) for i in state.get("offered") or []]
    ask = Message(
        t.gettext("Wat kies je?"),
        (
            *(
                Button(t.gettext("Kies {title}").format(title=o.title), f"choose:{o.id}")
                for o in options
            ),
            Button(t.gettext("Nog niet kiezen"), "not_yet"),
        ),
    )
    if state.get("brief"):
        return [ask]
    # The minus and the conditions beside the plus: a choice on pluses alone is no choice.
    messages = [Message(t.gettext("Dit past het best bij wat jij belangrijk vindt."))]
    for number, option in enumerate(options, start=1):
        lines = [
            f"{number}. {option.title}",
            t.gettext("Goed: {plus}").format(plus=option.plus),
            t.gettext("Minder goed: {minus}").format(minus=option.minus),
            *conditions(option, ctx, short=True),
        ]
        messages.append(Message("\n".join(lines)))
    return [*messages, ask]


def _ask_not_yet(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    return [
        question(
            t.gettext("Dat is goed. Je hoeft nu niet te kiezen. Wat wil je doen?"),
            (t.gettext("Eerst met coach praten"), "coach"),
            (t.gettext("Later kiezen"), "later"),
            (t.gettext("Terug naar de keuze"), "back"),
        )
    ]


def _date_buttons(ctx: Context, first: str) -> tuple[Button, ...]:
    t = ctx.t
    labels = (first, t.gettext("Over 1 week"), t.gettext("Over 2 weken"))
    return tuple(Button(label, label.lower()) for label in labels)


def _ask_later_when(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    return [
        Message(
            t.gettext("Wanneer wil je verder kiezen? Typ een dag, zoals: volgende week dinsdag."),
            _date_buttons(ctx, t.gettext("Over 3 dagen")),
        )
    ]


def _suggestion(state: State, ctx: Context) -> str | None:
    choice = state.get("choice")
    try:
        return ctx.catalogue.get(choice).first_step if choice else None
    except KeyError:
        return None


def _ask_next_what(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    idea = _suggestion(state, ctx)
    if state.get("typing") or not idea:
        return [Message(t.gettext("Wat ga je als eerste doen? Typ het in een paar woorden."))]
    return [
        Message(t.gettext("Ik heb een idee voor je eerste stap. {idea}").format(idea=idea)),
        question(
            t.gettext("Wil je dat doen?"),
            (t.gettext("Ja, dat doe ik"), "yes"),
            (t.gettext("Typ zelf iets"), "own"),
        ),
    ]


def _ask_next_when(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    return [Message(t.gettext("Wanneer ga je dat doen?"), _date_buttons(ctx, t.gettext("Morgen")))]


def _helper_of_choice(state: State, ctx: Context) -> str:
    try:
        return ctx.catalogue.get(state.get("choice") or "").helper
    except KeyError:
        return ctx.t.gettext("je coach")


def button_title(text: str, limit: int = 40) -> str:
    """A helper's description as a button: capitalised, and short ("Een uitzendbureau")."""
    title = text if len(text) <= limit else text.split(",")[0].split(" of ")[0]
    title = title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
    return title[:1].upper() + title[1:]


def _ask_helper(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    usual = _helper_of_choice(state, ctx)
    buttons = [Button(button_title(usual), "help:usual")]
    if usual != t.gettext("je coach"):
        buttons.append(Button(t.gettext("Mijn coach"), "help:coach"))
    buttons += [
        Button(t.gettext("Iemand die ik ken"), "help:known"),
        Button(t.gettext("Ik doe het zelf"), "help:self"),
    ]
    return [Message(t.gettext("Wie helpt je daarbij? Je mag ook een naam typen."), tuple(buttons))]


def summary_lines(state: Mapping[str, Any], ctx: Context) -> list[str]:
    """The agreement in a few short lines; also the answer to "wat hebben we afgesproken?".

    ``state`` is a journey's, or a stored agreement's (``Decision.as_state``).
    """
    t = ctx.t
    lines = [t.gettext("Doel: {goal}.").format(goal=goal_label(state.get("goal"), ctx))]
    if state.get("choice"):
        lines.append(t.gettext("Keuze: {choice}.").format(choice=choice_title(state, ctx)))
    if state.get("next_what"):
        lines.append(t.gettext("Eerste stap: {what}").format(what=state["next_what"]))
    if state.get("next_on"):
        day = format_day(date.fromisoformat(state["next_on"]), ctx.region)
        lines.append(t.gettext("Wanneer: {day}.").format(day=day))
    if state.get("helper"):
        lines.append(t.gettext("Hulp: {helper}.").format(helper=state["helper"]))
    return lines


def _ask_summary(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    text = "\n".join([t.gettext("Dit spreken we af:"), *summary_lines(state, ctx)])
    return [
        Message(text),
        question(
            t.gettext("Klopt dit?"),
            (t.gettext("Ja, dat klopt"), "yes"),
            (t.gettext("Nee, verander iets"), "no"),
        ),
    ]


def _ask_change(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    return [
        question(
            t.gettext("Wat wil je veranderen?"),
            (t.gettext("Verander de keuze"), "change:decide"),
            (t.gettext("Verander de stap"), "change:next_what"),
            (t.gettext("Verander de dag"), "change:next_when"),
            (t.gettext("Begin opnieuw"), "restart"),
        )
    ]


def _ask_talk(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    return [
        question(
            t.gettext("Nog 1 vraag. Heb je deze keuze samen met je coach gemaakt?"),
            (t.gettext("Nee, alleen hier"), "talk:alone"),
            (t.gettext("Ja, met mijn coach"), "talk:with_coach"),
            (t.gettext("Mijn coach vroeg het"), "talk:coach_asked"),
        )
    ]


def _ask_review_worked(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    what = state.get("next_what") or choice_title(state, ctx)
    return [
        Message(t.gettext("Hoi! We hadden iets afgesproken: {what}").format(what=what)),
        question(
            t.gettext("Is het gelukt?"),
            (t.gettext("Ja, het is gelukt"), "worked:yes"),
            (t.gettext("Een beetje"), "worked:partly"),
            (t.gettext("Nee, het lukte niet"), "worked:no"),
        ),
    ]


def _ask_review_why(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    codes: tuple[str, ...]
    if (state.get("review") or {}).get("worked") == "yes":
        text = t.gettext("Wat hielp je daarbij? Kies een knop, of typ het zelf.")
        codes = HELPED
    else:
        text = t.gettext("Wat zat in de weg? Kies een knop, of typ het zelf.")
        codes = OBSTACLES
    return [Message(text, tuple(Button(t.gettext(REASONS[c][0]), f"why:{c}") for c in codes))]


def _ask_review_still_good(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    choice = choice_title(state, ctx)
    if (state.get("review") or {}).get("worked") == "yes":
        go_on = (t.gettext("Ja, volgende stap"), "yes")
    else:
        go_on = (t.gettext("Pas de stap aan"), "adjust")
    return [
        question(
            t.gettext("Wil je verder met {choice}?").format(choice=choice),
            go_on,
            (t.gettext("Nee, kies iets anders"), "no"),
            (t.gettext("Praat met coach"), "coach"),
        )
    ]


def _ask_review_later(state: State, ctx: Context) -> list[Message]:
    t = ctx.t
    return [
        question(
            t.gettext("Hoi! Je wilde later een stap kiezen. Wil je dat nu doen?"),
            (t.gettext("Ja, kies nu"), "yes"),
            (t.gettext("Nog niet"), "later"),
            (t.gettext("Praat met coach"), "coach"),
        )
    ]


_PROMPTS = {
    "resume": _ask_resume,
    "goal": _ask_goal,
    "options": _ask_options,
    "preferences": _ask_preferences,
    "decide": _ask_decide,
    "not_yet": _ask_not_yet,
    "later_when": _ask_later_when,
    "next_what": _ask_next_what,
    "next_when": _ask_next_when,
    "helper": _ask_helper,
    "summary": _ask_summary,
    "change": _ask_change,
    "talk": _ask_talk,
    "review_worked": _ask_review_worked,
    "review_why": _ask_review_why,
    "review_still_good": _ask_review_still_good,
    "review_later": _ask_review_later,
}


# --------------------------------------------------------------------------- labels


def goal_label(goal: str | None, ctx: Context) -> str:
    for term in ctx.terms.goals:
        if term.id == goal:
            return term.label.lower()
    return ctx.t.gettext("nog niet bekend")


def choice_title(state: Mapping[str, Any], ctx: Context) -> str:
    try:
        return ctx.catalogue.get(state.get("choice") or "").title
    except KeyError:
        return str(state.get("choice") or "")


def preference_labels(ids: list[str], ctx: Context) -> list[str]:
    return [p.label.lower() for p in ctx.terms.preferences if p.id in ids]


# --------------------------------------------------------------------------- answering


def button_typed(state: State, text: str, ctx: Context) -> str | None:
    """The code of the button whose title the user typed (some people type, not tap)."""
    asker = _PROMPTS.get(str(state.get("step")))
    if not understand.normalise(text) or asker is None:
        return None
    for message in asker(state, ctx):
        for button in message.buttons:
            if understand.says_title(text, button.title):
                return button.answer
    return None


def says_command(state: State, text: str, ctx: Context) -> bool:
    """A typed button, a command ("terug") or, where a day is asked, a date: never a guess."""
    step = state.get("step")
    day = step in DATE_STEPS and parse_date(text, ctx.today) is not None
    return bool(understand.command(text) or button_typed(state, text, ctx) or day)


def understands(state: State, text: str, ctx: Context) -> bool:
    """Whether the current step takes this typed text as its answer (a dry run of advance).

    The form asks this before the classifier's guess may interrupt: "geld, want ik heb
    kinderen" answers "wat vind je belangrijk?"; it is no problem to refer. Where any text
    would do (the first step, the helper) it must read like that answer, so a message that
    is about something else still reaches the classifier.
    """
    step = state.get("step")
    if step not in _HANDLERS or not text.strip():
        return False
    if says_command(state, text, ctx):
        return True
    if control_intent(text):
        return False
    recognise = _RECOGNISE.get(str(step))
    if recognise is not None and not recognise(state, text, ctx):
        return False
    trial = advance(state, Answer(text=text), ctx)
    return int(trial.state.get("misses") or 0) == 0


def advance(state: State, answer: Answer, ctx: Context) -> Turn:
    """Take one answer: move on, stay with a hint, or finish with effects."""
    turn = Turn(state=copy.deepcopy(state))
    turn.state["brief"] = False
    code = answer.button or button_typed(state, answer.text, ctx) or ""
    words = answer.text.strip() if not code else ""
    nav = code if code in ("back", "restart") else understand.command(words) if words else None
    step = turn.state["step"]
    if nav == "restart" and step not in ("review_worked", "review_still_good", "review_later"):
        fresh = new_state(ctx)
        turn.state = fresh
        turn.say.append(Message(ctx.t.gettext("Goed, we beginnen opnieuw.")))
        return turn
    if nav == "back" and step in BACK:
        _go(turn, BACK[step], ctx)
        return turn
    handler = _HANDLERS[step]
    understood = (bool(words) and understand.unsure(words) and _unsure(turn, ctx)) or handler(
        turn, code, words, answer.intent, ctx
    )
    if understood:
        turn.state["misses"] = 0
    else:
        _missed(turn, step, ctx)
    return turn


def _go(turn: Turn, step: str, ctx: Context) -> None:
    """Enter a step, preparing what it shows."""
    state = turn.state
    state["step"] = step
    state["typing"] = False
    if step == "options":
        state["page_ids"] = [o.id for o in _options_page(state, ctx)]
        state["shown"] = _merge(state.get("shown") or [], state["page_ids"])
    elif step == "decide":
        state["offered"] = [o.id for o in _options_page(state, ctx)]
        state["shown"] = _merge(state.get("shown") or [], state["offered"])


def _merge(seen: list[str], new: list[str]) -> list[str]:
    return seen + [i for i in new if i not in seen]


def _missed(turn: Turn, step: str, ctx: Context) -> None:
    t = ctx.t
    turn.state["misses"] = int(turn.state.get("misses") or 0) + 1
    turn.state["brief"] = step in ("options", "decide")
    text = _MISS_TEXTS.get(step, _miss_default)(ctx)
    if turn.state["misses"] >= MISSES_BEFORE_COACH_HINT:
        text += " " + t.gettext("Lukt het niet? Typ: coach. Dan helpt een mens je.")
    turn.say.append(Message(text))


def _miss_default(ctx: Context) -> str:
    return ctx.t.gettext("Dat snap ik niet goed. Kies een knop, of zeg het anders.")


def _miss_date(ctx: Context) -> str:
    return ctx.t.gettext("Die dag snap ik niet. Typ bijvoorbeeld: morgen, of 1 december.")


def _miss_preferences(ctx: Context) -> str:
    return ctx.t.gettext("Dat herken ik niet. Kies een knop, of typ bijvoorbeeld: geld.")


_MISS_TEXTS = {
    "next_when": _miss_date,
    "later_when": _miss_date,
    "preferences": _miss_preferences,
}


FIRST_WORD_YES_NO = {"ja": True, "jawel": True, "jazeker": True, "yes": True, "nee": False}
FIRST_WORD_YES_NO |= {"neen": False, "nope": False, "no": False}


def _yes_no(code: str, words: str, intent: str | None) -> bool | None:
    if code in ("yes", "no"):
        return code == "yes"
    said = understand.yes_no(words) if words else None
    if said is not None:
        return said
    first = understand.normalise(words).split()[:1]
    if first and first[0] in FIRST_WORD_YES_NO:  # "nee ik wil iets anders kiezen"
        return FIRST_WORD_YES_NO[first[0]]
    if intent in ("affirm", "deny") and len(words.split()) <= 4:
        return intent == "affirm"
    return None


def _unsure(turn: Turn, ctx: Context) -> bool:
    """ "Weet ik niet" answers every step: skip what may be skipped, else help to choose.

    The first step has its own answer for it (the goal "Weet ik nog niet").
    """
    state, t = turn.state, ctx.t
    step = state["step"]
    if step in UNSURE_NEXT:
        state["page"] = 0
        _go(turn, UNSURE_NEXT[step], ctx)
        return True
    if step == "next_what":
        idea = _suggestion(state, ctx)
        state["typing"] = not idea
        hint = t.gettext("Dat is goed. Je mag ook mijn idee kiezen.")
        if not idea:
            hint = t.gettext("Dat is goed. Kies iets kleins. Bijvoorbeeld: iemand bellen.")
        turn.say.append(Message(hint))
        return True
    any_day = t.gettext("Dat is goed. Kies een dag die makkelijk is. Bijvoorbeeld over 1 week.")
    hints = {
        "next_when": any_day,
        "later_when": any_day,
        "helper": t.gettext("Dat is goed. Je coach kan je helpen. Of je doet het zelf."),
    }
    if step not in hints:
        return False
    turn.say.append(Message(hints[step]))
    return True


def _on_resume(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    if _yes_no(code, words, intent) is True or understand.command(words) == "done":
        _go(turn, turn.state.pop("resume_step", "goal"), ctx)
        return True
    if _yes_no(code, words, intent) is False:
        turn.state = new_state(ctx)
        turn.say.append(Message(ctx.t.gettext("Goed, we beginnen opnieuw.")))
        return True
    return False


def _on_goal(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    goal = code.removeprefix("goal:") if code.startswith("goal:") else None
    if goal is None and words:
        found = understand.match_terms(words, [(g.id, g.keywords) for g in ctx.terms.goals])
        goal = found[0] if found else None
    if goal not in {g.id for g in ctx.terms.goals}:
        return False
    turn.state["goal"], turn.state["page"] = goal, 0
    # Gap 1 of the method: say out loud that the user decides.
    turn.say.append(
        Message(
            ctx.t.gettext("Jij beslist zelf welke stap je zet. Je coach denkt met je mee.")
            + " "
            + ctx.t.gettext("Er is meer dan 1 mogelijkheid.")
        )
    )
    _go(turn, "decide" if turn.state.get("fixing") else "options", ctx)
    turn.state["fixing"] = False
    return True


def _named_option(code: str, words: str, ids: list[str], ctx: Context) -> Option | None:
    """An option named by a button code, by its place in the list, or by its name."""
    for prefix in ("more:", "choose:"):
        if code.startswith(prefix):
            try:
                return ctx.catalogue.get(code.removeprefix(prefix))
            except KeyError:
                return None
    if not words:
        return None
    listed = [ctx.catalogue.get(i) for i in ids]
    choices = [(o.id, o.title, o.keywords) for o in listed]
    # "de tweede, want ik wil dichtbij huis werken": the answer before its reason counts
    # first; a word in the reason ("werken") must not outvote it.
    found = understand.match_choice(
        understand.first_clause(words), choices
    ) or understand.match_choice(words, choices)
    if found is None and not _is_ordinal_only(words):
        # A name from the whole catalogue ("toch vrijwilligerswerk"), not from the reason
        # after it: "geld, want ik heb kinderen" names no option.
        every = [(o.id, o.title, o.keywords) for o in ctx.catalogue.options]
        found = understand.corrected_choice(words, every) or understand.match_choice(
            understand.first_clause(words), every
        )
    return ctx.catalogue.get(found) if found else None


def _is_ordinal_only(words: str) -> bool:
    return understand.normalise(words).split()[-1:] in (
        ["1"],
        ["2"],
        ["3"],
        ["eerste"],
        ["tweede"],
        ["derde"],
        ["laatste"],
    )


def _on_options(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    state = turn.state
    nav = code or understand.command(words) or ""
    if nav == "other":
        state["page"] = int(state.get("page") or 0) + 1
        _go(turn, "options", ctx)
        return True
    if nav == "done" or _yes_no(code, words, intent) is False:
        _go(turn, "preferences", ctx)
        return True
    option = _named_option(code, words, state.get("page_ids") or [], ctx)
    if option is not None:
        turn.say.append(option_detail(option, ctx))
        state["shown"] = _merge(state.get("shown") or [], [option.id])
        state["brief"] = True
        return True
    if _yes_no(code, words, intent) is True:  # "ja" to "andere opties zien?"
        state["page"] = int(state.get("page") or 0) + 1
        _go(turn, "options", ctx)
        return True
    return False


def _on_preferences(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    state = turn.state
    known = {p.id for p in ctx.terms.preferences}
    picked: list[str] = []
    ruled_out: list[str] = []
    terms = [(p.id, p.keywords) for p in ctx.terms.preferences]
    if code.startswith("pref:") and code.removeprefix("pref:") in known:
        picked = [code.removeprefix("pref:")]
    elif words:
        picked = understand.match_terms(words, terms)
        ruled_out = understand.match_negated_terms(words, terms)
    # A wish said twice the other way round counts as the last thing said.
    state["preferences"] = [
        p for p in _merge(state.get("preferences") or [], picked) if p not in ruled_out
    ]
    state["avoid"] = [a for a in _merge(state.get("avoid") or [], ruled_out) if a not in picked]
    finished = code == "done" or understand.command(words) == "done"
    nothing = _yes_no(code, words, intent) is False or understand.normalise(words) in (
        "niks",
        "niets",
    )
    if picked or ruled_out:
        t = ctx.t
        labels = [f"- {label}." for label in preference_labels(picked, ctx)]
        labels += [
            "- " + t.gettext("liever niet: {what}.").format(what=label)
            for label in preference_labels(ruled_out, ctx)
        ]
        turn.say.append(Message(t.gettext("Genoteerd:") + "\n" + "\n".join(labels)))
        unknown = understand.unknown_wishes(words, terms) if words else []
        if unknown:  # said, but not one of the wishes: say so instead of dropping it
            what = ", ".join(f"“{part[:40]}”" for part in unknown[:2])
            turn.say.append(
                Message(
                    t.gettext("Dit ken ik niet: {what}.").format(what=what)
                    + " "
                    + t.gettext("Vertel het ook aan je coach.")
                )
            )
    if finished or nothing or (picked and len(state["preferences"]) >= len(known)):
        state["page"] = 0
        _go(turn, "decide", ctx)
        return True
    return bool(picked or ruled_out)


def _wants_coach(intent: str | None) -> str:
    return "coach" if intent == "request_coach" else ""


def _on_decide(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    state = turn.state
    nav = code if code in ("not_yet", "coach", "later") else understand.command(words) or ""
    nav = nav or _wants_coach(intent)
    if nav == "other":
        state["page"] = int(state.get("page") or 0) + 1
        _go(turn, "decide", ctx)
        return True
    if nav in ("not_yet", "coach", "later"):
        return _on_not_yet(turn, nav if nav != "not_yet" else "", words, intent, ctx, enter=True)
    asks_more = code.startswith("more:") or nav == "more" or understand.asks_about(words)
    offered = state.get("offered") or []
    option = None if asks_more else _new_choice(state, words, ctx)
    option = option or _named_option(code, words, offered, ctx)
    if option is None and asks_more and words:  # "wat is er minder goed aan de eerste?"
        index = understand.mentioned_choice(words, len(offered))
        option = ctx.catalogue.get(offered[index]) if index is not None else None
    if option is None:
        return False
    if asks_more:
        # A question is no answer: the state stays as it was, the choices are asked again.
        turn.say.append(option_detail(option, ctx))
        return True
    _choose(turn, option, ctx)
    return True


def _choose(turn: Turn, option: Option, ctx: Context) -> None:
    """Take the choice (again, after a change of mind) and ask for the first step."""
    state = turn.state
    state["choice"] = option.id
    state["next_what"], state["next_on"], state["helper"] = None, None, None
    state["shown"] = _merge(state.get("shown") or [], [option.id])
    turn.say.append(Message(ctx.t.gettext("Je kiest: {title}.").format(title=option.title)))
    if option.first:
        turn.say.append(Message(ctx.t.gettext("Let op: {first}").format(first=option.first)))
    _go(turn, "next_what", ctx)


def _new_choice(state: State, words: str, ctx: Context) -> Option | None:
    """The option a change of mind names: "nee toch de eerste", and after the choice "de 2e".

    The last option named after a correction word wins; the offered options only, so a
    first step that names a place ("bellen met het uitzendbureau") changes nothing.
    """
    if not words:
        return None
    offered = [ctx.catalogue.get(i) for i in state.get("offered") or []]
    choices = [(o.id, o.title, o.keywords) for o in offered]
    found = understand.corrected_choice(words, choices)
    if found is None and state.get("step") in AFTER_CHOICE:
        index = understand.ordinal_choice(words, len(offered))
        found = offered[index].id if index is not None else None
    return ctx.catalogue.get(found) if found else None


def _on_not_yet(
    turn: Turn,
    code: str,
    words: str,
    intent: str | None,
    ctx: Context,
    enter: bool = False,
) -> bool:
    state = turn.state
    nav = code or understand.command(words) or _wants_coach(intent)
    if nav == "coach":
        state["outcome"], state["step"] = "coach", "done"
        turn.effects += [Record(copy.deepcopy(state)), Escalate("decision")]
        turn.say.append(Message(ctx.t.gettext("Goed. Je kiest samen met je coach.")))
        turn.finished = True
        return True
    if nav == "later":
        _go(turn, "later_when", ctx)
        return True
    if enter:  # "nog niet kiezen" from the decide step
        _go(turn, "not_yet", ctx)
        return True
    return False


def _on_later_when(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    day = parse_date(code or words, ctx.today)
    if day is None or _in_past(turn, day, ctx):
        return day is not None  # a day in the past was understood, and answered
    state = turn.state
    state["later_on"], state["outcome"], state["step"] = day.isoformat(), "later", "done"
    turn.effects.append(Record(copy.deepcopy(state)))
    if ctx.consent:
        text = ctx.t.gettext("Goed. Op {day} vraag ik of je wilt kiezen.")
    else:
        text = ctx.t.gettext("Goed. Ik bewaar niets. Kom op {day} zelf terug om te kiezen.")
    turn.say.append(Message(text.format(day=format_day(day, ctx.region))))
    turn.finished = True
    return True


def _in_past(turn: Turn, day: date, ctx: Context) -> bool:
    if day >= ctx.today:
        return False
    turn.say.append(Message(ctx.t.gettext("Die dag is al voorbij. Kies een dag vanaf vandaag.")))
    return True


# What "Klopt dit?" shows and "ja" stores: the summary is only reached with all of it.
SUMMARY_NEEDS = ("choice", "next_what", "next_on", "helper")


def _after(turn: Turn, step: str, ctx: Context) -> None:
    """Go to the next step, or straight back to the summary when fixing one answer.

    Back to the summary only when nothing it needs is missing: choosing the same option
    again after "terug" empties the step, the day and the helper, which are then asked.
    """
    fixing = turn.state.get("fixing")
    if fixing:
        turn.state["fixing"] = False
    if fixing and all(turn.state.get(key) for key in SUMMARY_NEEDS):
        _go(turn, "summary", ctx)
    else:
        _go(turn, step, ctx)


def _changed_mind(turn: Turn, words: str, ctx: Context) -> bool:
    option = _new_choice(turn.state, words, ctx)
    if option is None:
        return False
    _choose(turn, option, ctx)
    return True


LEADING_NO = re.compile(r"^\W*(?:nee|neen|nope|no)\b\W*", re.IGNORECASE)


def _on_next_what(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    state = turn.state
    idea = _suggestion(state, ctx)
    said = _yes_no(code, words, intent)
    if _changed_mind(turn, words, ctx):
        return True
    own = LEADING_NO.sub("", words)
    if said is False and own != words and understand.describes_step(own):
        said = None  # "nee, ik ga zelf eerst bellen": their own step instead of the idea
        words = own
    if code == "own" or (said is False and not state.get("typing")):
        state["typing"] = True
        return True
    if said is True and idea and not state.get("typing"):
        state["next_what"] = idea
        _after(turn, "next_when", ctx)
        return True
    text = mask(words)[:MAX_FREE_TEXT].strip()
    if len(text) < 3 or said is not None:
        return False
    state["next_what"] = _gate_first(
        turn, text if text.endswith((".", "!", "?")) else text + ".", ctx
    )
    _after(turn, "next_when", ctx)
    return True


# Who can open a door that needs an advice, an assessment or a referral.
ARRANGERS = (
    "klantmanager",
    "consulent",
    "werkcoach",
    "coach",
    "uwv",
    "vdab",
    "bemiddelaar",
    "ocmw",
    "gemeente",
    "maatschappelijk werker",
    "begeleider",
    "trajectbegeleider",
    "arbeidsdeskundige",
    "gtb",
    "jobcoach",
    "loket",
)


def _gate_first(turn: Turn, step: str, ctx: Context) -> str:
    """An own first step for an option with a condition starts with the one who arranges it.

    "Ik bel zelf de werkgever" for a proefplaatsing would fail: the klantmanager or UWV must
    agree first. The user's own plan stays, after the step that opens the door.
    """
    try:
        option = ctx.catalogue.get(turn.state.get("choice") or "")
    except KeyError:
        return step
    if not option.first or understand.match_terms(step, [("arranger", ARRANGERS)]):
        return step
    t = ctx.t
    turn.say.append(
        Message(
            t.gettext("Let op: {first}").format(first=option.first)
            + " "
            + t.gettext("Daarom zet ik dit als eerste stap: {step}").format(step=option.first_step)
        )
    )
    return t.gettext("{first_step} Daarna: {own}").format(first_step=option.first_step, own=step)


def _on_next_when(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    if _changed_mind(turn, words, ctx):
        return True
    day = parse_date(code or words, ctx.today)
    if day is None or _in_past(turn, day, ctx):
        return day is not None
    turn.state["next_on"] = day.isoformat()
    _after(turn, "helper", ctx)
    return True


def your(text: str) -> str:
    """'mijn zus' -> 'je zus': the summary speaks to the user."""
    words = text.split(" ")
    if words and words[0].lower() in ("mijn", "mn", "m'n", "me"):
        words[0] = "je"
    return " ".join(words)


def _on_helper(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    t = ctx.t
    state = turn.state
    fixed = {
        "help:usual": _helper_of_choice(state, ctx),
        "help:coach": t.gettext("je coach"),
        "help:known": t.gettext("iemand die je kent"),
        "help:self": t.gettext("je doet het zelf"),
    }
    if code in fixed:
        helper = fixed[code]
    elif _changed_mind(turn, words, ctx):
        return True
    else:
        helper = your(mask(words)[:MAX_HELPER_TEXT].strip())
        if len(helper) < 2 or understand.command(words):
            return False
        if understand.alone(words):  # "niemand", "ik doe da zelf"
            helper = fixed["help:self"]
    state["helper"] = helper
    _go(turn, "summary", ctx)
    return True


def _on_summary(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    said = _yes_no(code, words, intent)
    state = turn.state
    if said is True:
        state["outcome"], state["step"] = "agreed", "done"
        turn.effects.append(Record(copy.deepcopy(state)))
        # The day asked at next_when: _after never skips to here without one.
        day = format_day(date.fromisoformat(cast(str, state["next_on"])), ctx.region)
        if ctx.consent:
            text = ctx.t.gettext("Top, afgesproken! Op {day} vraag ik hoe het ging.")
        else:
            text = ctx.t.gettext("Top, afgesproken! Ik bewaar niets. Schrijf je afspraak dus op.")
        turn.say.append(Message(text.format(day=day)))
        if ctx.consent:  # only a stored record can say how the choice was made
            state["step"] = "talk"
        else:
            turn.finished = True
        return True
    if said is False:
        # "nee, de datum klopt niet": straight to that question; a bare "nee" asks what.
        if not _on_change(turn, code, words, intent, ctx):
            _go(turn, "change", ctx)
        return True
    return _on_change(turn, code, words, intent, ctx)


def _on_change(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    target = code.removeprefix("change:") if code.startswith("change:") else None
    if target is None and words:
        found = understand.match_terms(words, [(s, k) for s, k in CHANGE_WORDS])
        target = found[0] if found else None
    if target is None and words and parse_date(words, ctx.today) is not None:
        turn.state["fixing"] = True  # "over 2 weken": the new day itself
        return _on_next_when(turn, "", words, intent, ctx)
    if target not in ("decide", "next_what", "next_when", "helper", "goal"):
        return False
    turn.state["fixing"] = target in ("next_what", "next_when", "helper", "goal")
    turn.state["page"] = 0
    _go(turn, target, ctx)
    return True


# The people who coach a job-seeker, as they are called; and what they did.
COACHES = ("coach", "klantmanager", "consulent", "werkcoach", "begeleider", "bemiddelaar")
TALK_WORDS = (
    (
        "coach_asked",
        (
            *(f"{who} vroeg" for who in COACHES),
            *(f"{who} wilde" for who in COACHES),
            *(f"{who} zei" for who in COACHES),
            "moest van",
            "opdracht",
        ),
    ),
    ("with_coach", ("samen", *(f"met mijn {who}" for who in COACHES), "met coach", "met de coach")),
)


def _on_talk(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    """How the choice was made, as the user says it: never assumed "alone in the chat"."""
    talk = code.removeprefix("talk:") if code.startswith("talk:") else None
    if talk is None and words:
        found = understand.match_terms(words, TALK_WORDS)
        said = _yes_no(code, words, intent)
        alone = understand.alone(words) or said is False
        talk = found[0] if found else "alone" if alone else "with_coach" if said else None
    if talk not in ("alone", "with_coach", "coach_asked"):
        return False
    state = turn.state
    state["decided_with"], state["step"] = talk, "done"
    turn.effects.append(RecordTalk(copy.deepcopy(state)))
    turn.say.append(Message(ctx.t.gettext("Dank je. Dat schrijf ik erbij.")))
    turn.finished = True
    return True


PARTLY_WORDS = ("beetje", "half", "deels", "soort van", "bijna", "gedeeltelijk")
NOT_DONE_WORDS = ("niet gelukt", "lukte niet", "lukt niet", "mislukt", "niet gedaan", "nog niet")
DONE_WORDS = ("gelukt", "gedaan", "gelukt!", "klaar", "gebeld", "gemaild", "geweest")


def how_it_went(words: str, said: bool | None) -> str | None:
    """'yes', 'partly' or 'no' from "ja hoor, het is gelukt", "een beetje", "nee, mislukt"."""
    norm = f" {understand.normalise(words)} "
    if any(f" {w} " in norm for w in PARTLY_WORDS):
        return "partly"
    if said is False or any(f" {w} " in norm for w in NOT_DONE_WORDS):
        return "no"
    if said is True or any(f" {w} " in norm for w in DONE_WORDS):
        return "yes"
    return None


def _on_review_worked(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    worked = code.removeprefix("worked:") if code.startswith("worked:") else None
    if worked is None:
        worked = how_it_went(words, _yes_no(code, words, intent))
    if worked not in ("yes", "partly", "no"):
        return False
    turn.state["review"] = {"worked": worked}
    cheer = {
        "yes": ctx.t.gettext("Goed gedaan!"),
        "partly": ctx.t.gettext("Een deel is ook een stap."),
        "no": ctx.t.gettext("Dat geeft niet. Dat gebeurt vaak."),
    }[worked]
    turn.say.append(Message(cheer))
    _go(turn, "review_why", ctx)
    return True


# What helped or got in the way: a button title and the words people type for it.
REASONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "someone": (N_("Hulp van iemand"), ("hulp", "geholpen", "hielp", "samen met")),
    "clear": (N_("Het was duidelijk"), ("duidelijk", "makkelijk", "simpel", "goed uitgelegd")),
    "had_time": (N_("Ik had er tijd voor"), ("tijd voor", "had tijd", "rustig")),
    "no_time": (N_("Geen tijd"), ("geen tijd", "te druk", "druk", "vergeten", "kinderen")),
    "too_hard": (N_("Het was te moeilijk"), ("moeilijk", "lastig", "ingewikkeld", "snapte", "eng")),
    "no_answer": (N_("Ik kreeg geen antwoord"), ("geen antwoord", "geen reactie", "niet terug")),
    "health": (N_("Gezondheid of zorgen"), ("ziek", "gezondheid", "zorgen", "pijn", "stress")),
    "money": (N_("Geldzorgen"), ("schulden", "geldzorgen", "geen geld", "rekeningen", "schuld")),
}
HELPED = ("someone", "clear", "had_time")
OBSTACLES = ("no_time", "too_hard", "no_answer", "health")  # the buttons
TYPED_ONLY = ("money",)  # understood when typed, too rare for a button of its own
MAX_REASON_TEXT = 200


def _on_review_why(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    """What helped or got in the way: a button, typed words (kept masked), or "weet niet"."""
    state = turn.state
    review = state.setdefault("review", {})
    codes = HELPED if review.get("worked") == "yes" else OBSTACLES + TYPED_ONLY
    picked = [code.removeprefix("why:")] if code.startswith("why:") else []
    if words and not understand.unsure(words):
        typed = understand.match_terms(words, [(c, REASONS[c][1]) for c in codes])
        picked = [c for c in codes if c in typed]
        text = mask(words)[:MAX_REASON_TEXT].strip()
        if len(text) < 3 and not picked:
            return False
        review["reason_text"] = text
    elif not words and not picked:
        return False
    review["reasons"] = [c for c in picked if c in REASONS]
    t = ctx.t
    if {"health", "money"} & set(review["reasons"]):
        turn.say.append(Message(t.gettext("Dat is zwaar. Je coach kan met je meedenken.")))
    else:
        turn.say.append(Message(t.gettext("Dank je. Dat helpt om de volgende stap te kiezen.")))
    _go(turn, "review_still_good", ctx)
    return True


def _on_review_still_good(
    turn: Turn, code: str, words: str, intent: str | None, ctx: Context
) -> bool:
    state = turn.state
    nav = code if code == "coach" else understand.command(words) or _wants_coach(intent)
    said = None if nav == "coach" else _yes_no(code, words, intent)
    adjust = code == "adjust" or (not code and _says_adjust(words))
    if adjust or (said is True and state["review"].get("worked") != "yes"):
        return _adjust_step(turn, ctx)
    if nav == "coach":
        state["review"]["still_good"] = None
        state["review"]["next"] = "coach"
        state["outcome"], state["step"] = "coach", "done"
        turn.effects += [RecordReview(copy.deepcopy(state)), Escalate("decision_review")]
        turn.say.append(Message(ctx.t.gettext("Goed. Je bespreekt het met je coach.")))
        turn.finished = True
        return True
    if said is None:
        return False
    state["review"]["still_good"] = said
    state["review"]["next"] = "continue" if said else "choose_again"
    turn.effects.append(RecordReview(copy.deepcopy(state)))
    if said:
        state["next_what"], state["next_on"], state["helper"] = None, None, None
        turn.say.append(Message(ctx.t.gettext("Mooi. Dan kiezen we je volgende stap.")))
        _go(turn, "next_what", ctx)
    else:
        # The option that did not work is not offered again in this round.
        if choice := state.get("choice"):
            state["excluded"] = _merge(state.get("excluded") or [], [choice])
        state["choice"], state["page"] = None, 0
        turn.say.append(Message(ctx.t.gettext("Goed. We kijken naar andere mogelijkheden.")))
        _go(turn, "options", ctx)
    state["decision_id"] = None
    return True


ADJUST_WORDS = (
    "aanpassen",
    "pas de stap aan",
    "andere stap",
    "kleinere stap",
    "kleiner",
    "opnieuw proberen",
)


def _says_adjust(words: str) -> bool:
    return bool(words) and bool(understand.match_terms(words, [("adjust", ADJUST_WORDS)]))


def _adjust_step(turn: Turn, ctx: Context) -> bool:
    """Same choice, another first step: often a smaller one is what makes it work."""
    state = turn.state
    state["review"]["still_good"], state["review"]["next"] = True, "adjust"
    turn.effects.append(RecordReview(copy.deepcopy(state)))
    state["next_what"], state["next_on"], state["helper"] = None, None, None
    turn.say.append(
        Message(ctx.t.gettext("Goed. We zoeken een andere stap. Een kleine stap is ook goed."))
    )
    _go(turn, "next_what", ctx)
    state["typing"] = True
    state["decision_id"] = None
    return True


def _on_review_later(turn: Turn, code: str, words: str, intent: str | None, ctx: Context) -> bool:
    state = turn.state
    nav = code if code in ("coach", "later") else understand.command(words) or ""
    nav = nav or _wants_coach(intent)
    if nav in ("coach", "later"):
        return _on_not_yet(turn, nav, words, intent, ctx)
    said = _yes_no(code, words, intent)
    if said is None:
        return False
    if said:
        state["page"] = 0
        _go(turn, "decide", ctx)
    else:
        _go(turn, "later_when", ctx)
    return True


_HANDLERS = {
    "resume": _on_resume,
    "goal": _on_goal,
    "options": _on_options,
    "preferences": _on_preferences,
    "decide": _on_decide,
    "not_yet": _on_not_yet,
    "later_when": _on_later_when,
    "next_what": _on_next_what,
    "next_when": _on_next_when,
    "helper": _on_helper,
    "summary": _on_summary,
    "change": _on_change,
    "talk": _on_talk,
    "review_worked": _on_review_worked,
    "review_why": _on_review_why,
    "review_still_good": _on_review_still_good,
    "review_later": _on_review_later,
}


def _reads_as_step(state: State, text: str, ctx: Context) -> bool:
    return (
        _yes_no("", text, None) is not None
        or understand.describes_step(text)
        or understand.unsure(text)
        or _new_choice(state, text, ctx) is not None
    )


def _reads_as_helper(state: State, text: str, ctx: Context) -> bool:
    return (
        understand.names_helper(text)
        or understand.unsure(text)
        or _new_choice(state, text, ctx) is not None
    )


# Steps that take any text: what it must read like to beat the classifier's guess.
def _reads_as_reason(state: State, text: str, ctx: Context) -> bool:
    """Any short account of how it went, but not a question about something else."""
    return understand.unsure(text) or not text.rstrip().endswith("?")


_RECOGNISE = {
    "next_what": _reads_as_step,
    "helper": _reads_as_helper,
    "review_why": _reads_as_reason,
}
