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
    "ik zie het echt niet meer zitten",
    "ik kan het niet meer aan",
    "ik wil gewoon slapen en niet meer wakker worden",
    "ik wil er een eind aan maken",
    # typos, youth chat, no accents, letter runs
    "ik wil zelfmoort plegen",
    "zelf moord",
    "ik wil doooood",
    "wil nie meer leven",
    "ik wil nie meer leve, ik wil niet meer leven echt",
    "ik wil dood gaan",
    "kzie het niet meer zitten, ik zie het niet meer zitten",
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
]


@pytest.mark.parametrize("text", MUST_FIRE)
def test_crisis_phrasings_fire(text: str) -> None:
    assert crisis.is_crisis(text), text


@pytest.mark.parametrize("text", MUST_NOT_FIRE)
def test_ordinary_phrases_do_not_fire(text: str) -> None:
    assert not crisis.is_crisis(text), crisis.safety_net().match(text)


def test_every_crisis_example_in_the_training_data_fires() -> None:
    """The net must cover at least what we teach the classifier (recall first)."""
    import yaml

    from bot.config import PROJECT_ROOT

    data = yaml.safe_load((PROJECT_ROOT / "data/nlu/support.yml").read_text())
    block = next(b for b in data["nlu"] if b.get("intent") == "crisis")
    lines = [line[2:] for line in block["examples"].splitlines() if line.strip()]
    missed = [line for line in lines if not crisis.is_crisis(line)]
    assert len(missed) <= len(lines) * 0.2, missed


def test_patterns_file_is_validated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    bad = tmp_path / "bad.yml"
    bad.write_text("version: 1\nignore: []\n")
    with pytest.raises(jsonschema.ValidationError):
        crisis.load(bad)
