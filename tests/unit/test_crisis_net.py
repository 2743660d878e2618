"""The crisis safety net: many real phrasings must fire, ordinary idioms must not."""

from __future__ import annotations

import pytest

from bot.escalation import crisis

MUST_FIRE = [
    # direct
    "ik wil zelfmoord plegen",
    "ik denk aan zelfmoord",
    "ik wil dood",
    "ik wil niet meer leven",
    "ik wil er een einde aan maken",
    "ik ga mezelf van kant maken",
    "ik heb zelfmoordgedachten",
    "ik ben suicidaal",
    "ik ben suïcidaal",
    "ik snij mezelf soms",
    "ik heb in mijn armen gesneden, ik snij in mijn armen",
    "ik wil mezelf pijn doen",
    "ik heb alle pillen geslikt",
    "ik ga alle pillen innemen vanavond",
    "ik wil voor de trein springen",
    "ik sta op de brug en wil springen, ik wil van de brug springen",
    "ik heb een afscheidsbrief geschreven",
    # indirect
    "ik wil er niet meer zijn",
    "ik wil niet meer wakker worden",
    "iedereen is beter af zonder mij",
    "ik ben alleen maar een last",
    "het leven heeft geen zin meer",
    "ik wil gewoon slapen en niet meer wakker worden",
    "ik wil er een eind aan maken",
    # typos, youth chat, no accents, letter runs
    "ik wil zelfmoort plegen",
    "ik wil zelfmort plegen",
    "zelf moord",
    "ik wil doooood",
    "wil nie meer leven",
    "ik wil nie meer leve, ik wil niet meer leven echt",
    "ik wil dood gaan",
    # Flemish
    "ik wil er nie meer zijn, ik wil er niet meer zijn",
    "ik denk aan zelfdoding",
    "mag ik 1813 bellen",
    # acute danger, violence now
    "er staat iemand met een mes voor mijn deur",
    "mijn man gaat me vermoorden",
    "hij slaat me nu",
    "ik word bedreigd",
    "ik ben niet veilig thuis, ik voel me niet veilig",
    "ik ben in gevaar",
    "ik word op dit moment geslagen",
    "hij slaat me weer, help",
    "mijn ex dreigt me iets aan te doen",
    # indirect, and English (newcomers)
    "ik ben het leven moe",
    "ik ben levensmoe",
    "I want to kill myself",
    "i dont want to live anymore",
    "I want to die",
    "sometimes I think about ending my life, I want to end it all",
    "I have been cutting myself",
    "everyone would be better off without me",
    # the languages newcomers write; too short for the language switch to tell which
    "chcę umrzeć",
    "chce sie zabic",
    "nie chcę już żyć",
    "quiero morir",
    "me quiero matar",
    "ya no quiero vivir",
    "não quero mais viver",
    "ich will sterben",
    "ich will einfach nur sterben",
    "je veux mourir",
    "je vais me tuer",
    "vreau să mor",
    "ölmek istiyorum",
    "yaşamak istemiyorum",
    "أريد أن أموت",
    "لا أريد أن أعيش",
    "хочу померти",
    "не хочу більше жити",
    "хочу умереть",
    "покончить с собой",
]

# Vague hopelessness: the check-in (a direct question with the line), not the protocol.
MUST_CHECK_IN = [
    "ik kan het zelf niet meer aan",
    "ik kan het alleen niet meer aan",
    "ik red het zelf niet meer",
    "ik red het niet meer",
    "ik red me niet meer alleen",
    "ik zie het echt niet meer zitten",
    "ik kan niks en het word toch nooit wat met mij",
    "het komt nooit meer goed met mij",
    "ik ben gewoon niks waard",
    "ik ben een mislukkeling",
    "ik kan het niet meer aan",
    "kzie het niet meer zitten, ik zie het niet meer zitten",
    "soms zie ik het nut er niet meer van in",
    "ik zie het niet meer zitten met die schulden",
    "ik kan niet meer",
    "ik wil niet meer",
    "k wil nie meer",
    "het heeft allemaal geen zin meer",
    "alles is zinloos",
    "ik ben zo wanhopig",
    "ik heb geen hoop meer",
    "ik zie geen uitweg",
    "waarom zou ik nog",
    "everything feels hopeless",
    "I can't go on like this",
]

MUST_NOT_FIRE = [
    "ik ben dood moe",
    "ik ben doodmoe van het zoeken",
    "ik ga dood van het lachen",
    "ik lach me dood",
    "ik verveel me dood",
    "dat is doodgewoon",
    "die cursus is doodsaai",
    "ik ging bijna dood van de zenuwen bij dat gesprek",
    "ik heb schulden",
    "ik wil werk zoeken",
    "ik wil stoppen voor vandaag",
    "ik ben moe",
    "mijn oma is vorig jaar dood gegaan",
    "mijn oma is dood",
    "mijn man slaat me al jaren",
    "ik word soms thuis geslagen",
    "ik heb een mes nodig voor mijn werk als kok",
    "mijn baan is in gevaar",
    "dat hoeft niet meer",
    "ik wil een einde aan mijn schulden",
    "hoi",
    "ik wil een nieuwe baan",
    "ik wil dat je mijn gegevens wist",
    # idioms and figures of speech (113: do not over-refer)
    "ik schrok me dood",
    "ik schrok me rot van die brief",
    "dat werk is slopend",
    "die baan wordt nog mijn dood",
    "ik ga dood van de honger",
    "ik werk me kapot",
    "ik ben doodsbang voor het sollicitatiegesprek",
    "ik kan niet meer inloggen bij DigiD",
    "het heeft geen zin meer om daar te solliciteren",
    "kies zelf",
    "het wordt nooit wat met die printer",
    "ik kan niks met computers",
    "die mail is niks waard",
    "I am bored to death",
    "I was scared to death",
    "ik red het niet meer op tijd, de bus is te laat",
    "ik red het zelf wel",
    # the same idioms in the languages newcomers write, and wishes about work
    "me muero de hambre",
    "me muero de risa jaja",
    "umieram z głodu",
    "to mnie zabije haha",
    "ich sterbe vor Hunger",
    "je meurs de faim",
    "ça me tue",
    "ölüyorum açlıktan",
    "я умираю от голода",
    "quiero trabajar",
    "nie chcę pracować w nocy",
    "no quiero trabajar los domingos",
    "ich will nicht mehr putzen",
    "je ne veux plus faire le ménage",
    "أريد أن أعمل",
    "хочу працювати",
]


@pytest.mark.parametrize("text", MUST_FIRE)
def test_crisis_phrasings_fire(text: str) -> None:
    assert crisis.safety_net().level(text) == "crisis", text


@pytest.mark.parametrize("text", MUST_CHECK_IN)
def test_vague_hopelessness_gets_the_check_in_not_the_protocol(text: str) -> None:
    assert crisis.safety_net().level(text) == "distress", crisis.safety_net().match(text)


@pytest.mark.parametrize("text", MUST_NOT_FIRE)
def test_ordinary_phrases_do_not_fire(text: str) -> None:
    assert crisis.safety_net().level(text) is None, crisis.safety_net().match(text)


def test_every_crisis_example_in_the_training_data_fires() -> None:
    """The net must cover at least what we teach the classifier (recall first)."""
    from bot.nlu_data import NLU_DIR, examples_by_intent

    lines = examples_by_intent([NLU_DIR / "support.yml"])["crisis"]
    assert len(lines) > 50
    missed = [line for line in lines if crisis.safety_net().level(line) is None]
    assert len(missed) <= len(lines) * 0.2, missed


def test_patterns_file_is_validated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    bad = tmp_path / "bad.yml"
    bad.write_text("version: 1\nignore: []\n")
    with pytest.raises(jsonschema.ValidationError):
        crisis.load(bad)


def test_the_component_sets_the_rung_of_the_ladder() -> None:
    from bot.nlp.crisis_component import crisis_rung

    assert crisis_rung("ik wil dood", "greet") == ("crisis", "explicit")
    assert crisis_rung("ik zie het niet meer zitten", "mood_bad") == ("distress", "vague")
    # the classifier alone: a check-in, never the protocol ...
    assert crisis_rung("ik voel me zo rot dat ik niks meer wil", "crisis") == (
        "distress",
        "classifier",
    )
    # ... and an idiom it took for a crisis gets neither
    assert crisis_rung("ik schrok me dood", "crisis") == ("", "")
    assert crisis_rung("ik wil werk", "start_decision") is None
    # violence at home the classifier took for a crisis: the violence line and a coach ...
    assert crisis_rung("thuis is het niet veilig, mijn vader slaat mij", "crisis") == (
        "share_problem",
        "",
    )
    # ... but danger in so many words is the protocol
    assert crisis_rung("mijn vader slaat mij en ik ben in gevaar", "crisis") == (
        "crisis",
        "explicit",
    )
    assert crisis_rung("/affirm", "crisis") is None


def _form_tracker(text: str, intent: str, level: str | None):  # type: ignore[no-untyped-def]
    from rasa_sdk import Tracker

    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    if level:
        latest["crisis_level"] = level
    return Tracker(
        "unit",
        {"requested_slot": "exercise_answer"},
        latest,
        [],
        False,
        None,
        {"name": "exercise_form"},
        "action_listen",
    )


def test_a_typed_button_title_is_an_answer_unless_the_net_saw_a_crisis() -> None:
    from actions.forms import is_answer

    def button_title(text: str) -> bool:
        return text.lower() in {"kies zelf", "stoppen"}

    def answers(text: str, intent: str, level: str | None) -> bool:
        tracker = _form_tracker(text, intent, level)
        return is_answer(tracker, "exercise_form", "exercise_answer", button_title)

    # only the classifier took the button title for a crisis: the title wins
    assert answers("kies zelf", "distress", "classifier")
    # the net saw it, or it is no answer of this step: the ladder wins
    assert not answers("kies zelf", "crisis", "explicit")
    assert not answers("soms zie ik het nut er niet meer van in", "distress", "vague")
    assert not answers("ik voel me zo rot", "distress", "classifier")


def test_a_serious_problem_comes_before_an_answer_a_reason_does_not() -> None:
    from actions.forms import is_answer

    def understood(text: str) -> bool:  # the step takes both as its answer
        return True

    def answers(text: str) -> bool:
        tracker = _form_tracker(text, "share_problem", None)
        return is_answer(tracker, "exercise_form", "exercise_answer", understood)

    assert not answers("weet ik nie, ik heb vooral schulden")
    assert not answers("de tweede, we worden uit huis gezet")
    assert answers("de eerste want ik heb kinderen")
    assert answers("niet te lang staan want rugpijn")
    # where the step asks what comes first, sorting a problem out is the answer ...
    assert answers("eerst mijn schulden regelen want anders heeft werk geen zin")
    # ... a cry for help is not
    assert not answers("ik heb schulden en de deurwaarder komt steeds")


def test_control_words_and_start_interrupt_a_classifier_guess_does_not() -> None:
    from actions.forms import is_answer

    def free_text(text: str) -> bool:  # a step that takes any text understands nothing
        return False

    def answers(text: str, intent: str, guarded: bool = False) -> bool:
        tracker = _form_tracker(text, intent, None)
        if guarded:
            tracker.latest_message["intent_guard"] = {"classifier_intent": "inform"}
        return is_answer(tracker, "exercise_form", "exercise_answer", free_text)

    assert answers("mijn broer", "greet")  # the classifier's odd guess: still the answer
    assert answers("wat kan je", "ask_capabilities")
    assert not answers("help", "ask_capabilities", guarded=True)
    assert not answers("menu", "menu", guarded=True)
    assert not answers("stop", "pause", guarded=True)
    assert not answers("/greet", "greet")  # /start on Telegram


def test_a_benefit_sanction_inside_an_answer_is_heard_a_guess_without_a_problem_is_not() -> None:
    from actions.forms import is_answer

    def free_text(text: str) -> bool:
        return False

    def answers(text: str) -> bool:
        tracker = _form_tracker(text, "share_problem", None)
        return is_answer(tracker, "exercise_form", "exercise_answer", free_text)

    assert not answers("gemeente heeft mijn uitkering gekort, maatregel gekregen")
    assert answers("ik ga de VDAB bellen")


def test_a_wish_the_guard_heard_interrupts_even_a_step_that_takes_any_text() -> None:
    from actions.forms import is_answer

    def any_text(text: str) -> bool:  # a free-text step takes everything
        return True

    def answers(text: str, intent: str, guarded: bool, also: frozenset[str] = frozenset()) -> bool:
        tracker = _form_tracker(text, intent, None)
        if guarded:
            tracker.latest_message["intent_guard"] = {"classifier_intent": "inform"}
        return is_answer(tracker, "exercise_form", "exercise_answer", any_text, also)

    assert not answers("kan ik met me coach prate", "request_coach", guarded=True)
    assert not answers("ik heb een vraag over mijn uitkering?", "ask_rules", guarded=True)
    # where a coach is one of the choices, asking for one is the answer
    coach = frozenset({"request_coach"})
    assert answers("kan ik met me coach prate", "request_coach", guarded=True, also=coach)
    # the classifier's guess alone does not beat the step
    assert answers("mijn coach zei dat dit goed is", "request_coach", guarded=False)
