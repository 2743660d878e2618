"""The intent guard: control words first, erasure only when asked in so many words, a no
to a coach respected, a move heard.

The cases are typed the way people type: Flemish, chat spelling, typos, reasons.
"""

from __future__ import annotations

import pytest

from bot.control_words import control_intent
from bot.nlp.guard_component import guarded_intent
from bot.privacy.erasure_request import is_explicit_erasure_request

ASKS = [
    "verwijder mijn gegevens",
    "wis alles over mij",
    "Ja, wis alles",
    "ja wis maar",
    "vergeet mij",
    "delete my data",
    "mijn data weg aub",
    "haal alles weg",
    "smijt alles weg",
    "ge moogt alles van mij wegdoen",
    "'k wil da ge mijn data verwijdert",
    "niet bewaren aub, verwijderen",
    "ik wil niet dat jullie mijn gegevens bewaren, weg ermee",
    "gegevns wissen",
    "haal mij uit het systeem",
]
DOES_NOT_ASK = [
    "stop",
    "ja",
    "jaaa",
    "ok",
    "klaar",
    "stop met bewaren",
    "ik moet weg",
    "ik ben alles kwijt",
    "ik ben mijn telefoon kwijt",
    "nee niet wissen",
    "wis niks",
    "ik wil niet dat je mijn gegevens wist",
    "ik moet weg met de kinderen",
    "bewaar niks meer",
    "",
]


@pytest.mark.parametrize("text", ASKS)
def test_explicit_requests_ask(text: str) -> None:
    assert is_explicit_erasure_request(text)


@pytest.mark.parametrize("text", DOES_NOT_ASK)
def test_other_words_do_not_ask(text: str) -> None:
    assert not is_explicit_erasure_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "stop",
        "Stop!",
        "STOPPEN",
        "stopen",
        "ik wil stoppen",
        "ik wil ff stoppen aub",
        "stoppen 🛑",
        "laat maar",
        "laat maar zitten",
        "kap ermee",
        "ik stop ermee",
        "hou op",
        "genoeg voor vandaag",
        "annuleer",
    ],
)
def test_stop_words_pause(text: str) -> None:
    assert control_intent(text) == "pause"


@pytest.mark.parametrize(
    "text",
    [
        "stop met bewaren",
        "ik ben gestopt met school",
        "ik wil stoppen met roken en werk zoeken",
        "ik wil niet meer",  # can be distress: the crisis net and the classifier read it
        "ik heb er genoeg van",
        "nee stop",  # a no and a stop: the flow reads it
        "/stop",  # Telegram's command, mapped by the channel
        "ja",
    ],
)
def test_other_text_is_no_control_word(text: str) -> None:
    assert control_intent(text) is None


def test_a_control_word_wins_over_any_guess_but_not_over_a_crisis() -> None:
    assert guarded_intent("stop", "privacy_delete") == "pause"
    assert guarded_intent("stop", "goodbye") == "pause"
    assert guarded_intent("laat maar", "crisis") is None
    assert guarded_intent("stop", "request_coach") is None


def test_an_unclear_erase_becomes_what_we_keep_or_the_next_guess() -> None:
    assert guarded_intent("stop met bewaren", "privacy_delete") == "privacy_export"
    assert guarded_intent("bewaar niks meer van mij", "privacy_delete") == "privacy_export"
    assert guarded_intent("klaar hiermee", "privacy_delete") == ""
    assert guarded_intent("verwijder mijn gegevens", "privacy_delete") is None
    assert guarded_intent("/privacy_delete", "privacy_delete") is None
    assert guarded_intent("wat weten jullie van mij", "privacy_export") is None


@pytest.mark.parametrize(
    "text",
    [
        "ik wil geen coach",
        "nee geen coach aub",
        "ik hoef niet met een coach te praten",
        "liever niet met een mens",
        "geen coach nodig",
        "ik doe het zonder coach",
        "'k wil nie met ne coach praten",
    ],
)
def test_a_no_to_a_coach_is_no_coach_request(text: str) -> None:
    assert guarded_intent(text, "request_coach") == ""


@pytest.mark.parametrize(
    "text", ["ik wil een coach", "praat met coach", "ik heb nog geen coach, kan dat?", "mens aub"]
)
def test_a_coach_request_stays_one(text: str) -> None:
    assert guarded_intent(text, "request_coach") is None


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("ik ben verhuisd naar Antwerpen", "nl_BE"),
        ("ik woon nu in Gent", "nl_BE"),
        ("k woon sinds kort in leuven", "nl_BE"),
        ("Sinds vorige maand woon ik in Antwerpen", "nl_BE"),
        ("we zijn verhuisd naar Rotterdam", "nl_NL"),
    ],
)
def test_a_move_is_heard(text: str, region: str) -> None:
    from bot.regions import stated_region

    assert stated_region(text) == region
    assert guarded_intent(text, "inform") == "inform_region"
    # something weightier said in the same breath keeps its intent
    assert guarded_intent(text + " en ik heb schulden", "share_problem") is None


@pytest.mark.parametrize(
    "text",
    ["ik kom uit Gent", "mijn zus woont in Gent", "ik ben in Amsterdam geboren",
     "ik ga misschien verhuizen naar Gent", "ik woon in een klein huis", "ik wil naar Antwerpen"],
)  # fmt: skip
def test_no_move_no_region(text: str) -> None:
    from bot.regions import stated_region

    assert stated_region(text) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("menu", "menu"),
        ("terug naar het menu", "menu"),
        ("Menu!", "menu"),
        ("ik snap het niet", "not_understood"),
        ("k snap het nie", "not_understood"),
        ("huh?", "not_understood"),
        ("help", "ask_capabilities"),
        ("help!!", "ask_capabilities"),
        # the control word before its reason
        ("ik stop even want mijn kind huilt", "pause"),
        ("ik snap het niet, wat bedoel je met adres", "not_understood"),
    ],
)
def test_control_words_in_every_state(text: str, intent: str) -> None:
    assert control_intent(text) == intent
    assert guarded_intent(text, "inform") == intent


@pytest.mark.parametrize(
    "text",
    ["wat is het menu vandaag", "menukaart", "ik heb hulp nodig met mijn cv",
     "ik stop met school want ik wil werken"],
)  # fmt: skip
def test_words_around_a_control_word_make_it_a_sentence(text: str) -> None:
    assert control_intent(text) is None


@pytest.mark.parametrize(
    "text", ["'k weet het nie", "ik weet het niet", "weet ik veel", "geen idee"]
)
def test_not_knowing_never_asks_what_we_keep(text: str) -> None:
    assert guarded_intent(text, "privacy_export") == ""
    assert guarded_intent("wat weten jullie van mij", "privacy_export") is None


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("ik wil met een echt mens praten", "request_coach"),
        ("kan ik efkes met iemand echt babbelen ipv een bot", "bot_challenge"),
        ("ja hallo ik wil graag even iemand spreken van de gemeente, ik snap het niet", "hi"),
        ("ff met een mens praten pls", "chitchat"),
        ("mag ik met mijn bemiddelaar van de VDAB praten", "ask_rules"),
        ("kan ik mijn coach bellen?", "start_exercise"),
        ("Kan ik met iemand van de gemeente spreken?", "ask_rules"),
    ],
)
def test_a_wish_to_talk_with_a_person_is_a_coach_request(text: str, guess: str) -> None:
    assert guarded_intent(text, guess) == "request_coach"


@pytest.mark.parametrize(
    "text",
    [
        "ben je een mens",
        "praat ik met een mens?",
        "ik heb gisteren met mijn coach gesproken",
        "ik wil graag met mensen werken",
        "ik wil werken als medewerker klantenservice en mensen bellen",
        "ik wil niet met iemand praten",
        "ik ken iemand die kan bellen",
        "ik moet iemand bellen voor een sollicitatie",
        "ik zou mijn coach bellen als ik het niet weet",
        "ik kan met niemand praten",
        "B bellen",
    ],
)
def test_talk_of_people_without_that_wish_is_no_coach_request(text: str) -> None:
    assert guarded_intent(text, "inform") != "request_coach"


def test_a_crisis_about_talking_stays_a_crisis() -> None:
    assert guarded_intent("ik wil met iemand praten want ik wil dood", "crisis") is None


@pytest.mark.parametrize(
    "text",
    [
        "wanneer betaalt de RVA mijn uitkering deze maand",
        "wacht, ik heb een vraag over mijn uitkering. Stopt die als ik een cursus doe?",
        "mag ik bijverdienen naast de bijstand?",
    ],
)
def test_a_question_about_rules_is_no_problem_story(text: str) -> None:
    assert guarded_intent(text, "share_problem") == "ask_rules"


@pytest.mark.parametrize(
    "text", ["mijn uitkering is gekort", "ik heb schulden, wat moet ik doen?", "ik ben ziek"]
)
def test_a_problem_stays_a_problem(text: str) -> None:
    assert guarded_intent(text, "share_problem") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nog steeds super slecht eigenlijk", "mood_bad"),
        ("super rot", "mood_bad"),
        ("niet zo goed eigenlijk", "mood_bad"),
        ("gaat niet slecht", None),
        ("super goed", None),
    ],
)
def test_a_good_mood_with_a_bad_feeling_word_is_a_bad_mood(text: str, expected: str | None) -> None:
    assert guarded_intent(text, "mood_good") == expected


@pytest.mark.parametrize(
    "text",
    [
        "can I talk to a real person please",
        "I want to talk to someone",
        "kan ik met me coach prate",
    ],
)
def test_a_wish_for_a_person_in_english_or_with_typos(text: str) -> None:
    assert guarded_intent(text, "other_language") == "request_coach"


@pytest.mark.parametrize("text", ["are you a real person?", "is this a real person"])
def test_asking_what_the_bot_is_stays_a_question(text: str) -> None:
    assert guarded_intent(text, "bot_challenge") is None


@pytest.mark.parametrize("text", ["nee, ik heb nu gene goesting", "ik heb geen zin", "nu geen zin"])
def test_no_mood_for_it_now_pauses(text: str) -> None:
    assert control_intent(text) == "pause"


@pytest.mark.parametrize(
    "text",
    [
        "ik heb geen zin meer",  # maybe more than a pause: the nets and the model decide
        "ik heb geen zin in die cursus want die is ver weg",  # a reason: an answer
    ],
)
def test_no_mood_any_more_or_with_a_reason_is_no_pause(text: str) -> None:
    assert control_intent(text) is None


@pytest.mark.parametrize(
    "text", ["verder", "ga verder", "doorgaan", "ja ok laten we verder oefenen", "ok verder"]
)
def test_going_on_is_a_control_word(text: str) -> None:
    assert control_intent(text) == "resume"


@pytest.mark.parametrize(
    "text", ["kunnen we morgen verder gaan", "later verder gaan", "ga maar verder vanavond"]
)
def test_going_on_later_is_a_pause(text: str) -> None:
    assert control_intent(text) == "pause"


def test_a_rules_question_the_classifier_found_is_made_sure() -> None:
    text = "wacht, ik heb een vraag over mijn uitkering. Stopt die als ik een cursus doe?"
    assert guarded_intent(text, "ask_rules") == "ask_rules"


@pytest.mark.parametrize("text", ["wat betekent dat bewaren", "wat bedoel je?", "hoe bedoel je"])
def test_asking_what_it_means_is_not_understood(text: str) -> None:
    assert control_intent(text) == "not_understood"


def test_a_question_about_an_option_is_no_control_word() -> None:
    assert control_intent("wat is beschut werk precies?") is None


@pytest.mark.parametrize(
    ("text", "guessed", "confidence"),
    [
        ("ik heb een vraag over mijn uitkering. Stopt die bij een cursus?", "start_decision", 0.53),
        ("ik vraag me af of mijn bijstand stopt bij vrijwilligerswerk", "start_decision", 0.9),
        ("hoeveel keer moet ik solliciteren van de gemeente per maand", "ask_rules", 0.23),
    ],
)  # fmt: skip
def test_a_question_that_says_so_is_a_rules_question_whatever_was_guessed(
    text: str, guessed: str, confidence: float
) -> None:
    assert guarded_intent(text, guessed, confidence) == "ask_rules"


@pytest.mark.parametrize(
    ("text", "guessed"),
    [
        ("vrijwilligerswerk misschien?", "start_decision"),  # a goal, typed as a question
        ("hoe kom ik uit de bijstand, wat moet ik doen", "start_decision"),
        ("is de coach van feyenoord ontslagen", "out_of_scope"),
    ],
)
def test_other_questions_keep_their_intent(text: str, guessed: str) -> None:
    assert guarded_intent(text, guessed, 0.9) is None


def test_an_unsure_problem_with_a_problem_word_is_made_sure() -> None:
    assert guarded_intent("ik blow elke dag, kom er nie vanaf", "share_problem", 0.52) == (
        "share_problem"
    )
    # a problem word the classifier did not take for a problem is left to it
    assert guarded_intent("ik heb lekker geslapen", "mood_good", 0.3) is None


@pytest.mark.parametrize(
    ("text", "guess", "expected"),
    [
        # An unsure guess at a benefit question goes to the office that knows.
        (
            "hoeveel keer moet ik solliciteren van de gemeente per maand",
            "privacy_export",
            "ask_rules",
        ),
        # An unsure guess at an erasure said in so many words: erase (which still confirms).
        ("ja wis alles", "affirm", "privacy_delete"),
        # A crisis is never overridden.
        ("ja wis alles", "crisis", None),
        # A coach guess for a rules question that asks for no person: the office that knows;
        # a wish for a person said in words stays one.
        (
            "hoeveel keer moet ik solliciteren van de gemeente per maand",
            "request_coach",
            "ask_rules",
        ),
        ("kan ik met een coach praten over mijn uitkering?", "request_coach", "request_coach"),
    ],
)
def test_an_unsure_guess_gives_way_to_what_the_words_say(
    text: str, guess: str, expected: str | None
) -> None:
    assert guarded_intent(text, guess, confidence=0.22) == expected


@pytest.mark.parametrize("text", ["ja", "ja graag", "wis de voicemail", "ja klopt"])
def test_an_unsure_yes_never_becomes_an_erasure(text: str) -> None:
    assert guarded_intent(text, "affirm", confidence=0.3) != "privacy_delete"


def test_a_sure_guess_is_kept() -> None:
    assert guarded_intent("ja wis alles", "affirm", confidence=0.9) is None
