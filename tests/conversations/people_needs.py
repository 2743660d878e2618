"""What a person needs from one turn of a conversation, as named predicates.

A need is a predicate over the bot's messages of one turn, the conversation so far and
the database. It matches on what carries meaning (phone numbers, organisation names,
button payloads, database rows, the state of the running flow), never on whole sentences,
so rewording a text does not break it. The conversations in ``people/*.yml`` name needs in
``must`` and ``must_not``; ``no_error`` is checked on every turn.

A need with an argument is written ``name=value`` (``decision_step=options``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.models import CoachRequest, Decision, JobSeeker
from bot.store.pseudonym import pseudonym

FLOW_FORMS = {"decision_form": "decision", "exercise_form": "exercise"}
# Flow-state keys that change without an answer being taken (a "not understood" count).
NOT_AN_ANSWER = {"misses"}

PERSONAS = {
    "a2_rotterdam": "job-seeker in Rotterdam with A2 Dutch: short, grammar mistakes",
    "flemish_youth": "19-year-old from Gent typing Flemish chat (ge, da, nie, efkes, goesting)",
    "low_literate": "adult who reads and writes with difficulty: typos, no punctuation, run-ons",
    "voice_typed": "adult who dictates: long run-on sentences without punctuation",
    "newcomer": "newcomer who switches to English, Arabic, Turkish, Ukrainian or Polish",
    "reasoner": "answers with a reason inside the answer, changes their mind",
    "worried": "carries a problem into the conversation: debts, eviction, sanction, health",
    "in_crisis": "has suicidal thoughts or is in danger now",
    "everyday": "ordinary Dutch speaker who uses idioms and chat language",
    "careful": "privacy-minded: asks what is stored, wants things deleted or not",
    "mover": "moves between the Netherlands and Flanders",
}


@dataclass
class Turn:
    """One thing the person did and everything the bot answered."""

    number: int
    said: str  # what the person typed, or the title of the button they tapped
    sent: str  # what went to the server (the text, or the button's payload)
    messages: list[dict[str, Any]]
    status: int  # HTTP status of the REST call
    before: dict[str, Any]  # tracker snapshot before this turn
    after: dict[str, Any]  # tracker snapshot after this turn

    @property
    def texts(self) -> list[str]:
        return [str(m.get("text") or "") for m in self.messages]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [b for m in self.messages for b in m.get("buttons") or []]

    @property
    def payloads(self) -> list[str]:
        return [str(b.get("payload") or "") for b in self.buttons]


@dataclass
class Talk:
    """The conversation so far, for one sender."""

    id: str
    sender: str
    region: str  # the region the person starts in (metadata); the tracker may change it
    turns: list[Turn] = field(default_factory=list)

    @property
    def jobseeker_id(self) -> str:
        return pseudonym(self.sender)


Predicate = Callable[[Turn, Talk, str], bool]


@dataclass(frozen=True)
class Need:
    name: str
    check: Predicate
    doc: str


NEEDS: dict[str, Need] = {}


def need(function: Callable[..., bool]) -> Callable[..., bool]:
    """Register a predicate under its name; its docstring says what the person needs."""
    name = function.__name__.removeprefix("need_")
    doc = (function.__doc__ or name).strip().splitlines()[0]
    params = function.__code__.co_argcount

    def check(turn: Turn, talk: Talk, arg: str) -> bool:
        return bool(function(turn, talk, arg) if params == 3 else function(turn, talk))

    NEEDS[name] = Need(name, check, doc)
    return function


def evaluate(name: str, turn: Turn, talk: Talk) -> bool:
    key, _, arg = name.partition("=")
    return NEEDS[key].check(turn, talk, arg)


def describe(name: str) -> str:
    key, _, arg = name.partition("=")
    return NEEDS[key].doc + (f" ({arg})" if arg else "")


def known(name: str) -> bool:
    return name.partition("=")[0] in NEEDS


# --- helpers over the tracker snapshot and the database -------------------------------


def snapshot(tracker: dict[str, Any]) -> dict[str, Any]:
    """The part of a tracker the needs look at."""
    slots = tracker.get("slots") or {}
    loop = (tracker.get("active_loop") or {}).get("name")
    keep = ("region", "consent", "decision", "exercise", "onboarded")
    return {"loop": loop, **{k: slots.get(k) for k in keep}}


def flow_state(snap: dict[str, Any], flow: str) -> dict[str, Any]:
    value = snap.get(flow)
    return value if isinstance(value, dict) else {}


def position(state: dict[str, Any]) -> tuple[Any, ...]:
    """Where a flow is: its step, and for exercises the question and its part."""
    return (state.get("step"), state.get("q"), state.get("part"), len(state.get("picked") or []))


def current_region(turn: Turn, talk: Talk) -> str:
    return str(turn.after.get("region") or talk.region or "nl_NL")


def jobseeker(talk: Talk) -> JobSeeker | None:
    with session_scope() as session:
        row = session.get(JobSeeker, talk.jobseeker_id)
        if row is not None:
            session.expunge(row)
        return row


def coach_requests(talk: Talk) -> list[tuple[str, str, str]]:
    with session_scope() as session:
        rows = session.execute(
            select(CoachRequest.reason, CoachRequest.priority, CoachRequest.status).where(
                CoachRequest.jobseeker_id == talk.jobseeker_id
            )
        ).all()
    return [tuple(r) for r in rows]


def decisions(talk: Talk) -> list[Decision]:
    with session_scope() as session:
        rows = list(
            session.execute(select(Decision).where(Decision.jobseeker_id == talk.jobseeker_id))
            .scalars()
            .all()
        )
        for row in rows:
            session.expunge(row)
    return rows


def has(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


LINE_NL = r"\b113\b|0800[- ]?0113|113\.nl"
LINE_BE = r"\b1813\b|zelfmoord1813"
EMERGENCY = r"\b112\b"
ANY_LINE = rf"{LINE_NL}|{LINE_BE}|{EMERGENCY}"


def region_line(region: str) -> str:
    return LINE_BE if region == "nl_BE" else LINE_NL


# --- always -----------------------------------------------------------------------------


@need
def need_no_error(turn: Turn, talk: Talk) -> bool:
    """A reply comes: no server error, no empty answer, no technical failure text."""
    if turn.status >= 500 or turn.status == 0 or not turn.messages:
        return False
    if not any(m.get("text") or m.get("image") for m in turn.messages):
        return False
    return not has(r"iets mis|technisch|error|exception|traceback", turn.text)


# --- form of the answer -----------------------------------------------------------------


@need
def need_plain_dutch(turn: Turn, talk: Talk) -> bool:
    """Every text is plain Dutch (B1: short sentences, common words, one question)."""
    try:
        from tests.unit.test_plain_language import b1_problems
    except ImportError:  # the checker is not there: nothing to check against
        return True
    for message in turn.messages:
        if message.get("image") or not message.get("text"):
            continue  # pictures of screens quote texts on purpose
        if b1_problems(str(message["text"]), len(message.get("buttons") or [])):
            return False
    return True


@need
def need_offers_buttons(turn: Turn, talk: Talk) -> bool:
    """The person can tap instead of type: the last message has buttons."""
    return bool(turn.messages and turn.messages[-1].get("buttons"))


@need
def need_menu_shown(turn: Turn, talk: Talk) -> bool:
    """The main menu is offered (choose a step, practise)."""
    return "/start_decision" in turn.payloads and "/start_exercise" in turn.payloads


@need
def need_coach_offered(turn: Turn, talk: Talk) -> bool:
    """A way to a coach is offered: a coach button, or the text says a coach can help."""
    return "/request_coach" in turn.payloads or has(r"\bcoach", turn.text)


@need
def need_not_understood_reply(turn: Turn, talk: Talk) -> bool:
    """The bot says honestly that it did not understand (and does not guess)."""
    return has(
        r"(snap|begrijp|versta)\w* (ik )?(je |het |dat |jouw )?(bericht )?(nog )?(niet|nie)"
        r"|anders zeggen|andere woorden|don't understand|do not understand",
        turn.text,
    )


@need
def need_declines_honestly(turn: Turn, talk: Talk) -> bool:
    """A request for another assistant: the bot says it cannot help with that, or that it
    did not understand, and what it can do; it does not act on it."""
    return need_not_understood_reply(turn, talk) or has(
        r"kan ik je (helaas )?niet mee helpen|help alleen met werk|dat weet ik niet", turn.text
    )


@need
def need_sympathy_instead_of_answer(turn: Turn, talk: Talk) -> bool:
    """(for must_not) a factual question answered with sympathy for a problem."""
    return has(r"dank je dat je dit vertelt|niet makkelijk|zwaar probleem|vervelend", turn.text)


@need
def need_asks_klopt_dit(turn: Turn, talk: Talk) -> bool:
    """The agreement is summed up and checked with the person ("Klopt dit?")."""
    return has(r"klopt dit|klopt het|is dit goed", turn.text)


# --- language ---------------------------------------------------------------------------


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.DUTCH,
        Language.ENGLISH,
        Language.ARABIC,
        Language.TURKISH,
        Language.UKRAINIAN,
        Language.RUSSIAN,
        Language.POLISH,
        Language.GERMAN,
        Language.FRENCH,
    ]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def _replies_in(turn: Turn, language: str) -> bool:
    for text in turn.texts:
        if len(text) < 8:
            continue
        found = _detector().detect_language_of(text)
        if found is not None and found.name == language:
            return True
    return False


@need
def need_replies_in_english(turn: Turn, talk: Talk) -> bool:
    """At least one message is in English, so a newcomer can follow."""
    return _replies_in(turn, "ENGLISH")


@need
def need_replies_in_arabic(turn: Turn, talk: Talk) -> bool:
    """At least one message is in Arabic."""
    return _replies_in(turn, "ARABIC") or has(r"[\u0600-\u06ff]{4,}", turn.text)


@need
def need_replies_in_turkish(turn: Turn, talk: Talk) -> bool:
    """At least one message is in Turkish."""
    return _replies_in(turn, "TURKISH")


@need
def need_replies_in_ukrainian(turn: Turn, talk: Talk) -> bool:
    """At least one message is in Ukrainian."""
    return _replies_in(turn, "UKRAINIAN")


@need
def need_replies_in_polish(turn: Turn, talk: Talk) -> bool:
    """At least one message is in Polish."""
    return _replies_in(turn, "POLISH")


@need
def need_understandable_for_newcomer(turn: Turn, talk: Talk) -> bool:
    """Part of the reply is in English or in the person's own language, not only Dutch."""
    return any(
        _replies_in(turn, lang) for lang in ("ENGLISH", "ARABIC", "TURKISH", "UKRAINIAN", "POLISH")
    )


# --- crisis ladder ----------------------------------------------------------------------


@need
def need_crisis_line_nl(turn: Turn, talk: Talk) -> bool:
    """The Dutch suicide prevention line: 113 / 0800-0113."""
    return has(LINE_NL, turn.text)


@need
def need_crisis_line_be(turn: Turn, talk: Talk) -> bool:
    """The Flemish suicide line: 1813."""
    return has(LINE_BE, turn.text)


@need
def need_any_crisis_line(turn: Turn, talk: Talk) -> bool:
    """(for must_not) any crisis or emergency number: 113, 0800-0113, 1813, 112."""
    return has(ANY_LINE, turn.text)


@need
def need_urgent_escalation(turn: Turn, talk: Talk) -> bool:
    """An urgent coach request exists for this person."""
    return any(priority == "urgent" for _, priority, _ in coach_requests(talk))


@need
def need_crisis_protocol(turn: Turn, talk: Talk) -> bool:
    """The crisis protocol: the region's line, 112, an urgent coach request, the flow left."""
    line = has(region_line(current_region(turn, talk)), turn.text)
    return (
        line
        and has(EMERGENCY, turn.text)
        and need_urgent_escalation(turn, talk)
        and turn.after.get("loop") not in FLOW_FORMS
    )


@need
def need_check_in(turn: Turn, talk: Talk) -> bool:
    """A gentle, direct question about suicidal thoughts, with the region's line."""
    asks = any(
        "?" in text
        and has(
            r"zelfmoord|suïcid|suicid|einde aan|niet meer (wil|wilt) leven|dood (te )?wil"
            r"|niet meer (te )?leven|er niet meer (wil|wilt) zijn|uit het leven",
            text,
        )
        for text in turn.texts
    )
    return asks and has(region_line(current_region(turn, talk)), turn.text)


@need
def need_huisarts(turn: Turn, talk: Talk) -> bool:
    """The GP (huisarts) is named as a place for help."""
    return has(r"huisarts|dokter", turn.text)


# --- help per region --------------------------------------------------------------------


@need
def need_regional_help_debts_nl(turn: Turn, talk: Talk) -> bool:
    """Debt help in the Netherlands: schuldhulp at the gemeente, Geldfit, Juridisch Loket."""
    return has(r"geldfit|schuldhulp|juridisch loket", turn.text)


@need
def need_regional_help_debts_be(turn: Turn, talk: Talk) -> bool:
    """Debt help in Flanders: the OCMW (schuldbemiddeling) or the CAW."""
    return has(r"\bocmw\b|\bcaw\b|schuldbemiddeling", turn.text)


@need
def need_regional_help_violence_nl(turn: Turn, talk: Talk) -> bool:
    """Domestic violence help in the Netherlands: Veilig Thuis 0800-2000."""
    return has(r"veilig thuis|0800[- ]?2000", turn.text)


@need
def need_regional_help_violence_be(turn: Turn, talk: Talk) -> bool:
    """Domestic violence help in Flanders: 1712."""
    return has(r"\b1712\b", turn.text)


@need
def need_referral_benefits_nl(turn: Turn, talk: Talk) -> bool:
    """Benefit questions go to the gemeente (bijstand) or UWV (WW, WIA)."""
    return has(r"\buwv\b|gemeente", turn.text)


@need
def need_referral_benefits_be(turn: Turn, talk: Talk) -> bool:
    """Benefit questions go to the VDAB or the RVA / uitbetalingsinstelling."""
    return has(r"\bvdab\b|\brva\b|uitbetalingsinstelling|hulpkas|vakbond", turn.text)


@need
def need_region_is(turn: Turn, talk: Talk, region: str) -> bool:
    """The person's region is known as this one."""
    return turn.after.get("region") == region


# --- onboarding and consent -------------------------------------------------------------


@need
def need_asks_consent(turn: Turn, talk: Talk) -> bool:
    """The person is asked whether progress may be stored, with yes/no buttons."""
    return "/affirm" in turn.payloads and "/deny" in turn.payloads and has("bewa", turn.text)


@need
def need_asks_region(turn: Turn, talk: Talk) -> bool:
    """The person is asked where they live (the Netherlands or Flanders)."""
    return any("region" in p for p in turn.payloads)


@need
def need_consent_given(turn: Turn, talk: Talk) -> bool:
    """The person's yes to storing is taken (the consent slot, or the database row)."""
    row = jobseeker(talk)
    return turn.after.get("consent") is True or (row is not None and row.consent is True)


@need
def need_consent_refused(turn: Turn, talk: Talk) -> bool:
    """The person's no to storing is taken (the slot or the row), and nothing says yes."""
    row = jobseeker(talk)
    if turn.after.get("consent") is True or (row is not None and row.consent is True):
        return False
    return turn.after.get("consent") is False or row is None or row.consent is False


@need
def need_onboarded(turn: Turn, talk: Talk) -> bool:
    """Consent and region are both known: the person can start."""
    return bool(turn.after.get("onboarded"))


# --- privacy ----------------------------------------------------------------------------


@need
def need_asks_to_erase(turn: Turn, talk: Talk) -> bool:
    """The person is asked to confirm an erasure (an erase button, or a question about it)."""
    if any("privacy_delete" in p for p in turn.payloads):
        return True
    return any("?" in t and has(r"\bwis|verwijder", t) for t in turn.texts)


@need
def need_erased(turn: Turn, talk: Talk) -> bool:
    """Nothing in the database names this person any more."""
    from tests.privacy_data import leftovers

    return not leftovers([talk.jobseeker_id, talk.sender])


@need
def need_data_kept(turn: Turn, talk: Talk) -> bool:
    """What the person did is still there (their profile row)."""
    return jobseeker(talk) is not None


@need
def need_explains_storage(turn: Turn, talk: Talk) -> bool:
    """The person hears what is stored about them (or that nothing is)."""
    return has(r"bewaar|opgeslagen|gegevens", turn.text)


# --- coach ------------------------------------------------------------------------------


@need
def need_coach_requested(turn: Turn, talk: Talk) -> bool:
    """A coach request exists for this person."""
    return bool(coach_requests(talk))


@need
def need_no_coach_request(turn: Turn, talk: Talk) -> bool:
    """No coach request exists for this person."""
    return not coach_requests(talk)


@need
def need_problem_escalation(turn: Turn, talk: Talk, topic: str) -> bool:
    """A coach request about this problem exists (reason problem:<topic>)."""
    return any(
        reason.startswith("problem") and topic in reason for reason, _, _ in coach_requests(talk)
    )


# --- guided flows -----------------------------------------------------------------------


@need
def need_in_decision(turn: Turn, talk: Talk) -> bool:
    """The decision journey is running and waits for the person."""
    return turn.after.get("loop") == "decision_form"


@need
def need_in_exercise(turn: Turn, talk: Talk) -> bool:
    """An exercise is running and waits for the person."""
    return turn.after.get("loop") == "exercise_form"


@need
def need_back_in_flow(turn: Turn, talk: Talk) -> bool:
    """The guided conversation the person was in goes on (its form is active)."""
    return turn.after.get("loop") in FLOW_FORMS


@need
def need_no_flow(turn: Turn, talk: Talk) -> bool:
    """No guided conversation is running."""
    return turn.after.get("loop") not in FLOW_FORMS


def _flow_of(turn: Turn) -> str | None:
    loop = turn.before.get("loop") or turn.after.get("loop")
    return FLOW_FORMS.get(str(loop))


@need
def need_leaves_flow_keeps_progress(turn: Turn, talk: Talk) -> bool:
    """The person leaves the flow, and where they were is kept for later."""
    flow = FLOW_FORMS.get(str(turn.before.get("loop")))
    if flow is None or turn.after.get("loop") in FLOW_FORMS:
        return False
    return bool(flow_state(turn.after, flow).get("step"))


@need
def need_answer_taken(turn: Turn, talk: Talk) -> bool:
    """The flow took the message as an answer and moved on (its state changed)."""
    flow = _flow_of(turn)
    if flow is None:
        return False
    before, after = flow_state(turn.before, flow), flow_state(turn.after, flow)
    strip = lambda s: {k: v for k, v in s.items() if k not in NOT_AN_ANSWER}  # noqa: E731
    return strip(before) != strip(after)


@need
def need_asks_same_step(turn: Turn, talk: Talk) -> bool:
    """Back at the same question: the flow did not move, and the question is asked again."""
    flow = _flow_of(turn)
    if flow is None or turn.after.get("loop") not in FLOW_FORMS:
        return False
    same = position(flow_state(turn.before, flow)) == position(flow_state(turn.after, flow))
    asks = bool(turn.messages) and (
        bool(turn.messages[-1].get("buttons")) or "?" in turn.messages[-1].get("text", "")
    )
    return same and asks


@need
def need_decision_step(turn: Turn, talk: Talk, step: str) -> bool:
    """The decision journey is at this step."""
    return flow_state(turn.after, "decision").get("step") == step


@need
def need_exercise_step(turn: Turn, talk: Talk, step: str) -> bool:
    """The exercise flow is at this step."""
    return flow_state(turn.after, "exercise").get("step") == step


@need
def need_choice_is(turn: Turn, talk: Talk, number: str) -> bool:
    """The option the person chose is the one listed at this place (1, 2, 3)."""
    state = flow_state(turn.after, "decision")
    listed = list(state.get("offered") or state.get("shown") or [])
    index = int(number) - 1
    return 0 <= index < len(listed) and state.get("choice") == listed[index]


@need
def need_offers_resume(turn: Turn, talk: Talk) -> bool:
    """The person is offered to go on where they left off."""
    return has(r"verder waar|waar je was|verder gaan", turn.text) and bool(turn.buttons)


@need
def need_decision_recorded(turn: Turn, talk: Talk) -> bool:
    """The agreement is stored (with consent): a decision row exists."""
    return bool(decisions(talk))


@need
def need_decided_with(turn: Turn, talk: Talk, who: str) -> bool:
    """The record says how the choice was made as the person said it (alone, with_coach...)."""
    return any(d.decided_with == who for d in decisions(talk))


@need
def need_review_reason(turn: Turn, talk: Talk, reason: str) -> bool:
    """The evaluation took what helped or got in the way (no_time, too_hard, someone...).

    Held in the journey until the next answer stores the evaluation, then in the record.
    """
    held = (flow_state(turn.after, "decision").get("review") or {}).get("reasons") or []
    stored = [r for d in decisions(talk) for r in (d.outcome or {}).get("reasons") or []]
    return reason in held or reason in stored


@need
def need_review_next(turn: Turn, talk: Talk, what: str) -> bool:
    """The evaluation stored what the person wants now (adjust, choose_again, coach...)."""
    return any((d.outcome or {}).get("next") == what for d in decisions(talk))


@need
def need_not_offered(turn: Turn, talk: Talk, option: str) -> bool:
    """This option is not among the options shown in this turn."""
    state = flow_state(turn.after, "decision")
    listed = {*(state.get("page_ids") or []), *(state.get("offered") or [])}
    return bool(listed) and option not in listed


@need
def need_conditions_shown(turn: Turn, talk: Talk) -> bool:
    """Each option offered to choose from shows its minus and what must happen first."""
    from bot.decision.catalogue import catalogue

    state = flow_state(turn.after, "decision")
    region = str(state.get("region") or talk.region)
    offered = [catalogue(region).get(i) for i in state.get("offered") or []]
    return bool(offered) and all(
        o.minus in turn.text and (not o.first or o.first in turn.text) for o in offered
    )


@need
def need_ruled_out(turn: Turn, talk: Talk, preference: str) -> bool:
    """A wish said with "geen"/"niet" is kept as ruled out, not dropped."""
    return preference in (flow_state(turn.after, "decision").get("avoid") or [])


@need
def need_step_starts_with_arranger(turn: Turn, talk: Talk) -> bool:
    """For an option that needs someone's yes first, the first step goes to that person."""
    from bot.decision.catalogue import catalogue

    state = flow_state(turn.after, "decision")
    if not state.get("choice") or not state.get("next_what"):
        return False
    option = catalogue(str(state.get("region") or talk.region)).get(str(state["choice"]))
    return bool(option.first) and str(state["next_what"]).startswith(option.first_step)


@need
def need_next_step_dated(turn: Turn, talk: Talk) -> bool:
    """The agreed next step has a date."""
    return any(d.next_step_on is not None for d in decisions(talk)) or bool(
        flow_state(turn.after, "decision").get("next_on")
    )


@need
def need_exercise_judged(turn: Turn, talk: Talk) -> bool:
    """The exercise checked the message as an answer (or skipped the question)."""
    answers, skipped = _count(turn, "answers"), _count(turn, "skipped")
    return answers[1] > answers[0] or skipped[1] > skipped[0]


def _count(turn: Turn, key: str) -> tuple[int, int]:
    before = flow_state(turn.before, "exercise").get(key) or 0
    after = flow_state(turn.after, "exercise").get(key) or 0
    return int(before), int(after)


@need
def need_answer_right(turn: Turn, talk: Talk) -> bool:
    """The exercise counted the answer as right."""
    before, after = _count(turn, "right")
    return after > before


@need
def need_answer_wrong(turn: Turn, talk: Talk) -> bool:
    """The exercise counted the answer as wrong (and explains or gives a tip)."""
    answers = _count(turn, "answers")
    right = _count(turn, "right")
    return answers[1] > answers[0] and right[1] == right[0]


@need
def need_answer_skipped(turn: Turn, talk: Talk) -> bool:
    """The question was skipped, and the exercise moved on."""
    before, after = _count(turn, "skipped")
    return after > before
