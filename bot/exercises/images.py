"""Mock-up screens for the digital-skills exercises, drawn from a spec in the catalogue.

An exercise asks a job-seeker to look at a screen and spot what matters: a strange sender
address, a link that is not the bank's, a shop without a padlock, a Wi-Fi network without a
lock. Screenshots of real mails and sites would carry real brands, real people's data and
go stale; these screens are drawn from a few plain fields instead, so a coach changes a
word in YAML and rebuilds. They are flat, high-contrast and in large type because they are
read on a phone, and they look like *a* mail client or *a* browser, never like a real brand.

The same spec always gives the same PNG bytes, so a build only rewrites images whose spec
changed. A spec's ``alt`` text is what the chat sends for screen readers; it is not drawn.
The small drawing kit (fonts, wrapping, boxes, chips) is shared with the progress card.

Build every image of the catalogue with ``python -m bot.exercises.images OUT_DIR``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from PIL import Image, ImageColor, ImageDraw, ImageFont

KINDS = ("email", "sms", "chat", "browser", "phone", "dialog")
WIDTH = 800

# Drawn at twice the size and scaled down, so circles and diagonals come out smooth.
SCALE = 2
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# Type sizes (px): large enough to read when the image is shrunk to a phone's width.
BODY = 24
SMALL = 22
HEADING = 30
BIG = 44

# Geometry (px).
FRAME = 24  # light grey margin around the window or phone
PAD = 28  # white space inside a window
GAP = 16  # between blocks of content
RADIUS = 16
WINDOW = (FRAME, WIDTH - FRAME)
PHONE = (140, WIDTH - 140)  # the phone's body; its screen sits BEZEL inside
BEZEL = 14
SCREEN = (PHONE[0] + BEZEL, PHONE[1] - BEZEL)
SCREEN_PAD = 22

# Colours; every text colour reads at 4.5:1 or better on white.
BACKGROUND = "#E6E8EB"
PAPER = "#FFFFFF"
INK = "#1F2328"
MUTED = "#5A6573"
BORDER = "#C3C9D1"
RULE = "#DDE1E6"
SOFT = "#EEF0F3"
INPUT = "#7D8793"
LINK = "#1A56DB"
DANGER = "#C62828"
DEVICE = "#24282D"
TAB_STRIP = "#DCE0E5"
SWITCH_OFF = "#AEB6C0"

DEFAULT_ACCENT = {
    "email": "#1F5FAD",
    "sms": "#2E7D32",
    "chat": "#075E54",
    "browser": "#6A3FB5",
    "phone": "#00796B",
    "dialog": "#2B5797",
}
STATUS_TIME = "12:30"
# A field whose label says it holds a secret shows dots, never text.
SECRET_LABEL = re.compile(r"wachtwoord|password|\bpin", re.IGNORECASE)
IMAGE_ID = re.compile(r"[A-Za-z0-9_-]+")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Point = tuple[float, float]
Box = tuple[float, float, float, float]
Align = Literal["left", "center", "right"]
Icon = Callable[["Sheet", float, float, str], None]  # sheet, left x, middle y, colour


# --- Drawing kit ---------------------------------------------------------------------------


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> Font:
    """DejaVu Sans where installed, else Pillow's own FreeType font (no bold)."""
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.is_file():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def wrap(text: str, fnt: Font, width: float) -> list[str]:
    """The lines of ``text`` that each fit in ``width``; a word too long for a line is cut.

    A newline in ``text`` starts a new line; an empty paragraph gives one empty line.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            joined = f"{line} {word}" if line else word
            if fnt.getlength(joined) <= width:
                line = joined
                continue
            if line:
                lines.append(line)
            *whole, line = _cut(word, fnt, width)
            lines.extend(whole)
        lines.append(line)
    return lines


def _cut(word: str, fnt: Font, width: float) -> list[str]:
    """``word`` in pieces that fit ``width``, cut after a URL separator when one is near."""
    pieces: list[str] = []
    while fnt.getlength(word) > width and len(word) > 1:
        cut = 1
        while cut < len(word) and fnt.getlength(word[: cut + 1]) <= width:
            cut += 1
        soft = max(word.rfind(sep, 0, cut) for sep in "/.-_?&=@") + 1
        if soft > cut // 2:
            cut = soft
        pieces.append(word[:cut])
        word = word[cut:]
    pieces.append(word)
    return pieces


def _px(value: float) -> int:
    return round(value * SCALE)


def _points(points: Sequence[Point]) -> list[tuple[int, int]]:
    return [(_px(x), _px(y)) for x, y in points]


@dataclass(frozen=True)
class Style:
    """How a text looks: size, weight, colour, underline."""

    size: int = BODY
    bold: bool = False
    fill: str = INK
    underline: bool = False

    @property
    def font(self) -> Font:
        """The font at drawing scale; measurements are divided back by SCALE."""
        return font(_px(self.size), self.bold)

    @property
    def leading(self) -> int:
        return round(self.size * 1.4)

    def width(self, text: str) -> float:
        return self.font.getlength(text) / SCALE

    def wrap(self, text: str, width: float) -> list[str]:
        return wrap(text, self.font, width * SCALE)

    def shorten(self, text: str, width: float) -> str:
        """``text`` on one line, cut with an ellipsis when it does not fit."""
        if self.width(text) <= width:
            return text
        while text and self.width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"


TEXT = Style()
LINK_TEXT = Style(fill=LINK, underline=True)
NOT_SECURE = Style(SMALL, bold=True, fill=DANGER)
NOT_SECURE_TEXT = "Niet veilig"


class Sheet:
    """Drawing steps recorded top to bottom and painted once the height is known.

    A frame (window, phone) is as tall as its content, so it is recorded after the content
    with ``z=0`` and painted first; steps with the same ``z`` keep their order.
    """

    def __init__(self) -> None:
        self._steps: list[tuple[int, str, tuple[Any, ...], dict[str, Any]]] = []

    def _add(self, z: int, method: str, *args: Any, **kwargs: Any) -> None:
        self._steps.append((z, method, args, kwargs))

    def box(
        self,
        xy: Box,
        *,
        fill: str | None = None,
        outline: str | None = None,
        border: float = 2,
        radius: float = 0,
        top_only: bool = False,
        z: int = 1,
    ) -> None:
        x0, y0, x1, y1 = xy
        radius = min(radius, (x1 - x0) / 2, (y1 - y0) / 2)
        self._add(
            z,
            "rounded_rectangle",
            [(_px(x0), _px(y0)), (_px(x1), _px(y1))],
            radius=_px(radius),
            fill=fill,
            outline=outline,
            width=_px(border) if outline else 0,
            corners=(True, True, False, False) if top_only else None,
        )

    def circle(
        self,
        centre: Point,
        radius: float,
        *,
        fill: str | None = None,
        outline: str | None = None,
        border: float = 2,
    ) -> None:
        x, y = centre
        box = _points([(x - radius, y - radius), (x + radius, y + radius)])
        self._add(1, "ellipse", box, fill=fill, outline=outline, width=_px(border))

    def pieslice(self, xy: Box, start: float, end: float, *, fill: str) -> None:
        x0, y0, x1, y1 = xy
        self._add(1, "pieslice", _points([(x0, y0), (x1, y1)]), start, end, fill=fill)

    def line(self, points: Sequence[Point], *, fill: str, width: float = 2) -> None:
        self._add(1, "line", _points(points), fill=fill, width=_px(width), joint="curve")

    def polygon(self, points: Sequence[Point], *, fill: str) -> None:
        self._add(1, "polygon", _points(points), fill=fill)

    def text(self, xy: Point, text: str, style: Style, anchor: str = "lm") -> None:
        x, y = xy
        self._add(
            1, "text", (_px(x), _px(y)), text, font=style.font, fill=style.fill, anchor=anchor
        )

    def image(self, height: float) -> Image.Image:
        height = round(height)
        canvas = Image.new("RGB", (_px(WIDTH), _px(height)), BACKGROUND)
        draw = ImageDraw.Draw(canvas)
        for _z, method, args, kwargs in sorted(self._steps, key=lambda step: step[0]):
            getattr(draw, method)(*args, **kwargs)
        return canvas.resize((WIDTH, height), Image.Resampling.LANCZOS)


def text_block(
    sheet: Sheet,
    xy: Point,
    lines: Sequence[str],
    style: Style,
    *,
    align: Align = "left",
    width: float = 0,
) -> float:
    """Draws ``lines`` from ``xy`` down, within ``width`` when not left-aligned.

    Returns the y under the last line.
    """
    x, y = xy
    for line in lines:
        size = style.width(line)
        start = {"left": x, "center": x + (width - size) / 2, "right": x + width - size}[align]
        middle = y + style.leading / 2
        sheet.text((start, middle), line, style)
        if style.underline and line:
            under = middle + style.size * 0.5
            sheet.line([(start, under), (start + size, under)], fill=style.fill)
        y += style.leading
    return y


def paragraph(
    sheet: Sheet, xy: Point, width: float, text: str, style: Style, align: Align = "left"
) -> float:
    """Wraps ``text`` to ``width`` and draws it; returns the y under it."""
    return text_block(sheet, xy, style.wrap(text, width), style, align=align, width=width)


def on_colour(fill: str) -> str:
    """White or ink, whichever contrasts more with ``fill`` (WCAG relative luminance)."""

    def luminance(colour: str) -> float:
        channels = [c / 255 for c in ImageColor.getrgb(colour)[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light = luminance(fill) + 0.05
    return PAPER if 1.05 / light >= light / (luminance(INK) + 0.05) else INK


@dataclass(frozen=True)
class Chip:
    """A label in a coloured box (a button, a badge), measured before it is placed."""

    lines: tuple[str, ...]
    style: Style
    width: float
    height: float
    fill: str
    outline: str | None = None
    pad: tuple[float, float] = (28, 14)
    radius: float = 10

    @classmethod
    def fit(
        cls,
        text: str,
        style: Style,
        max_width: float,
        *,
        fill: str,
        outline: str | None = None,
        pad: tuple[float, float] = (28, 14),
        radius: float = 10,
        full: bool = False,
    ) -> Chip:
        lines = tuple(style.wrap(text, max_width - 2 * pad[0]))
        width = max_width if full else max(style.width(line) for line in lines) + 2 * pad[0]
        height = len(lines) * style.leading + 2 * pad[1]
        return cls(lines, style, width, height, fill, outline, pad, radius)

    def draw(self, sheet: Sheet, xy: Point) -> None:
        x, y = xy
        sheet.box(
            (x, y, x + self.width, y + self.height),
            fill=self.fill,
            outline=self.outline,
            radius=self.radius,
        )
        text_block(
            sheet, (x, y + self.pad[1]), self.lines, self.style, align="center", width=self.width
        )


def button(text: str, accent: str, max_width: float, *, full: bool = False) -> Chip:
    """The highlighted action: bold text on the accent colour."""
    style = Style(BODY, bold=True, fill=on_colour(accent))
    return Chip.fit(text, style, max_width, fill=accent, full=full)


@dataclass
class Column:
    """A cursor going down a strip of a sheet between ``left`` and ``right``."""

    sheet: Sheet
    left: float
    right: float
    y: float
    gap: float = GAP
    _blocks: int = field(default=0, init=False)

    @property
    def width(self) -> float:
        return self.right - self.left

    def top(self, gap: float | None = None) -> float:
        """Where the next block starts: one gap under the previous block, if any."""
        if self._blocks:
            self.y += self.gap if gap is None else gap
        self._blocks += 1
        return self.y

    def paragraph(self, text: str, style: Style = TEXT, align: Align = "left") -> None:
        self.y = paragraph(self.sheet, (self.left, self.top()), self.width, text, style, align)

    def rule(self) -> None:
        y = self.top()
        self.sheet.line([(self.left, y), (self.right, y)], fill=RULE)

    def chips(self, chips: Sequence[Chip], align: Align = "left", gap: float = 12) -> None:
        """Places ``chips`` side by side, starting a new row when one does not fit."""
        rows: list[list[Chip]] = [[]]
        for chip in chips:
            row = rows[-1]
            if row and sum(c.width + gap for c in row) + chip.width > self.width:
                rows.append(row := [])
            row.append(chip)
        for row in rows:
            y = self.top(gap)
            used = sum(c.width for c in row) + gap * (len(row) - 1)
            x = self.right - used if align == "right" else self.left
            for chip in row:
                chip.draw(self.sheet, (x, y))
                x += chip.width + gap
            self.y = y + max(c.height for c in row)


# --- Icons: each fits a box about ``size`` high, drawn from its left edge and middle -------


def envelope(sheet: Sheet, x: float, y: float, colour: str) -> None:
    sheet.box((x, y - 11, x + 32, y + 11), outline=colour, border=2.5, radius=3)
    sheet.line([(x + 2, y - 9), (x + 16, y + 2), (x + 30, y - 9)], fill=colour, width=2.5)


def padlock(sheet: Sheet, x: float, y: float, colour: str, size: float = 26) -> None:
    width = size * 0.78
    sheet.box(
        (x + width * 0.2, y - size / 2, x + width * 0.8, y + size * 0.2),
        outline=colour,
        border=size * 0.11,
        radius=size * 0.22,
    )
    sheet.box((x, y - size * 0.06, x + width, y + size / 2), fill=colour, radius=size * 0.1)


def warning(sheet: Sheet, x: float, y: float, colour: str, size: float = 26) -> None:
    middle = x + size / 2
    sheet.polygon(
        [(middle, y - size / 2), (x + size, y + size * 0.42), (x, y + size * 0.42)], fill=colour
    )
    sheet.line([(middle, y - size * 0.16), (middle, y + size * 0.14)], fill=PAPER, width=3)
    sheet.circle((middle, y + size * 0.28), size * 0.06, fill=PAPER)


def paperclip(sheet: Sheet, x: float, y: float, colour: str) -> None:
    sheet.box((x, y - 17, x + 16, y + 17), outline=colour, border=2.5, radius=8)
    sheet.box((x + 4.5, y - 10, x + 11.5, y + 12), outline=colour, border=2.5, radius=3.5)
    sheet.box((x + 9, y - 19, x + 17, y - 4), fill=SOFT)


def check(sheet: Sheet, centre: Point, radius: float, colour: str) -> None:
    x, y = centre
    r = radius
    points = [
        (x - 0.45 * r, y + 0.02 * r),
        (x - 0.12 * r, y + 0.35 * r),
        (x + 0.48 * r, y - 0.3 * r),
    ]
    sheet.line(points, fill=colour, width=r * 0.2)


def chevron_left(sheet: Sheet, x: float, y: float, colour: str) -> None:
    sheet.line([(x + 11, y - 12), (x, y), (x + 11, y + 12)], fill=colour, width=3)


def cross(sheet: Sheet, x: float, y: float, colour: str) -> None:
    sheet.line([(x, y - 9), (x + 18, y + 9)], fill=colour, width=2.5)
    sheet.line([(x, y + 9), (x + 18, y - 9)], fill=colour, width=2.5)


def menu(sheet: Sheet, x: float, y: float, colour: str) -> None:
    for dy in (-9, 0, 9):
        sheet.line([(x, y + dy), (x + 28, y + dy)], fill=colour, width=3)


def person(sheet: Sheet, centre: Point, radius: float, colour: str, background: str) -> None:
    x, y = centre
    r = radius
    sheet.circle(centre, r, fill=background)
    sheet.circle((x, y - 0.25 * r), 0.3 * r, fill=colour)
    sheet.pieslice((x - 0.55 * r, y + 0.15 * r, x + 0.55 * r, y + 1.25 * r), 180, 360, fill=colour)


def switch(sheet: Sheet, x: float, y: float, on: bool, accent: str) -> None:
    sheet.box((x, y - 17, x + 60, y + 17), fill=accent if on else SWITCH_OFF, radius=17)
    sheet.circle((x + 43 if on else x + 17, y), 13, fill=PAPER)


# --- Frames ----------------------------------------------------------------------------


def _title_bar(
    sheet: Sheet, text: str, fill: str, *, icon: Icon | None = None, close: bool = False
) -> float:
    """The coloured bar across the top of a window; returns its bottom."""
    style = Style(HEADING, bold=True, fill=on_colour(fill))
    left = WINDOW[0] + PAD + (46 if icon else 0)
    right = WINDOW[1] - PAD - (38 if close else 0)
    lines = style.wrap(text, right - left)
    bottom = FRAME + len(lines) * style.leading + 2 * 16
    sheet.box((WINDOW[0], FRAME, WINDOW[1], bottom), fill=fill, radius=RADIUS, top_only=True)
    text_block(sheet, (left, FRAME + 16), lines, style)
    middle = FRAME + 16 + style.leading / 2
    if icon:
        icon(sheet, WINDOW[0] + PAD, middle, style.fill)
    if close:
        cross(sheet, WINDOW[1] - PAD - 18, middle, style.fill)
    return bottom


def _window_column(sheet: Sheet, top: float) -> Column:
    return Column(sheet, WINDOW[0] + PAD, WINDOW[1] - PAD, top + PAD)


def _close_window(col: Column) -> float:
    """Draws the window under its content; returns the image height."""
    box = (WINDOW[0], FRAME, WINDOW[1], col.y + PAD)
    col.sheet.box(box, fill=PAPER, radius=RADIUS, z=0)
    col.sheet.box(box, outline=BORDER, radius=RADIUS, z=2)
    return col.y + PAD + FRAME


def _phone_column(sheet: Sheet) -> Column:
    """The phone's status bar; returns a column spanning its screen, under the bar."""
    top = FRAME + BEZEL
    middle = top + 24
    sheet.text((SCREEN[0] + SCREEN_PAD, middle), STATUS_TIME, Style(SMALL, bold=True))
    right = SCREEN[1] - SCREEN_PAD
    for i, height in enumerate((6, 10, 14, 18)):
        x = right - 78 + i * 8
        sheet.box((x, middle + 9 - height, x + 5, middle + 9), fill=INK, radius=1)
    sheet.box((right - 36, middle - 9, right - 4, middle + 9), outline=INK, radius=4)
    sheet.box((right - 32, middle - 5, right - 12, middle + 5), fill=INK, radius=1)
    sheet.box((right - 3, middle - 4, right, middle + 4), fill=INK, radius=1)
    return Column(sheet, SCREEN[0], SCREEN[1], top + 48, gap=0)


def _inset(col: Column, top: float) -> Column:
    """A column for a phone screen's content, with side margins, from ``top`` down."""
    return Column(col.sheet, SCREEN[0] + SCREEN_PAD, SCREEN[1] - SCREEN_PAD, top)


def _app_bar(col: Column, text: str, accent: str, *, avatar: bool = False) -> float:
    """The coloured bar of an app screen, with a back arrow; returns its bottom."""
    style = Style(HEADING, bold=True, fill=on_colour(accent))
    left = SCREEN[0] + SCREEN_PAD + 32 + (56 if avatar else 0)
    lines = style.wrap(text, SCREEN[1] - SCREEN_PAD - left)
    top = col.top()
    bottom = top + max(len(lines) * style.leading, 48) + 2 * 14
    col.sheet.box((SCREEN[0], top, SCREEN[1], bottom), fill=accent)
    middle = (top + bottom) / 2
    text_block(col.sheet, (left, middle - len(lines) * style.leading / 2), lines, style)
    chevron_left(col.sheet, SCREEN[0] + SCREEN_PAD, middle, style.fill)
    if avatar:
        person(col.sheet, (left - 34, middle), 22, accent, style.fill)
    col.y = bottom
    return bottom


def _close_phone(col: Column) -> float:
    """Draws the phone around its screen; returns the image height."""
    bottom = col.y + PAD + 24
    middle = (SCREEN[0] + SCREEN[1]) / 2
    col.sheet.box((middle - 70, bottom - 16, middle + 70, bottom - 10), fill=INK, radius=3)
    sheet = col.sheet
    sheet.box((PHONE[0], FRAME, PHONE[1], bottom + BEZEL), fill=DEVICE, radius=48, z=0)
    sheet.box((SCREEN[0], FRAME + BEZEL, SCREEN[1], bottom), fill=PAPER, radius=36, z=0)
    return bottom + BEZEL + FRAME


# --- Shared parts ------------------------------------------------------------------------


def _input_box(
    col: Column, lines: Sequence[str], *, left: float | None = None, secret: bool = False
) -> float:
    """An input box holding ``lines`` (or dots when ``secret``); returns its bottom."""
    left = col.left if left is None else left
    top = col.y
    inner = max(len(lines), 1) * TEXT.leading
    bottom = top + inner + 2 * 12
    col.sheet.box((left, top, col.right, bottom), fill=PAPER, outline=INPUT, radius=8)
    if secret:
        for i in range(8):
            col.sheet.circle((left + 26 + i * 22, (top + bottom) / 2), 6, fill=INK)
    text_block(col.sheet, (left + 16, top + 12), lines, TEXT)
    col.y = bottom
    return bottom


def _dropdown_arrow(col: Column, top: float, bottom: float) -> None:
    x = col.right - 48
    col.sheet.line([(x, top + 8), (x, bottom - 8)], fill=RULE)
    middle = (top + bottom) / 2
    col.sheet.polygon([(x + 14, middle - 5), (x + 34, middle - 5), (x + 24, middle + 7)], fill=INK)


def _labelled_rows(col: Column, rows: Sequence[tuple[str, str, Style]]) -> None:
    """Label and value side by side, labels in one column (as in a mail's header)."""
    label_style = Style(BODY, bold=True, fill=MUTED)
    label_width = min(max(label_style.width(label) for label, _, _ in rows), col.width * 0.4)
    x = col.left + label_width + 14
    for label, value, style in rows:
        top = col.top(8)
        below_label = paragraph(col.sheet, (col.left, top), label_width, label, label_style)
        below_value = paragraph(col.sheet, (x, top), col.right - x, value, style)
        col.y = max(below_label, below_value)


# --- Kinds -------------------------------------------------------------------------------


def _email(sheet: Sheet, spec: dict[str, Any], accent: str) -> float:
    col = _window_column(sheet, _title_bar(sheet, "Postvak IN", accent, icon=envelope))
    sender = f"{spec['from_name']} <{spec['from_address']}>"
    rows = [("Van:", sender, TEXT)]
    if "to" in spec:
        rows.append(("Aan:", spec["to"], TEXT))
    rows.append(("Onderwerp:", spec["subject"], Style(BODY, bold=True)))
    _labelled_rows(col, rows)
    col.rule()
    for text in spec["body"]:
        col.paragraph(text)
    if "button" in spec:
        col.chips([button(spec["button"], accent, col.width)])
    if "link" in spec:
        col.paragraph(spec["link"], LINK_TEXT)
    if "attachment" in spec:
        _attachment(col, spec["attachment"])
    return _close_window(col)


def _attachment(col: Column, name: str) -> None:
    """The attached file: a paperclip and its name in a grey box."""
    lines = TEXT.wrap(name, col.width - 56 - 20)
    top = col.top()
    right = col.left + 56 + max(TEXT.width(line) for line in lines) + 20
    bottom = top + len(lines) * TEXT.leading + 2 * 12
    col.sheet.box((col.left, top, right, bottom), fill=SOFT, outline=BORDER, radius=10)
    paperclip(col.sheet, col.left + 22, (top + bottom) / 2, MUTED)
    text_block(col.sheet, (col.left + 56, top + 12), lines, TEXT)
    col.y = bottom


def _sms(sheet: Sheet, spec: dict[str, Any], accent: str) -> float:
    screen = _phone_column(sheet)
    col = _inset(screen, _app_bar(screen, spec["sender"], accent, avatar=True) + 24)
    if "time" in spec:
        col.paragraph(spec["time"], Style(SMALL, fill=MUTED), align="center")
    messages = spec["messages"]
    for i, message in enumerate(messages):
        link = spec.get("link") if i == len(messages) - 1 else None
        _bubble(col, message, link)
    col.top(32)
    col.sheet.box((col.left, col.y, col.right - 60, col.y + 48), outline=BORDER, radius=24)
    col.sheet.text((col.left + 20, col.y + 24), "Bericht", Style(SMALL, fill=MUTED))
    middle = (col.right - 24, col.y + 24)
    col.sheet.circle(middle, 24, fill=accent)
    x, y = middle
    col.sheet.polygon([(x - 8, y - 11), (x + 12, y), (x - 8, y + 11)], fill=on_colour(accent))
    col.y += 48
    return _close_phone(col)


def _bubble(
    col: Column, text: str, link: str | None, *, mine: bool = False, fill: str = SOFT
) -> None:
    """A message bubble: incoming on the left (grey), ``mine`` on the right; a link under
    the text."""
    inner = col.width * 0.82 - 2 * 18
    blocks = [(TEXT.wrap(text, inner), TEXT)]
    if link:
        blocks.append((LINK_TEXT.wrap(link, inner), LINK_TEXT))
    width = max(style.width(line) for lines, style in blocks for line in lines) + 2 * 18
    height = sum(len(lines) for lines, _ in blocks) * TEXT.leading + 2 * 12
    top = col.top(12)
    left = col.right - width if mine else col.left
    col.sheet.box((left, top, left + width, top + height), fill=fill, radius=20)
    y = top + 12
    for lines, style in blocks:
        y = text_block(col.sheet, (left + 18, y), lines, style)
    col.y = top + height


# The pale green of one's own messages in a chat app; ink reads on it at far over 4.5:1.
MINE = "#DCF8C6"


def _chat(sheet: Sheet, spec: dict[str, Any], accent: str) -> float:
    """A chat app (WhatsApp, Telegram): who writes, whether they are in your contacts, and
    the conversation both ways. Scams there start with a stranger who seems friendly."""
    screen = _phone_column(sheet)
    bar = _app_bar(screen, spec["sender"], accent, avatar=True)
    col = _inset(screen, bar + 16)
    col.paragraph(spec["app"], Style(SMALL, bold=True, fill=MUTED), align="center")
    if spec.get("unknown"):
        top = col.top(12)
        lines = Style(SMALL, bold=True, fill=DANGER).wrap(UNKNOWN_CONTACT, col.width - 2 * 16)
        bottom = top + len(lines) * Style(SMALL).leading + 2 * 10
        col.sheet.box((col.left, top, col.right, bottom), fill="#FDECEA", radius=10)
        text_block(
            col.sheet,
            (col.left + 16, top + 10),
            lines,
            Style(SMALL, bold=True, fill=DANGER),
            align="center",
            width=col.width - 2 * 16,
        )
        col.y = bottom
    if "time" in spec:
        col.paragraph(spec["time"], Style(SMALL, fill=MUTED), align="center")
    messages = spec["messages"]
    for i, message in enumerate(messages):
        link = spec.get("link") if i == len(messages) - 1 else None
        mine = bool(message.get("mine"))
        _bubble(col, message["text"], link, mine=mine, fill=MINE if mine else SOFT)
    col.top(24)
    return _close_phone(col)


UNKNOWN_CONTACT = "Dit nummer staat niet in je contacten"


def _browser(sheet: Sheet, spec: dict[str, Any], accent: str) -> float:
    bottom = _tab_strip(sheet, spec["title"])
    bottom = _address_bar(sheet, bottom, spec["url"], spec.get("secure", True))
    band = (WINDOW[0], bottom, WINDOW[1], bottom + 56)
    sheet.box(band, fill=accent)
    menu(sheet, WINDOW[1] - PAD - 28, bottom + 28, on_colour(accent))
    col = _window_column(sheet, band[3])
    col.paragraph(spec["title"], Style(HEADING, bold=True))
    for text in spec.get("lines", []):
        col.paragraph(text)
    if "price" in spec:
        col.paragraph(spec["price"], Style(BIG, bold=True))
    if badges := spec.get("badges"):
        small = Style(SMALL, bold=True)
        col.chips(
            [
                Chip.fit(b, small, col.width, fill=SOFT, outline=BORDER, pad=(16, 6), radius=20)
                for b in badges
            ]
        )
    for label in spec.get("fields", []):
        col.paragraph(label, Style(BODY, bold=True))
        col.top(8)
        _input_box(col, [], secret=bool(SECRET_LABEL.search(label)))
    if "button" in spec:
        col.chips([button(spec["button"], accent, col.width)])
    return _close_window(col)


def _tab_strip(sheet: Sheet, title: str) -> float:
    """The browser's tab strip with one open tab; returns its bottom."""
    bottom = FRAME + 60
    sheet.box((WINDOW[0], FRAME, WINDOW[1], bottom), fill=TAB_STRIP, radius=RADIUS, top_only=True)
    tab = (WINDOW[0] + 16, FRAME + 12, WINDOW[0] + 400, bottom)
    sheet.box(tab, fill=PAPER, radius=12, top_only=True)
    style = Style(SMALL)
    sheet.text((tab[0] + 18, FRAME + 36), style.shorten(title, tab[2] - tab[0] - 36), style)
    plus = (tab[2] + 24, FRAME + 36)
    sheet.line([(plus[0], plus[1] - 9), (plus[0], plus[1] + 9)], fill=MUTED)
    sheet.line([(plus[0] - 9, plus[1]), (plus[0] + 9, plus[1])], fill=MUTED)
    return bottom


def _address_bar(sheet: Sheet, top: float, url: str, secure: bool) -> float:
    """The toolbar: back/forward arrows and the address bar; returns its bottom."""
    left, right = WINDOW[0] + 104, WINDOW[1] - 20
    state = 34 if secure else 34 + NOT_SECURE.width(NOT_SECURE_TEXT) + 28
    lines = TEXT.wrap(url, right - left - 2 * 18 - state)
    height = len(lines) * TEXT.leading + 2 * 12
    bar = (left, top + 12, right, top + 12 + height)
    sheet.box(bar, fill=SOFT, radius=min(height / 2, 26))
    text_block(sheet, (left + 18 + state, bar[1] + 12), lines, TEXT)
    middle = bar[1] + 12 + TEXT.leading / 2
    _site_state(sheet, left + 18, middle, secure)
    _nav_arrows(sheet, middle)
    bottom = bar[3] + 12
    sheet.line([(WINDOW[0], bottom), (WINDOW[1], bottom)], fill=BORDER)
    return bottom


def _site_state(sheet: Sheet, x: float, middle: float, secure: bool) -> None:
    """A padlock, or a warning with "Niet veilig" and a divider before the address."""
    if secure:
        padlock(sheet, x, middle, INK, 24)
        return
    warning(sheet, x, middle, DANGER)
    sheet.text((x + 34, middle), NOT_SECURE_TEXT, NOT_SECURE)
    divider = x + 34 + NOT_SECURE.width(NOT_SECURE_TEXT) + 14
    sheet.line([(divider, middle - 14), (divider, middle + 14)], fill=BORDER)


def _nav_arrows(sheet: Sheet, middle: float) -> None:
    """Back (usable) and forward (greyed out), as in every browser."""
    for tail, tip, colour in ((48, 24, INK), (62, 86, SWITCH_OFF)):
        head = 9 if tip > tail else -9
        x, end = WINDOW[0] + tail, WINDOW[0] + tip
        sheet.line([(x, middle), (end, middle)], fill=colour, width=3)
        arrow_head = [(end - head, middle - 9), (end, middle), (end - head, middle + 9)]
        sheet.line(arrow_head, fill=colour, width=3)


def _phone_app(sheet: Sheet, spec: dict[str, Any], accent: str) -> float:
    screen = _phone_column(sheet)
    col = _inset(screen, _app_bar(screen, spec["app"], accent) + 8)
    for item in spec["items"]:
        _list_row(col, item, accent)
    if "note" in spec:
        col.top(20)
        col.paragraph(spec["note"], Style(BODY, fill=MUTED))
    if "button" in spec:
        col.top(12)
        col.chips([button(spec["button"], accent, col.width, full=True)])
    return _close_phone(col)


def _list_row(col: Column, item: dict[str, Any], accent: str) -> None:
    """One settings row: label on the left; value, padlock and switch on the right."""
    value_style = Style(BODY, fill=MUTED)
    value_lines = value_style.wrap(item["value"], col.width * 0.4) if "value" in item else []
    value_width = max((value_style.width(line) for line in value_lines), default=0)
    widgets = [
        (value_width, bool(value_lines)),
        (20, bool(item.get("lock"))),
        (60, "toggle" in item),
    ]
    right_width = sum(width + 14 for width, shown in widgets if shown)
    label_lines = TEXT.wrap(item["label"], col.width - right_width - 4)
    inner = max(len(label_lines) * TEXT.leading, len(value_lines) * value_style.leading, 36)
    top = col.top(0)
    middle = top + 18 + inner / 2
    text_block(
        col.sheet, (col.left, middle - len(label_lines) * TEXT.leading / 2), label_lines, TEXT
    )
    x = col.right
    if "toggle" in item:
        x -= 60
        switch(col.sheet, x, middle, bool(item["toggle"]), accent)
        x -= 14
    if item.get("lock"):
        x -= 20
        padlock(col.sheet, x, middle, MUTED, 24)
        x -= 14
    if value_lines:
        y = middle - len(value_lines) * value_style.leading / 2
        text_block(
            col.sheet,
            (x - value_width, y),
            value_lines,
            value_style,
            align="right",
            width=value_width,
        )
    col.y = top + inner + 36
    col.sheet.line([(col.left, col.y), (col.right, col.y)], fill=RULE)


def _dialog(sheet: Sheet, spec: dict[str, Any], accent: str) -> float:
    col = _window_column(sheet, _title_bar(sheet, spec["title"], accent, close=True))
    for text in spec.get("lines", []):
        col.paragraph(text)
    if fields := spec.get("fields"):
        _dialog_fields(col, fields)
    if labels := spec.get("buttons"):
        col.top(28)
        first, *others = labels
        chips = [button(first, accent, col.width)]
        chips += [Chip.fit(label, TEXT, col.width, fill=PAPER, outline=INPUT) for label in others]
        col.chips(chips, align="right")
    return _close_window(col)


def _dialog_fields(col: Column, fields: Sequence[dict[str, Any]]) -> None:
    """Label on the left, its filled box (or dropdown) on the right."""
    label_width = min(max(TEXT.width(f["label"] + ":") for f in fields), col.width * 0.38)
    x = col.left + label_width + 16
    for spec in fields:
        top = col.top()
        below_label = paragraph(
            col.sheet, (col.left, top + 12), label_width, spec["label"] + ":", TEXT
        )
        dropdown = "choices" in spec
        inner = col.right - x - 32 - (48 if dropdown else 0)
        _input_box(col, TEXT.wrap(spec["value"], inner), left=x)
        if dropdown:
            _dropdown_arrow(col, top, col.y)
        col.y = max(col.y, below_label)


_DRAW: dict[str, Callable[[Sheet, dict[str, Any], str], float]] = {
    "email": _email,
    "sms": _sms,
    "chat": _chat,
    "browser": _browser,
    "phone": _phone_app,
    "dialog": _dialog,
}


# --- Specs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRule:
    """One spec field: how to check its value, and what a valid value is (for errors)."""

    check: Callable[[Any], bool]
    wants: str
    required: bool = False


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _text(required: bool = False) -> FieldRule:
    return FieldRule(_is_text, "a non-empty text", required)


def _texts(required: bool = False, least: int = 0, most: int = 99) -> FieldRule:
    def check(value: Any) -> bool:
        return isinstance(value, list) and least <= len(value) <= most and all(map(_is_text, value))

    return FieldRule(check, f"a list of {least} to {most} texts", required)


def _flag() -> FieldRule:
    return FieldRule(lambda value: isinstance(value, bool), "true or false")


def _records(fields: dict[str, FieldRule], wants: str, required: bool = False) -> FieldRule:
    def valid(record: Any) -> bool:
        return (
            isinstance(record, dict)
            and set(record) <= set(fields)
            and all(name in record for name, f in fields.items() if f.required)
            and all(fields[name].check(value) for name, value in record.items())
        )

    def check(value: Any) -> bool:
        return isinstance(value, list) and len(value) >= 1 and all(map(valid, value))

    return FieldRule(check, wants, required)


_COMMON = {
    "kind": _text(required=True),
    "alt": _text(required=True),
    "accent": FieldRule(
        lambda value: (
            isinstance(value, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", value) is not None
        ),
        'a colour like "#1F5FAD"',
    ),
}
SPEC_FIELDS: dict[str, dict[str, FieldRule]] = {
    "email": {
        "from_name": _text(required=True),
        "from_address": _text(required=True),
        "subject": _text(required=True),
        "body": _texts(required=True, least=1),
        "button": _text(),
        "link": _text(),
        "attachment": _text(),
        "to": _text(),
    },
    "sms": {
        "sender": _text(required=True),
        "messages": _texts(required=True, least=1, most=3),
        "link": _text(),
        "time": _text(),
    },
    "chat": {
        "app": _text(required=True),  # "WhatsApp" or "Telegram": said under the name
        "sender": _text(required=True),
        "messages": _records(
            {"text": _text(True), "mine": _flag()},
            "a list of {text, mine?}",
            required=True,
        ),
        "unknown": _flag(),  # a banner: this number is not in your contacts
        "link": _text(),
        "time": _text(),
    },
    "browser": {
        "url": _text(required=True),
        "title": _text(required=True),
        "secure": _flag(),
        "lines": _texts(),
        "fields": _texts(),
        "button": _text(),
        "price": _text(),
        "badges": _texts(),
    },
    "phone": {
        "app": _text(required=True),
        "items": _records(
            {"label": _text(True), "value": _text(), "toggle": _flag(), "lock": _flag()},
            "a list of {label, value?, toggle?, lock?}",
            required=True,
        ),
        "note": _text(),
        "button": _text(),
    },
    "dialog": {
        "title": _text(required=True),
        "lines": _texts(),
        "fields": _records(
            {"label": _text(True), "value": _text(True), "choices": _texts(least=1)},
            "a list of {label, value, choices?}",
        ),
        "buttons": _texts(least=1, most=3),
    },
}


def check_spec(spec: dict[str, Any]) -> str:
    """Checks ``spec`` against its kind's fields; returns the kind.

    Unknown fields are refused too: a typo ("buton") would otherwise silently drop the very
    detail an exercise asks about.
    """
    if not isinstance(spec, dict):
        raise ValueError(f"image spec must be a mapping, not {type(spec).__name__}")
    if "kind" not in spec:
        raise ValueError("image spec: missing required field 'kind'")
    kind: str = spec["kind"]
    if kind not in KINDS:
        raise ValueError(f"unknown image kind {kind!r}; known kinds: {', '.join(KINDS)}")
    fields = {**_COMMON, **SPEC_FIELDS[kind]}
    if unknown := sorted(set(spec) - set(fields)):
        raise ValueError(f"{kind} image: unknown field {unknown[0]!r}")
    for name, rule in fields.items():
        if name not in spec:
            if rule.required:
                raise ValueError(f"{kind} image: missing required field {name!r}")
        elif not rule.check(spec[name]):
            raise ValueError(f"{kind} image: field {name!r} must be {rule.wants}")
    return kind


# --- Public API --------------------------------------------------------------------------


def render(spec: dict[str, Any]) -> Image.Image:
    """Draws the screen ``spec`` describes; ValueError names a wrong kind or field."""
    kind = check_spec(spec)
    sheet = Sheet()
    height = _DRAW[kind](sheet, spec, spec.get("accent", DEFAULT_ACCENT[kind]))
    return sheet.image(height)


def encode(image: Image.Image) -> bytes:
    """PNG bytes with no metadata, so equal images give equal bytes."""
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def png_bytes(spec: dict[str, Any]) -> bytes:
    return encode(render(spec))


def build(specs: dict[str, dict[str, Any]], out_dir: Path) -> list[Path]:
    """Writes ``out_dir/<id>.png`` for every spec and removes PNGs of ids no longer there.

    Every spec is drawn before anything is written, so a bad spec leaves the folder as it
    was. A file is only rewritten when its bytes change. Returns the paths, in spec order.
    """
    images: dict[str, bytes] = {}
    for image_id, spec in specs.items():
        if not IMAGE_ID.fullmatch(image_id):
            raise ValueError(f"image id {image_id!r}: use letters, digits, '_' and '-' only")
        try:
            images[image_id] = png_bytes(spec)
        except ValueError as exc:
            raise ValueError(f"image {image_id!r}: {exc}") from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [
        _write_if_changed(out_dir / f"{image_id}.png", data) for image_id, data in images.items()
    ]
    for stale in sorted(out_dir.glob("*.png")):
        if stale.stem not in images:
            stale.unlink()
    return paths


def _write_if_changed(path: Path, data: bytes) -> Path:
    if not (path.is_file() and path.read_bytes() == data):
        partial = path.with_name(path.name + ".tmp")
        partial.write_bytes(data)
        partial.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.exercises.images",
        description="Draw the images of the digital-skills exercises.",
    )
    parser.add_argument("out_dir", metavar="OUT_DIR", type=Path)
    args = parser.parse_args(argv)
    # Imported here: drawing needs no catalogue, and the catalogue needs no Pillow.
    from bot.exercises.catalogue import image_specs

    paths = build(image_specs(), args.out_dir)
    print(f"{len(paths)} images in {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
