"""Telegram's limits and our command rules, without Rasa or a network."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.channels.telegram_render import (
    MAX_CALLBACK_BYTES,
    MAX_CAPTION,
    MAX_TEXT,
    Inbound,
    callback_text,
    fit_callback_data,
    is_non_text,
    keyboard,
    map_text,
    parse_start_param,
    plan,
    split_text,
    utf16_len,
)
from bot.telegram_ids import chat_id_of

ROOT = Path(__file__).resolve().parents[2]


def words(text: str) -> list[str]:
    return text.split()


# --- splitting ------------------------------------------------------------------------


def test_short_text_is_one_message_and_empty_text_none() -> None:
    assert split_text("Hoi!") == ["Hoi!"]
    assert split_text("") == []
    assert split_text("  \n ") == []


def test_long_text_splits_on_paragraphs_first() -> None:
    paragraphs = [f"Alinea {i}. " + "woord " * 300 for i in range(6)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(utf16_len(p) <= MAX_TEXT for p in pieces)
    # Every piece starts at a paragraph start: no paragraph was cut in two.
    assert all(p.startswith("Alinea") for p in pieces)
    assert words(" ".join(pieces)) == words(text)


def test_without_paragraphs_splits_on_lines_then_sentences_then_words() -> None:
    lines = "\n".join(f"Regel {i} met wat tekst erin." for i in range(400))
    pieces = split_text(lines)
    assert all(utf16_len(p) <= MAX_TEXT for p in pieces)
    assert all(p.startswith("Regel") and p.endswith(".") for p in pieces)

    sentences = " ".join(f"Zin {i} is kort." for i in range(800))
    pieces = split_text(sentences)
    assert len(pieces) > 1 and all(p.endswith(".") for p in pieces)
    assert words(" ".join(pieces)) == words(sentences)

    no_sentences = "woord " * 2000
    pieces = split_text(no_sentences)
    assert all(set(words(p)) == {"woord"} for p in pieces)
    assert sum(len(words(p)) for p in pieces) == 2000


def test_one_endless_word_is_cut_hard() -> None:
    pieces = split_text("x" * 10_000)
    assert [len(p) for p in pieces] == [4096, 4096, 1808]


def test_emoji_count_double_like_telegram() -> None:
    text = "😀" * 3000  # 6000 UTF-16 units
    pieces = split_text(text)
    assert all(utf16_len(p) <= MAX_TEXT for p in pieces)
    assert "".join(pieces) == text


@pytest.mark.parametrize("limit", [10, 50, MAX_CAPTION])
def test_split_respects_any_limit(limit: int) -> None:
    text = "Dit is een zin. " * 200 + "\n\nEn nog een alinea met woorden."
    pieces = split_text(text, limit)
    assert all(0 < utf16_len(p) <= limit for p in pieces)
    assert words(" ".join(pieces)) == words(text)


# --- planning one Rasa response ---------------------------------------------------------

BUTTONS = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]


def test_plan_puts_buttons_on_the_last_piece_only() -> None:
    parts = plan({"text": "a " * 5000, "buttons": BUTTONS}, empty_text="Kies.")
    assert len(parts) == 3
    assert [bool(p.buttons) for p in parts] == [False, False, True]


def test_plan_image_with_text_is_one_photo_with_caption() -> None:
    parts = plan({"image": "https://x.test/a.png", "text": "Kijk maar."}, empty_text="")
    assert len(parts) == 1
    assert (parts[0].photo, parts[0].text) == ("https://x.test/a.png", "Kijk maar.")


def test_plan_long_caption_goes_on_in_a_message_with_the_buttons() -> None:
    text = "Een zin met woorden. " * 100  # about 2100 characters
    parts = plan({"image": "https://x.test/a.png", "text": text, "buttons": BUTTONS}, "")
    assert parts[0].photo and utf16_len(parts[0].text) <= MAX_CAPTION
    assert parts[1].photo is None and parts[1].buttons == BUTTONS
    assert words(parts[0].text + " " + parts[1].text) == words(text)


def test_plan_custom_text_and_buttons_without_text() -> None:
    assert [p.text for p in plan({"custom": {"text": "Hallo"}}, "")] == ["Hallo"]
    assert plan({"custom": {"kind": "chart"}}, "") == []
    only_buttons = plan({"buttons": BUTTONS}, empty_text="Kies een knop.")
    assert [(p.text, p.buttons) for p in only_buttons] == [("Kies een knop.", BUTTONS)]
    quick = plan({"text": "Ok?", "quick_replies": BUTTONS}, "")
    assert quick[0].buttons == BUTTONS


# --- keyboards and the 64-byte callback limit -------------------------------------------


def test_keyboard_has_one_button_per_row_with_payload_as_callback_data() -> None:
    markup = keyboard([*BUTTONS, {"title": "Lees meer", "url": "https://werk.test"}])
    assert markup is not None
    rows = markup.to_dict()["inline_keyboard"]
    assert rows == [
        [{"text": "Ja", "callback_data": "/affirm"}],
        [{"text": "Nee", "callback_data": "/deny"}],
        [{"text": "Lees meer", "url": "https://werk.test"}],
    ]
    assert keyboard([]) is None and keyboard(None) is None


def test_callback_data_never_exceeds_64_bytes() -> None:
    long_payload = '/inform{"topic": "' + "é" * 60 + '"}'
    assert len(long_payload.encode()) > MAX_CALLBACK_BYTES
    # Too long: the title goes instead, so a tap still reads as the words on the button.
    assert fit_callback_data(long_payload, "Kies dit") == "Kies dit"
    cut = fit_callback_data(long_payload, "ë" * 50)  # 100 bytes: cut on a character
    assert cut is not None and len(cut.encode()) <= MAX_CALLBACK_BYTES and set(cut) == {"ë"}
    assert fit_callback_data("x" * 65, "") is None
    markup = keyboard([{"title": "Kies dit", "payload": long_payload}])
    assert markup is not None
    assert markup.to_dict()["inline_keyboard"][0][0]["callback_data"] == "Kies dit"


def _domain_payloads() -> list[str]:
    found = []
    for path in sorted((ROOT / "domain").glob("*.yml")):
        domain = yaml.safe_load(path.read_text()) or {}
        for variations in (domain.get("responses") or {}).values():
            for variation in variations:
                found += [b.get("payload", "") for b in variation.get("buttons") or []]
    return found


def _intents() -> list[str]:
    intents: list[str] = []
    for path in sorted((ROOT / "domain").glob("*.yml")):
        intents += (yaml.safe_load(path.read_text()) or {}).get("intents") or []
    return [i if isinstance(i, str) else next(iter(i)) for i in intents]


def test_every_domain_button_payload_fits_in_callback_data() -> None:
    payloads = _domain_payloads()
    assert len(payloads) > 10, "the domain should have buttons"
    too_long = [p for p in payloads if len(p.encode()) > MAX_CALLBACK_BYTES]
    assert not too_long, f"button payloads over {MAX_CALLBACK_BYTES} bytes: {too_long}"
    # actions/fallback.py offers "/<intent>" buttons ("Bedoel je ...?").
    assert all(len(f"/{intent}".encode()) <= MAX_CALLBACK_BYTES for intent in _intents())


# --- commands, deep links and what users may not inject --------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("/start", Inbound("/greet")),
        ("/start be", Inbound("/greet", {"region": "nl_BE"})),
        ("/start vlaanderen", Inbound("/greet", {"region": "nl_BE"})),
        ("/start VL", Inbound("/greet", {"region": "nl_BE"})),
        ("/start nl_BE", Inbound("/greet", {"region": "nl_BE"})),
        ("/start nl", Inbound("/greet", {"region": "nl_NL"})),
        ("/start Nederland", Inbound("/greet", {"region": "nl_NL"})),
        ("/start nl_NL", Inbound("/greet", {"region": "nl_NL"})),
        ("/start Kc7-x_9", Inbound("/greet", {"invite": "Kc7-x_9"})),
        ("/start <script>", Inbound("/greet")),
        ("/start " + "a" * 65, Inbound("/greet")),
        ("/help", Inbound("/ask_capabilities")),
        ("/help@WerkmaatjeBot", Inbound("/ask_capabilities")),
        ("/start@WerkmaatjeBot be", Inbound("/greet", {"region": "nl_BE"})),
        ("/coach", Inbound("/request_coach")),
        ("/privacy", Inbound("/privacy_export")),
        ("/stop", Inbound("/pause")),
        ("/HELP", Inbound("/ask_capabilities")),
        ("hoi", Inbound("hoi")),
        ("  ik wil werken  ", Inbound("ik wil werken")),
    ],
)
def test_commands_and_deep_links(text: str, expected: Inbound) -> None:
    assert map_text(text) == expected


def test_start_param_is_region_or_invite_or_nothing() -> None:
    assert parse_start_param("Vlaanderen") == {"region": "nl_BE"}
    assert parse_start_param("NEDERLAND") == {"region": "nl_NL"}
    assert parse_start_param("coach-anna_42") == {"invite": "coach-anna_42"}
    assert parse_start_param("") == {}
    assert parse_start_param("twee woorden") == {}
    assert parse_start_param("é") == {}


@pytest.mark.parametrize(
    "text,expected",
    [
        ('/inform{"region": "nl_BE"}', 'inform{"region": "nl_BE"}'),
        ("/affirm", "affirm"),
        ("//crisis", "crisis"),
        ("/", ""),
        ("/restart", "restart"),
    ],
)
def test_typed_slashes_never_become_intents(text: str, expected: str) -> None:
    inbound = map_text(text)
    assert inbound == Inbound(expected)
    assert not inbound.text.startswith("/")


def test_callback_payload_passes_only_when_it_is_on_the_tapped_keyboard() -> None:
    message = {
        "message_id": 5,
        "reply_markup": {"inline_keyboard": [[{"text": "Ja", "callback_data": "/affirm"}]]},
    }
    assert callback_text("/affirm", message) == "/affirm"
    # A modified client can send any data: an intent not on the keyboard is plain text.
    assert callback_text("/crisis", message) == "crisis"
    assert callback_text("/affirm", None) == "affirm"
    assert callback_text("Kies dit", message) == "Kies dit"


def test_chat_id_of_each_update_type() -> None:
    chat = {"id": 42, "type": "private"}
    assert chat_id_of({"message": {"chat": chat}}) == 42
    assert chat_id_of({"edited_message": {"chat": chat}}) == 42
    assert chat_id_of({"my_chat_member": {"chat": chat}}) == 42
    assert chat_id_of({"callback_query": {"message": {"chat": chat}, "from": {"id": 7}}}) == 42
    assert chat_id_of({"callback_query": {"from": {"id": 7}}}) == 7
    assert chat_id_of({"poll": {}}) is None
    assert chat_id_of({"message": {"chat": {"id": "42"}}}) is None


def test_non_text_messages_are_recognised() -> None:
    assert is_non_text({"sticker": {}})
    assert is_non_text({"voice": {}})
    assert is_non_text({"photo": [], "caption": "kijk"})
    assert not is_non_text({"text": "hoi"})
