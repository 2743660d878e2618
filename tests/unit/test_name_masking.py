"""Third parties' names in free text become [naam]; ordinary Dutch and Flemish stays."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.config import CONTENT_DIR
from bot.text.masking import mask, mask_free_text
from bot.text.names import (
    NAME_TAG,
    NAMES_FILE,
    NamesFileError,
    load_name_lists,
    mask_names,
    name_lists,
)

MASKED = [
    # after a role word, in any case
    ("mijn zus Fatima", "mijn zus [naam]"),
    ("je zus Fatima", "je zus [naam]"),
    ("buurman Jan", "buurman [naam]"),
    ("mn vriendin samira", "mn vriendin [naam]"),
    ("m'n broer mehmet helpt", "m'n broer [naam] helpt"),
    ("mijn coach Peter", "mijn coach [naam]"),
    ("mijn coach peter", "mijn coach [naam]"),
    ("mijn begeleider Ahmed was ziek", "mijn begeleider [naam] was ziek"),
    ("mijn vriendin Roos", "mijn vriendin [naam]"),
    ("mijn oom Ben", "mijn oom [naam]"),
    ("mijn zus aynur", "mijn zus [naam]"),  # not in the list, and no Dutch word
    ("mijn zus fatima el amrani", "mijn zus [naam]"),
    ("MIJN ZUS FATIMA HELPT", "MIJN ZUS [naam] HELPT"),
    # after a title, with a surname's particles
    ("meneer De Vries", "meneer [naam]"),
    ("meneer de vries", "meneer [naam]"),
    ("mevrouw Yilmaz", "mevrouw [naam]"),
    ("mevrouw yilmaz belt terug", "mevrouw [naam] belt terug"),
    ("meneer van Dijk", "meneer [naam]"),
    ("dhr. Jansen belt me", "dhr. [naam] belt me"),
    # a listed first name anywhere, the start of a sentence too
    ("Marco van de bakkerij", "[naam] van de bakkerij"),
    ("Ik bel Marco van de bakkerij.", "Ik bel [naam] van de bakkerij."),
    ("bel Marco morgen", "bel [naam] morgen"),
    ("bel marco morgen", "bel [naam] morgen"),
    ("Fatima El Amrani helpt", "[naam] helpt"),
    ("samen met Olena en Tesfaye", "samen met [naam] en [naam]"),
    ("Jan-Willem helpt", "[naam] helpt"),
    # a capitalised unknown word inside a sentence
    ("ik ga met Aynur naar de les", "ik ga met [naam] naar de les"),
    ("met Roos", "met [naam]"),
    ("ik bel Marco. Daarna Jansen", "ik bel [naam]. Daarna [naam]"),
    # with identifiers: one pass for both
    ("mail Marco op marco.rossi@example.nl", "mail [naam] op [e-mail]"),
]

# Ordinary text: a false positive hides what a coach needs, so these must stay.
KEPT = [
    "ik wil morgen de klantmanager bellen",
    "bij de Action werken",
    "Ik ga naar het UWV",
    "met mijn moeder",
    "vrijwilligerswerk bij de voedselbank",
    "ik ga na de VDAB",
    "Ik moet na 't OCMW in Gent op maandag",
    "mijn zus helpt mij",
    "mijn broer wil ook mee",
    "mijn zus ff vragen",
    "mijn zus",
    "ik wil graag Werken als Heftruckchauffeur",
    "ik spreek Frans en Arabisch",
    "Jobat en Indeed bekijken",
    "bij Albert Heijn solliciteren",
    "via WhatsApp een bericht sturen aan de werkgever",
    "Ik Ga Morgen Naar Het Uwv",
    "ik ga met de trein naar Antwerpen",
    "een mevrouw van Randstad",
    "mevrouw van de gemeente",
    "een meneer van het UWV",
    "samen met mijn coach van de VDAB",
    "Morgen bellen met de Jobcoach van Werkmaatje",
    "de roos in de tuin",
    "elke dag solliciteren",
    "mijn zus elke dag",
    "ik ben moe",
    "ik wil werken",
    "een job in de bouw",
    "met de bakker praten",
    "bij mijn ouders woon ik",
    "mijn buurvrouw, bel 06",
    "in Noord-Brabant",
    "ik zoek werk, I speak English",
    "je doet het zelf",
    "iemand die je kent",
    "je coach",
    "een werkgever",
    "ik doe het met een Collega",
    "Mail [e-mail] over een proefplaats.",
    "Ik schrijf me in bij een uitzendbureau.",
    "Ik vraag mijn DigiD aan en log in met itsme.",
    "ik ga naar de Kringwinkel in Mechelen",
    "mijn man gaat mee",
    "ik ga samen met mijn coach naar het Werkplein",
    "Ik zoek vacatures op werk.nl en bel dan de werkgever.",
    "maandag 3 maart om 10 uur",
    "de gemeente (Bbz-loket)",
    "een WW- of WIA-uitkering van UWV",
    "Kijk op de website van NARIC-Vlaanderen",
    "Betalen met Bancontact of iDEAL",
    "Bellen met Zwanenbloem3f2a1b",  # a code, not a name
    "reden: coach_ill",
    "",
    "123",
    NAME_TAG,
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_names_are_masked(text: str, expected: str) -> None:
    assert mask_free_text(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_is_kept(text: str) -> None:
    assert mask_names(text) == text


@pytest.mark.parametrize("text", [expected for _, expected in MASKED] + KEPT)
def test_masking_twice_changes_nothing(text: str) -> None:
    assert mask_free_text(text) == text


def catalogue_texts(node: object, keys: tuple[str, ...]) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in keys and isinstance(v, str)]
        return found + [t for v in node.values() for t in catalogue_texts(v, keys)]
    if isinstance(node, list):
        return [t for v in node for t in catalogue_texts(v, keys)]
    return []


@pytest.mark.parametrize("region", ["nl_NL", "nl_BE"])
def test_the_catalogues_steps_and_helpers_are_stored_as_written(region: str) -> None:
    """Accepting the suggested first step stores the catalogue's own text: nothing to mask."""
    data = yaml.safe_load((CONTENT_DIR / "options" / f"{region}.yml").read_text(encoding="utf-8"))
    texts = catalogue_texts(data, ("first_step", "helper"))
    assert len(texts) >= 10
    assert [t for t in texts if mask_free_text(t) != t] == []


def test_the_journey_speaks_to_the_user_after_masking() -> None:
    """The flow turns "mijn" into "je"; the role survives the mask."""
    assert mask_free_text("je zus Fatima") == "je zus [naam]"
    assert mask_free_text("mijn zus Fatima").split(" ")[:2] == ["mijn", "zus"]


def test_conversation_masking_keeps_names() -> None:
    """mask() is for the transcript a coach reads: names stay there (docs/privacy.md)."""
    assert mask("mijn begeleider Ahmed, 0612345678") == "mijn begeleider Ahmed, [telefoon]"


def test_long_text_is_linear() -> None:
    text = "mijn zus Fatima en buurman Jan gaan mee naar de VDAB. " * 400
    assert mask_free_text(text).count(NAME_TAG) == 800


def test_the_names_file_is_valid_and_large_enough() -> None:
    lists = load_name_lists(NAMES_FILE)
    assert len(lists.names) >= 300
    assert {"fatima", "samira", "marco", "mehmet", "olena", "tesfaye", "piotr"} <= lists.names
    assert {"roos", "merel"} <= lists.also_words and {"wil", "ben"} <= lists.small_words
    assert name_lists() == lists


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("version: 1", "version: 2"),  # the schema
        ("  amber, bas,", "  Amber, bas,"),  # not lowercase
        ("  amber, bas,", "  amber, amber, bas,"),  # twice
        ("  amber, bas,", "  amber, fatima, bas,"),  # in two tiers
        ("  noord, zuid,", "  noord, zuid, marco,"),  # a name and a plain word
    ],
)
def test_a_broken_names_file_is_refused(tmp_path: Path, old: str, new: str) -> None:
    text = NAMES_FILE.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "names.yml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises((NamesFileError, jsonschema.ValidationError)):
        load_name_lists(broken)
