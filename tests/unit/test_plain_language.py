"""Every text a job-seeker reads must be plain Dutch (B1): short sentences, common words.

Sources: every response variation in the domain, and every msgid in the gettext
catalogue (texts our code composes) plus the Flemish translations.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
MAX_WORDS_PER_SENTENCE = 15
MAX_AVERAGE_WORDS = 11
MAX_BUTTONS = 4

# Officialese and their plain alternatives (GUIDE §4 and the Direct Duidelijk list).
OFFICIALESE = {
    "indien": "als",
    "echter": "maar",
    "voltooid": "klaar",
    "re-integratietraject": "hulp naar werk",
    "middels": "met",
    "teneinde": "om",
    "alsmede": "en",
    "derhalve": "daarom",
    "dientengevolge": "daardoor",
    "reeds": "al",
    "omtrent": "over",
    "inzake": "over",
    "betreffende": "over",
    "conform": "volgens",
    "aldus": "zo",
    "hetgeen": "wat",
    "doch": "maar",
    "geachte": "beste",
    "verstrekken": "geven",
    "ontvangen": "krijgen",
    "verzoek": "vraag",
    "dienen": "moeten",
    "tevens": "ook",
    "thans": "nu",
    "woonachtig": "wonen",
    "aanvang": "begin",
    "trachten": "proberen",
    "wederom": "weer",
    "ingevolge": "door",
    "zulks": "dat",
    "benodigd": "nodig",
    "retourneren": "terugsturen",
    "uiteraard": "natuurlijk",
    "desalniettemin": "toch",
    "onverwijld": "meteen",
}

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
WORD = re.compile(r"[0-9A-Za-zÀ-ÿ'’-]+")
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def domain_texts() -> list[tuple[str, str, list]]:
    found = []
    for path in sorted((ROOT / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text()) or {}).get("responses") or {}
        for name, variations in responses.items():
            for variation in variations:
                found.append((name, variation.get("text", ""), variation.get("buttons") or []))
    return found


def catalogue_texts() -> list[tuple[str, str, list]]:
    found = []
    with (ROOT / "locales" / "messages.pot").open("rb") as handle:
        for message in read_po(handle):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            found += [(f"msgid:{i[:30]}", i, []) for i in ids if i]
    with (ROOT / "locales" / "nl_BE" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        for message in read_po(handle):
            if not message.id:
                continue  # the catalogue header
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            found += [(f"nl_BE:{s[:30]}", s, []) for s in strings if s]
    return found


def content_texts() -> list[tuple[str, str, list]]:
    """Texts kept as content that the job-seeker reads as they are: help and referrals."""
    found = []
    for name in ("problem_help", "referrals"):
        topics = yaml.safe_load((ROOT / f"data/content/{name}.yml").read_text())["topics"]
        found += [
            (f"{name}:{topic}:{region}", text, [])
            for topic, entry in topics.items()
            for region, text in entry["text"].items()
        ]
    return found


ALL_TEXTS = domain_texts() + catalogue_texts() + content_texts()


def sentences(text: str) -> list[list[str]]:
    text = PLACEHOLDER.sub("iets", text)
    return [WORD.findall(s) for s in SENTENCE_END.split(text.strip()) if WORD.findall(s)]


def test_sources_are_found() -> None:
    names = {name for name, _, _ in ALL_TEXTS}
    assert "utter_ask_consent" in names and "utter_crisis" in names
    assert any(name.startswith("msgid:") for name in names)
    assert len(ALL_TEXTS) > 50


def b1_problems(text: str, buttons: int = 0) -> list[str]:
    """What breaks the plain-Dutch rules in one message; shared by every B1 test."""
    parsed = sentences(text)
    if not parsed:
        return [f"empty text: {text!r}"]
    found = []
    lengths = [len(words) for words in parsed]
    if max(lengths) > MAX_WORDS_PER_SENTENCE:
        found.append(f"a sentence of {max(lengths)} words: {text!r}")
    average = sum(lengths) / len(lengths)
    if average > MAX_AVERAGE_WORDS:
        found.append(f"{average:.1f} words per sentence on average: {text!r}")
    if text.count("?") > 1:
        found.append(f"more than one question in one message: {text!r}")
    if buttons > MAX_BUTTONS:
        found.append(f"{buttons} buttons: {text!r}")
    words = {w.lower() for sentence in parsed for w in sentence}
    stiff = sorted(words & OFFICIALESE.keys())
    if stiff:
        found.append(f"use {[OFFICIALESE[w] for w in stiff]} instead of {stiff}: {text!r}")
    return found


@pytest.mark.parametrize("name,text,buttons", ALL_TEXTS, ids=[t[0] for t in ALL_TEXTS])
def test_plain_dutch(name: str, text: str, buttons: list) -> None:
    found = b1_problems(text, len(buttons))
    assert not found, f"{name}: " + "; ".join(found)


def test_checker_catches_bad_text() -> None:
    """The rules above must be able to fail."""
    assert b1_problems(" ".join(["woord"] * 16) + ".")
    assert b1_problems("Indien je wilt, bel.")
    assert b1_problems("Kom je? Of niet?")
    assert b1_problems("Kies.", buttons=5)
    assert b1_problems("")
    assert not b1_problems("Kies een knop.", buttons=4)


def test_every_key_response_has_a_simpler_variant() -> None:
    names = {name for name, _, _ in domain_texts()}
    key = [
        "utter_disclosure",
        "utter_capabilities",
        "utter_menu",
        "utter_ask_consent",
        "utter_ask_region",
        "utter_bot_challenge",
        "utter_coach_requested",
        "utter_coach_later",
        "utter_out_of_scope",
        "utter_ask_rephrase",
        "utter_share_problem",
        "utter_mood_bad",
        "utter_pause",
        "utter_ask_erasure",
        "utter_ask_change_consent",
    ]
    missing = [k for k in key if f"{k}_simple" not in names]
    assert not missing


def test_buttons_have_titles_and_payloads() -> None:
    for name, _, buttons in domain_texts():
        for button in buttons:
            assert button.get("title") and button.get("payload"), name
            assert len(button["title"]) <= 25, f"{name}: button title too long for a phone"
