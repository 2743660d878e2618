"""The exercise screens and the progress card: drawn, legible, inside the frame, stable."""

from __future__ import annotations

import os
import sys
import types
from io import BytesIO

import pytest
from PIL import Image, ImageColor, ImageStat

from bot.exercises import images
from bot.exercises.card import Badge, Card, card_png, render_card
from bot.exercises.images import KINDS, WIDTH, build, png_bytes, render

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WORDLESS = "x" * 300

SPECS: dict[str, dict] = {
    "email": {
        "kind": "email",
        "alt": "Mail van Uw Bank",
        "from_name": "Uw Bank",
        "from_address": "service@uwbank-veilig.info",
        "to": "sam@voorbeeld.nl",
        "subject": "Uw rekening wordt geblokkeerd!",
        "body": ["Geachte klant,", "Log binnen 24 uur in, anders blokkeren wij uw rekening."],
        "button": "Log nu in",
        "link": "http://uwbank-veilig.info/inloggen",
        "attachment": "factuur.pdf",
    },
    "sms": {
        "kind": "sms",
        "alt": "Sms van Pakketdienst",
        "sender": "Pakketdienst",
        "time": "10:42",
        "messages": ["Uw pakket kon niet worden bezorgd.", "Betaal € 1,99 via:"],
        "link": "https://pakket-bezorging.top/betaal",
    },
    "chat": {
        "kind": "chat",
        "alt": "WhatsApp van een onbekend nummer",
        "app": "WhatsApp",
        "sender": "+44 7700 900123",
        "unknown": True,
        "time": "09:14",
        "messages": [
            {"text": "Hoi! Ik ben Lisa, recruiter."},
            {"text": "Wie ben je?", "mine": True},
            {"text": "Verdien € 300 per dag met filmpjes liken."},
        ],
        "link": "https://t.me/taak-team",
    },
    "browser": {
        "kind": "browser",
        "alt": "Webwinkel",
        "url": "https://schoenen.voorbeeld.nl/afrekenen",
        "title": "Afrekenen",
        "lines": ["Controleer je bestelling."],
        "price": "€ 24,95",
        "badges": ["iDEAL", "Bancontact", "Creditcard"],
        "fields": ["E-mailadres", "Wachtwoord"],
        "button": "Betalen",
    },
    "phone": {
        "kind": "phone",
        "alt": "Wifi-instellingen",
        "app": "Wifi",
        "items": [
            {"label": "Wifi", "toggle": True},
            {"label": "Thuis", "value": "Verbonden", "lock": True},
            {"label": "Gratis_WiFi"},
        ],
        "note": "Op een open netwerk kan iemand meekijken.",
        "button": "Ander netwerk",
    },
    "dialog": {
        "kind": "dialog",
        "alt": "Opslaan als",
        "title": "Opslaan als",
        "lines": ["Waar wil je je cv bewaren?"],
        "fields": [
            {"label": "Bestandsnaam", "value": "cv-sara.pdf"},
            {"label": "Type", "value": "PDF", "choices": ["PDF", "Word"]},
        ],
        "buttons": ["Opslaan", "Annuleren"],
    },
}


def _rgb(image: Image.Image, xy: tuple[int, int]) -> tuple[int, int, int]:
    return image.convert("RGB").getpixel(xy)


def _count_near(image: Image.Image, colour: str, tolerance: int = 12) -> int:
    """How many pixels are within ``tolerance`` (per channel) of ``colour``."""
    target = ImageColor.getrgb(colour)
    colours = image.convert("RGB").getcolors(maxcolors=image.width * image.height)
    return sum(
        count
        for count, rgb in colours
        if all(abs(a - b) <= tolerance for a, b in zip(rgb, target, strict=True))
    )


def _background_strip(image: Image.Image, box: tuple[int, int, int, int], colour: str) -> bool:
    """True when every pixel in ``box`` is exactly ``colour``."""
    strip = image.convert("RGB").crop(box)
    return strip.getcolors() == [(strip.width * strip.height, ImageColor.getrgb(colour))]


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return {kind: png_bytes(spec) for kind, spec in SPECS.items()}


def test_every_kind_has_a_sample():
    assert set(SPECS) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_renders_a_full_png(kind, rendered):
    data = rendered[kind]
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(BytesIO(data))
    assert image.width == WIDTH
    assert image.height > 300
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 20
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 50
    # The frame: light grey margin all round.
    assert _rgb(image, (2, 2)) == ImageColor.getrgb(images.BACKGROUND)
    assert _rgb(image, (WIDTH - 3, image.height - 3)) == ImageColor.getrgb(images.BACKGROUND)


@pytest.mark.parametrize("kind", ["email", "sms"])
def test_accent_colour_is_drawn_and_follows_the_spec(kind, rendered):
    default = Image.open(BytesIO(rendered[kind]))
    accent = images.DEFAULT_ACCENT[kind]
    assert _count_near(default, accent) > 5000

    other = render({**SPECS[kind], "accent": "#C0392B"})
    assert _count_near(other, "#C0392B") > 5000
    assert _count_near(other, accent) < 50


def test_long_text_grows_the_image_and_stays_inside_the_window(rendered):
    short = Image.open(BytesIO(rendered["email"]))
    spec = {
        **SPECS["email"],
        "subject": WORDLESS[:120],
        "body": ["Een gewone zin die een paar keer terugkomt. " * 6] * 5 + [WORDLESS],
        "link": "https://" + WORDLESS,
        "attachment": WORDLESS,
    }
    tall = render(spec)
    assert tall.height > short.height + 600
    # Nothing reaches the margin outside the window...
    assert _background_strip(tall, (WIDTH - 10, 0, WIDTH, tall.height), images.BACKGROUND)
    assert _background_strip(tall, (0, tall.height - 10, WIDTH, tall.height), images.BACKGROUND)
    # ...nor the window's own right padding: the long word was cut, not let run.
    right_pad = (
        WIDTH - images.FRAME - images.PAD + 4,
        110,
        WIDTH - images.FRAME - 6,
        tall.height - 40,
    )
    assert _background_strip(tall, right_pad, images.PAPER)


def test_long_sms_stays_on_the_phone_screen():
    spec = {**SPECS["sms"], "messages": [WORDLESS, WORDLESS], "link": "https://" + WORDLESS}
    image = render(spec)
    screen_right = images.SCREEN[1]
    assert _background_strip(
        image, (screen_right - 12, 200, screen_right - 4, image.height - 80), images.PAPER
    )


def test_secure_and_insecure_sites_look_different(rendered):
    secure = Image.open(BytesIO(rendered["browser"]))
    insecure = render({**SPECS["browser"], "secure": False})
    assert secure.tobytes() != insecure.tobytes()
    # The red "Niet veilig" warning is there only when the site is not secure.
    assert _count_near(insecure, images.DANGER) > 200
    assert _count_near(secure, images.DANGER) == 0


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ({k: v for k, v in SPECS["email"].items() if k != "subject"}, "'subject'"),
        ({k: v for k, v in SPECS["sms"].items() if k != "alt"}, "'alt'"),
        ({k: v for k, v in SPECS["phone"].items() if k != "items"}, "'items'"),
        ({**SPECS["email"], "kind": "fax"}, "'fax'"),
        ({"alt": "Geen soort"}, "'kind'"),
        ({**SPECS["email"], "buton": "Klik"}, "'buton'"),
        ({**SPECS["sms"], "messages": ["a", "b", "c", "d"]}, "'messages'"),
        ({**SPECS["browser"], "secure": "nee"}, "'secure'"),
        ({**SPECS["email"], "accent": "rood"}, "'accent'"),
        ({**SPECS["dialog"], "fields": [{"label": "Naam"}]}, "'fields'"),
    ],
)
def test_bad_specs_are_refused_by_name(spec, named):
    with pytest.raises(ValueError, match=named):
        render(spec)


def test_same_spec_same_bytes(rendered):
    assert png_bytes(SPECS["browser"]) == rendered["browser"]
    assert png_bytes(SPECS["browser"]) == png_bytes(SPECS["browser"])


def test_wrap_cuts_long_words_to_fit():
    fnt = images.font(24)
    lines = images.wrap("kort " + WORDLESS + " einde", fnt, 200)
    assert lines[0] == "kort"
    assert lines[-1].endswith(" einde")
    assert all(fnt.getlength(line) <= 200 for line in lines)
    assert "".join(lines).replace(" ", "") == "kort" + WORDLESS + "einde"


def _specs(*kinds: str) -> dict[str, dict]:
    return {f"{kind}_sample": SPECS[kind] for kind in kinds}


def test_build_writes_keeps_and_removes(tmp_path):
    out = tmp_path / "img"
    paths = build(_specs("email", "dialog", "phone"), out)
    assert sorted(p.name for p in paths) == [
        "dialog_sample.png",
        "email_sample.png",
        "phone_sample.png",
    ]
    assert all(p.read_bytes().startswith(PNG_SIGNATURE) for p in paths)

    # Unchanged specs are not rewritten: an old mtime survives a second build.
    for path in paths:
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    (out / "notes.txt").write_text("geen afbeelding")
    again = build(_specs("email", "dialog"), out)
    assert again == paths[:2]
    assert all(p.stat().st_mtime_ns == 1_000_000_000 for p in again)
    # The spec that left is removed; other files are left alone.
    assert not (out / "phone_sample.png").exists()
    assert (out / "notes.txt").exists()

    # A changed spec is rewritten.
    changed = {**_specs("email"), "dialog_sample": {**SPECS["dialog"], "title": "Anders"}}
    build(changed, out)
    assert (out / "dialog_sample.png").stat().st_mtime_ns != 1_000_000_000
    assert (out / "email_sample.png").stat().st_mtime_ns == 1_000_000_000


def test_build_refuses_a_bad_spec_before_writing(tmp_path):
    bad = {**_specs("email"), "broken": {"kind": "email", "alt": "x"}}
    with pytest.raises(ValueError, match="'broken'"):
        build(bad, tmp_path / "img")
    assert not (tmp_path / "img").exists()
    with pytest.raises(ValueError, match="image id"):
        build({"../weg": SPECS["email"]}, tmp_path / "img")


def test_main_builds_the_catalogue_images(tmp_path, monkeypatch, capsys):
    catalogue = types.ModuleType("bot.exercises.catalogue")
    catalogue.image_specs = lambda: _specs("dialog")
    monkeypatch.setitem(sys.modules, "bot.exercises.catalogue", catalogue)
    assert images.main([str(tmp_path)]) == 0
    assert (tmp_path / "dialog_sample.png").exists()
    assert capsys.readouterr().out.strip() == f"1 images in {tmp_path}"


# --- Progress card -----------------------------------------------------------------------


def _badge(code: str, earned: bool, done: int = 1) -> Badge:
    return Badge(code, "Veilig online", earned, 2 if earned else None, done if earned else 0, 3)


def _card(*badges: Badge) -> Card:
    return Card("Mijn digitale vaardigheden", "3 oefeningen gedaan", badges)


def test_earned_badges_are_coloured_and_others_grey():
    earned = render_card(_card(_badge("4.2", True)))
    not_earned = render_card(_card(_badge("4.2", False)))
    assert earned.size == not_earned.size
    assert earned.tobytes() != not_earned.tobytes()
    green = "#2E7D32"  # the safety area's colour
    assert _count_near(earned, green) > 1000
    assert _count_near(not_earned, green) == 0


def test_more_badges_make_a_taller_card_and_twelve_fit():
    one = render_card(_card(_badge("1.1", True)))
    three = render_card(_card(*(_badge(f"1.{i}", True) for i in range(1, 4))))
    twelve = render_card(
        _card(*(_badge(f"{i % 5 + 1}.{i % 6 + 1}", i % 2 == 0) for i in range(12)))
    )
    assert one.width == three.width == twelve.width == WIDTH
    assert one.height < three.height < twelve.height
    assert _background_strip(twelve, (WIDTH - 10, 0, WIDTH, twelve.height), images.BACKGROUND)
    assert _background_strip(
        twelve, (0, twelve.height - 10, WIDTH, twelve.height), images.BACKGROUND
    )
    with pytest.raises(ValueError, match="1 to 12"):
        render_card(_card(*(_badge("1.1", True) for _ in range(13))))
    with pytest.raises(ValueError, match="1 to 12"):
        render_card(_card())


def test_card_is_deterministic_and_uses_the_level_word():
    card = _card(_badge("2.1", True), _badge("3.1", False))
    data = card_png(card)
    assert data.startswith(PNG_SIGNATURE)
    assert card_png(card) == data
    other_word = Card(card.title, card.subtitle, card.badges, level_word="level")
    assert card_png(other_word) != data


def test_pillow_font_stands_in_when_dejavu_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "FONT_DIR", tmp_path)
    images.font.cache_clear()
    try:
        image = render(SPECS["dialog"])
    finally:
        images.font.cache_clear()
    assert image.width == WIDTH
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 20
