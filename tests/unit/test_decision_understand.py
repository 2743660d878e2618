"""Free text in the decision conversation: keywords, choices, commands and yes/no."""

from __future__ import annotations

import pytest

from bot.decision.understand import (
    alone,
    command,
    corrected_choice,
    describes_step,
    match_choice,
    match_terms,
    names_helper,
    normalise,
    ordinal_choice,
    says_title,
    unsure,
    yes_no,
)

PREFERENCES = [
    ("money", ["geld", "salaris", "verdienen", "centen"]),
    ("fixed_hours", ["vaste uren", "vaste tijden", "rooster", "uren", "overdag"]),
    ("people", ["mensen", "met mensen", "collega's", "team"]),
    ("close_to_home", ["dichtbij", "dicht bij huis", "in de buurt", "geen auto"]),
    ("own_pace", ["eigen tempo", "rustig", "geen stress", "geen druk"]),
    ("hands", ["handen", "met mijn handen", "buiten", "bouw", "techniek"]),
    ("care", ["zorg", "verzorgende"]),
]
GOALS = [
    ("work", "Werk vinden", ["werk", "werken", "baan", "job", "solliciteren", "vacature"]),
    ("learn", "Iets leren", ["leren", "cursus", "opleiding", "diploma", "school"]),
    ("sort_out", "Eerst iets regelen", ["regelen", "schulden", "huur", "stress"]),
    ("explore", "Weet ik nog niet", ["weet ik niet", "geen idee", "twijfel", "misschien"]),
]
OPTIONS = [
    ("volunteer", "Vrijwilligerswerk doen", ["vrijwilliger", "vrijwilligerswerk"]),
    ("internship", "Een stage lopen", ["stage", "stageplek", "meelopen"]),
    ("course", "Een cursus volgen", ["cursus", "training"]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oké, ik wíl!", "oke ik wil"),
        ("  ik   wil\n\tff   terug ", "ik wil ff terug"),
        ("m'n collega's", "mn collegas"),
        ("Één café, 2 crème's", "een cafe 2 cremes"),
        ("WERK-ERVARING???", "werk ervaring"),
        ("👍", ""),
        ("", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("geld", ["money"]),
        ("ik wil geld verdienen en met mensen werken", ["money", "people"]),
        ("met mensen werken en geld", ["people", "money"]),  # order of the text
        ("geld geld en nog meer geld", ["money"]),  # each id once
        ("vaste uren", ["fixed_hours"]),
        ("geen vaste uren", []),
        ("ik wil geen vaste uren maar wel dichtbij", ["close_to_home"]),
        ("zonder rooster", []),
        ("niet in de zorg", []),
        ("ik wil niet met mensen werken", []),
        ("ik weet het niet, zorg misschien", ["care"]),  # a comma ends the negation
        ("niet in de bouw maar in de zorg", ["care"]),
        ("ik heb geen auto", ["close_to_home"]),  # the keyword itself says "geen"
        ("rustig aan, geen stress", ["own_pace"]),
        ("met mn handen werken buiten", ["hands"]),  # "mn" reads as "mijn"
        ("collegas", ["people"]),
        ("ik wil in de buurt werken", ["close_to_home"]),
        ("verzorgende", ["care"]),
        ("ik wil in een tem werken", []),  # "team" has four letters: no typo
        ("bouwvakker", []),  # "bouw" is short: no compound match
        ("dichtbijhuis", ["close_to_home"]),  # 5+ letters: compound start
        ("techniekles", ["hands"]),
        ("tecniek", ["hands"]),  # typo
        ("verdiene", ["money"]),
        ("ik wil gwoon rusitg", []),  # swapped letters in a 6-letter word are too far
        ("rustg", ["own_pace"]),
        ("", []),
        ("ik heb 2 kinderen en woon in gent", []),
    ],
)
def test_match_terms(text: str, expected: list[str]) -> None:
    assert match_terms(text, PREFERENCES) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vrijwilligerswerk", []),  # "werk" is short: never inside a compound
        ("werkervaring", []),
        ("werk", ["work"]),
        ("ik zoek werk", ["work"]),
        ("ff solliciteren", ["work"]),
        ("ik wil ff sollisiteren", ["work"]),  # typo
        ("ik heb schulden en wil een opleidng", ["sort_out", "learn"]),
        ("ik wil naar school", ["learn"]),
        ("ik twijfel nog", ["explore"]),
        ("geen werk maar een opleiding", ["learn"]),
        ("ik heb geen diploma", []),
    ],
)
def test_match_terms_goals(text: str, expected: list[str]) -> None:
    assert match_terms(text, [(i, k) for i, _, k in GOALS]) == expected


def test_match_terms_compounds_and_typos() -> None:
    terms = [("volunteer", ["vrijwilliger"]), ("work", ["werk"])]
    assert match_terms("vrijwilligerswerk", terms) == ["volunteer"]
    assert match_terms("vrijwiligerswerk", terms) == ["volunteer"]
    assert match_terms("vrijwilligerswerk en werk", terms) == ["volunteer", "work"]
    assert match_terms("zorgmedewerker", [("care", ["medewerker"])]) == ["care"]
    assert match_terms("vrijwiligerswerk", [("v", ["vrijwilligerswerk"])]) == ["v"]
    assert match_terms("vrywilliger", [("v", ["vrijwilliger"])]) == ["v"]  # y for ij
    assert match_terms("over 2 weken", [("work", ["werken"])]) == []  # a real word, no typo
    assert match_terms("ik wil wat lezen", [("learn", ["leren"])]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ordinals
        ("1", "work"),
        ("2", "learn"),
        ("de eerste", "work"),
        ("de 2e", "learn"),
        ("nummer 2", "learn"),
        ("nr 3", "sort_out"),
        ("optie 2", "learn"),
        ("optie twee", "learn"),
        ("de tweede", "learn"),
        ("doe maar de tweede", "learn"),
        ("ik kies nummer 3", "sort_out"),
        ("de derde optie graag", "sort_out"),
        ("de laatste", "explore"),
        ("die laatste", "explore"),
        ("laatste", "explore"),
        ("die laatste lijkt me leuk", "explore"),
        ("twee", "learn"),
        # titles, keywords, typos
        ("werk vinden", "work"),
        ("Werk vinden!", "work"),
        ("iets leren", "learn"),
        ("leren", "learn"),
        ("ik wil een opleiding doen", "learn"),
        ("ik wil een opleidng", "learn"),
        ("schulden", "sort_out"),
        ("ik weet het niet", "explore"),  # "weet": a title word only this choice has
        ("weet ik niet", "explore"),
        ("weet ik nog niet", "explore"),
        ("geen idee", "explore"),
        ("ik wil eerst iets regelen met mijn huur", "sort_out"),
        ("niet de school maar een baan", "work"),
        ("ik wil werk, geen school", "work"),
        ("ik wil solisiteren", "work"),
    ],
)
def test_match_choice_goals(text: str, expected: str | None) -> None:
    assert match_choice(text, GOALS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vrijwilligerswerk", "volunteer"),
        ("vrijwiligerswerk", "volunteer"),
        ("vrijwilliger worden", "volunteer"),
        ("stage", "internship"),
        ("een stage lopen", "internship"),
        ("die met de stage", "internship"),
        ("cursus", "course"),
        ("een cursus", "course"),
        ("cursus volgen", "course"),
        ("de laatste", "course"),
        ("4", None),  # there are three
        ("nummer 7", None),
        ("stage of cursus", None),  # two fit equally
        ("", None),
        ("ik heb 2 kinderen", None),
        ("de eerste keer dat ik werkte was het leuk", None),
        ("pizza", None),
        ("weet ik veel", None),
    ],
)
def test_match_choice_options(text: str, expected: str | None) -> None:
    assert match_choice(text, OPTIONS) == expected


def test_match_choice_numbers_are_not_squeezed() -> None:
    many = [(str(n), f"Keuze {n}", []) for n in range(1, 112)]
    assert match_choice("nummer 111", many) == "111"
    assert match_choice("nummer 11", many) == "11"


def test_match_choice_title_word_shared_is_not_distinctive() -> None:
    choices = [
        ("people", "Met mensen werken", []),
        ("hands", "Met je handen werken", []),
    ]
    assert match_choice("werken", choices) is None
    assert match_choice("mensen", choices) == "people"
    assert match_choice("handen", choices) == "hands"
    assert match_choice("met mensen werken", choices) == "people"
    assert match_choice("de eerste", []) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("terug", "back"),
        ("Terug!", "back"),
        ("ik wil ff terug", "back"),
        ("trug", "back"),
        ("ga terug", "back"),
        ("vorige", "back"),
        ("vorige stap", "back"),
        ("een stap terug", "back"),
        ("kan ik een stap terug aub", "back"),
        ("opnieuw", "restart"),
        ("begin opnieuw", "restart"),
        ("overnieuw", "restart"),
        ("opniew", "restart"),
        ("van voor af aan", "restart"),
        ("helemaal opnieuw", "restart"),
        ("start opnieuw", "restart"),
        ("ik wil helemaal opnieuw beginnen", "restart"),
        ("terug naar het begin", "restart"),  # longer phrase than "terug"
        ("andere opties", "other"),
        ("iets anders", "other"),
        ("ik wil iets anders", "other"),
        ("meer opties", "other"),
        ("andere", "other"),
        ("nog meer", "other"),
        ("laat andere zien", "other"),
        ("meer uitleg", "more"),
        ("nog meer uitleg", "more"),
        ("vertel meer", "more"),
        ("wat is dat?", "more"),
        ("uitleg", "more"),
        ("meer info pls", "more"),
        ("klaar", "done"),
        ("ik ben klaar", "done"),
        ("dat is alles", "done"),
        ("niks meer", "done"),
        ("verder", "done"),
        ("ga verder", "done"),
        ("dat was het", "done"),
        ("later", "later"),
        ("later kiezen", "later"),
        ("ik wil later beslissen", "later"),
        ("nog niet kiezen", "later"),
        ("eerst met coach", "coach"),
        ("eerst met mijn coach praten", "coach"),
        ("ik wil eerst met mn coach overleggen", "coach"),
        ("overleggen met coach", "coach"),
    ],
)
def test_command(text: str, expected: str) -> None:
    assert command(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "weet ik nog niet",  # an answer, not "later"
        "ik weet het nog niet",
        "ik ga terug naar school",
        "ik wil terug naar mijn oude werk",
        "ik bel later de gemeente over mijn uitkering",
        "ik ben klaar met school en zoek nu een baan in de buurt",
        "ik wil verder studeren",
        "meer",
        "ja",
        "werk",
        "dat is leuk",
        "ik heb vandaag een gesprek met mijn coach gehad over een stage in de zorg",
        "opnieuw " * 50,
    ],
)
def test_no_command(text: str) -> None:
    assert command(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ja", True),
        ("Ja!", True),
        ("jaaa", True),
        ("jawel", True),
        ("jazeker", True),
        ("klopt", True),
        ("dat klopt", True),
        ("ja dat klopt hoor", True),
        ("goed zo", True),
        ("prima", True),
        ("oké", True),
        ("ok", True),
        ("okay", True),
        ("👍", True),
        ("ja 👍", True),
        ("yes", True),
        ("ja hoor", True),
        ("nee", False),
        ("Nee.", False),
        ("neen", False),
        ("klopt niet", False),
        ("niet goed", False),
        ("nope", False),
        ("nee hoor", False),
        ("dat klopt niet", False),
        ("ja dat klopt niet", False),
        ("👎", False),
        ("misschien", None),
        ("ja maar ik weet het niet", None),
        ("weet ik veel", None),
        ("morgen", None),
        ("", None),
        ("🙈", None),
        ("ja " * 20, None),
    ],
)
def test_yes_no(text: str, expected: bool | None) -> None:
    assert yes_no(text) is expected


@pytest.mark.parametrize(
    "junk",
    ["a" * 100_000, "terug " * 20_000, b"\x00".decode(), "\ud800", "<b>ja</b>" * 5000, "🙂" * 999],
)
def test_junk_never_raises(junk: str) -> None:
    match_terms(junk, PREFERENCES)
    match_choice(junk, GOALS)
    command(junk)
    yes_no(junk)
    normalise(junk)
    unsure(junk)
    corrected_choice(junk, OPTIONS)
    describes_step(junk)
    names_helper(junk)
    says_title(junk, "Ik doe het zelf")


# --------------------------------------------------------------------------- as people type


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("werrk vinde", ["work"]),  # a letter typed twice, a letter left off
        ("wwerk", ["work"]),
        ("ik wil beter nederlands leer", ["learn"]),  # the stem A2 Dutch uses for the verb
        ("nederlands leert", ["learn"]),
        ("ne job vinden", ["work"]),  # Flemish "ne" is "een"
        ("ik wil leer", []),  # a stem alone is too loose: "woon" is no "wonen"
        ("wek", []),  # a letter left off a short word is another word
    ],
)
def test_typos_and_verb_stems(text: str, expected: list[str]) -> None:
    terms = [(g, kws) for g, _, kws in GOALS]
    terms[1] = ("learn", [*terms[1][1], "nederlands leren"])
    assert match_terms(text, terms) == expected


def test_flemish_geen_and_den() -> None:
    assert match_terms("dichtbij huis want ik heb gene auto", PREFERENCES) == ["close_to_home"]
    assert match_terms("ik wil gene vaste uren", PREFERENCES) == []
    assert match_choice("den eerste", OPTIONS) == "volunteer"


@pytest.mark.parametrize(
    "text",
    ["weet ik niet", "'k weet het nie", "da maakt mij nie uit", "geen idee hoor",
     "weet ik nog niet", "maakt me niks uit", "Geen flauw idee!", "ik twijfel"],
)  # fmt: skip
def test_unsure(text: str) -> None:
    assert unsure(text)


@pytest.mark.parametrize(
    "text",
    ["ik weet niet hoe ik moet solliciteren", "ik heb schulden", "stop", "ik wil dood", "nee",
     "wat maakt het uit?", "geld"],
)  # fmt: skip
def test_not_unsure(text: str) -> None:
    assert not unsure(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nee toch de eerste", "volunteer"),
        ("de tweede, nee toch de eerste", "volunteer"),
        ("wacht nee, doe maar de eerste want dan hou ik mijn uitkering", "volunteer"),
        ("liever de cursus", "course"),
        ("oeps ik bedoel nummer 3", "course"),
        ("de eerste", None),  # no change of mind: the ordinary choice reads it
        ("nee", None),
        ("nee ik ga zelf bellen", None),
        ("nee toch niet", None),
    ],
)
def test_corrected_choice(text: str, expected: str | None) -> None:
    assert corrected_choice(text, OPTIONS) == expected


def test_ordinal_choice() -> None:
    assert ordinal_choice("den eerste", 3) == 0
    assert ordinal_choice("nummer 2 👍", 3) == 1
    assert ordinal_choice("ik ga de eerste dag bellen", 3) is None


@pytest.mark.parametrize(
    ("text", "plan"),
    [
        ("nee ik ga zelf eerst bellen met het uitzendbureau bij mij in de straat", True),
        ("mijn cv maken", True),
        ("een mail sturen naar de vdab", True),
        ("ik bel morgen de gemeente", True),
        ("ik ga niet bellen", False),
        ("ik heb schulden", False),
        ("kan ik bellen?", False),  # a question, not a plan
    ],
)
def test_describes_step(text: str, plan: bool) -> None:
    assert describes_step(text) is plan


@pytest.mark.parametrize(
    ("text", "helper", "nobody"),
    [
        ("mijn buurman helpt", True, False),
        ("mn zus", True, False),
        ("ik doe da zelf", True, True),
        ("niemand", True, True),
        ("mijn zus en ik zelf", True, False),
        ("ik heb schulden", False, False),
        ("wie kan mij helpen?", False, False),
    ],
)
def test_names_helper(text: str, helper: bool, nobody: bool) -> None:
    assert names_helper(text) is helper
    assert alone(text) is nobody


@pytest.mark.parametrize(
    ("text", "same"),
    [
        ("ik doe da zelf", True),  # Flemish "da" for "het"
        ("IK DOE HET ZELF!", True),
        ("ik doe het niet zelf", False),
        ("ik doe dat nooit", False),
        ("ik zelf", False),
    ],
)
def test_says_title(text: str, same: bool) -> None:
    assert says_title(text, "Ik doe het zelf") is same
