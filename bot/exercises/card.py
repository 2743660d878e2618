"""The progress card: one picture of the digital skills someone has shown so far.

A job-seeker who finishes exercises earns a badge per DigComp competence. Seeing them
together, earned ones in colour and the rest still grey, shows at a glance what they can
already do and what is next; the picture can be saved, or shown to a coach or an employer.
It is drawn with the same kit as the exercise screens (large type, high contrast, 800 px
wide, as tall as it needs). Every text comes from the caller, already translated; this
module only draws. The same card always gives the same PNG bytes, so it can be cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from bot.exercises.images import (
    BODY,
    BORDER,
    FRAME,
    HEADING,
    INK,
    MUTED,
    PAD,
    PAPER,
    RADIUS,
    RULE,
    SMALL,
    SOFT,
    WINDOW,
    Sheet,
    Style,
    check,
    encode,
    on_colour,
    paragraph,
    text_block,
)

ACCENT = "#1F5FAD"
# One colour per DigComp area (the competence code's first digit).
AREA_COLOURS = {
    "1": "#1565C0",  # information and data literacy
    "2": "#6A1B9A",  # communication and collaboration
    "3": "#C2410C",  # digital content creation
    "4": "#2E7D32",  # safety
    "5": "#B71C1C",  # problem solving
}
NOT_EARNED = "#A9B1BB"
MAX_BADGES = 12
MEDAL = 68  # diameter
COLUMN_GAP = 24
ROW_GAP = 28
BAR_HEIGHT = 14


@dataclass(frozen=True)
class Badge:
    code: str  # DigComp competence, e.g. "4.2"
    label: str  # plain Dutch name, e.g. "Veilig online"
    earned: bool  # passed at least one exercise of this competence
    level: int | None  # highest DigComp level passed (1-8), None if none
    done: int  # exercises of this competence passed
    total: int  # exercises of this competence available to the user


@dataclass(frozen=True)
class Card:
    title: str  # e.g. "Mijn digitale vaardigheden"
    subtitle: str  # e.g. "5 oefeningen gedaan, 3 badges"
    badges: tuple[Badge, ...]  # 1..12
    level_word: str = "niveau"  # the word drawn before a level, translated by the caller


def render_card(card: Card) -> Image.Image:
    """Header with title and subtitle, then the badges: one column up to 4, else two."""
    if not 1 <= len(card.badges) <= MAX_BADGES:
        raise ValueError(f"a card shows 1 to {MAX_BADGES} badges, not {len(card.badges)}")
    sheet = Sheet()
    bottom = _badges(sheet, card, _header(sheet, card) + PAD) + PAD
    box = (WINDOW[0], FRAME, WINDOW[1], bottom)
    sheet.box(box, fill=PAPER, radius=RADIUS, z=0)
    sheet.box(box, outline=BORDER, radius=RADIUS, z=2)
    return sheet.image(bottom + FRAME)


def card_png(card: Card) -> bytes:
    return encode(render_card(card))


def _header(sheet: Sheet, card: Card) -> float:
    """The coloured band with the title and subtitle; returns its bottom."""
    text = on_colour(ACCENT)
    left, width = WINDOW[0] + PAD, WINDOW[1] - WINDOW[0] - 2 * PAD
    title, subtitle = Style(HEADING, True, text), Style(BODY, fill=text)
    title_lines, subtitle_lines = title.wrap(card.title, width), subtitle.wrap(card.subtitle, width)
    bottom = FRAME + 2 * PAD + 4
    bottom += len(title_lines) * title.leading + len(subtitle_lines) * subtitle.leading
    sheet.box((WINDOW[0], FRAME, WINDOW[1], bottom), fill=ACCENT, radius=RADIUS, top_only=True)
    y = text_block(sheet, (left, FRAME + PAD), title_lines, title)
    text_block(sheet, (left, y + 4), subtitle_lines, subtitle)
    return bottom


def _badges(sheet: Sheet, card: Card, top: float) -> float:
    """The badges in a grid, a thin rule between rows; returns the bottom."""
    columns = 1 if len(card.badges) <= 4 else 2
    left = WINDOW[0] + PAD
    width = (WINDOW[1] - WINDOW[0] - 2 * PAD - COLUMN_GAP * (columns - 1)) / columns
    y = top
    for start in range(0, len(card.badges), columns):
        if start:
            sheet.line([(left, y - ROW_GAP / 2), (WINDOW[1] - PAD, y - ROW_GAP / 2)], fill=RULE)
        row = card.badges[start : start + columns]
        heights = [
            _badge(sheet, badge, (left + i * (width + COLUMN_GAP), y), width, card.level_word)
            for i, badge in enumerate(row)
        ]
        y += max(heights) + ROW_GAP
    return y - ROW_GAP


def _badge(
    sheet: Sheet, badge: Badge, xy: tuple[float, float], width: float, level_word: str
) -> float:
    """A medal, then label, code and level, and a progress bar; returns the height."""
    x, y = xy
    colour = AREA_COLOURS.get(badge.code.split(".")[0], ACCENT) if badge.earned else NOT_EARNED
    _medal(sheet, (x + MEDAL / 2, y + MEDAL / 2), colour, badge.earned)
    left = x + MEDAL + 18
    text_width = width - MEDAL - 18
    label = Style(BODY, bold=True, fill=INK if badge.earned else MUTED)
    below = paragraph(sheet, (left, y), text_width, badge.label, label)
    meta = badge.code if badge.level is None else f"{badge.code} · {level_word} {badge.level}"
    below = paragraph(sheet, (left, below), text_width, meta, Style(SMALL, fill=MUTED))
    below = _progress(sheet, (left, below + 6), text_width, badge, colour)
    return max(below - y, MEDAL)


def _medal(sheet: Sheet, centre: tuple[float, float], colour: str, earned: bool) -> None:
    """Earned: a filled medal with a white ring and check mark. Not yet: a grey outline."""
    radius = MEDAL / 2
    if not earned:
        sheet.circle(centre, radius - 2, fill=SOFT, outline=colour, border=4)
        return
    mark = on_colour(colour)
    sheet.circle(centre, radius, fill=colour)
    sheet.circle(centre, radius - 6, outline=mark, border=2)
    check(sheet, centre, radius * 0.75, mark)


def _progress(
    sheet: Sheet, xy: tuple[float, float], width: float, badge: Badge, colour: str
) -> float:
    """A bar filled done/total, the count beside it; returns the y under it."""
    x, y = xy
    count = f"{badge.done}/{badge.total}"
    style = Style(SMALL, fill=MUTED)
    bar_right = x + width - style.width(count) - 12
    middle = y + style.leading / 2
    track = (x, middle - BAR_HEIGHT / 2, bar_right, middle + BAR_HEIGHT / 2)
    sheet.box(track, fill=SOFT, outline=RULE, border=1, radius=BAR_HEIGHT / 2)
    share = min(max(badge.done / badge.total, 0), 1) if badge.total > 0 else 0
    if share:
        filled = (x, track[1], x + (bar_right - x) * share, track[3])
        sheet.box(filled, fill=colour, radius=BAR_HEIGHT / 2)
    return text_block(sheet, (x, y), [count], style, align="right", width=width)
