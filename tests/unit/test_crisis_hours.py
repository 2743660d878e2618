"""A crisis answer that agrees with coach hours: the line first, then the truth about
when a coach reads it, and outside coach hours the line again to call now."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator

from actions import support
from actions.support import ActionCrisis
from tests.unit.trackers import domain, responses, run, tracker

UTC = timezone.utc
TUESDAY_NOON = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)  # 12:00 in Amsterdam and Brussels
FRIDAY_NIGHT = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)


def said(monkeypatch: pytest.MonkeyPatch, moment: datetime, region: str) -> list[str]:
    """What the user reads after a crisis at ``moment``, rendered as Rasa renders it."""
    monkeypatch.setattr(support, "now", lambda: moment)
    messages, _ = run(ActionCrisis(), tracker(intent="crisis", slots={"region": region}))
    nlg = TemplatedNaturalLanguageGenerator(domain()["responses"])
    texts = []
    for message in messages:
        extra: dict[str, Any] = {k: v for k, v in message.items() if k == "coach_when"}
        rendered = nlg.generate_from_slots(message["response"], {"region": region}, "rest", **extra)
        assert rendered is not None
        texts.append(rendered["text"])
    assert responses(messages)[:2] == ["utter_crisis", "utter_crisis_coach"]
    return texts


@pytest.mark.parametrize(("region", "line"), [("nl_NL", "0800-0113"), ("nl_BE", "1813")])
def test_outside_coach_hours_it_says_when_and_repeats_the_line(
    monkeypatch: pytest.MonkeyPatch, region: str, line: str
) -> None:
    crisis, coach = said(monkeypatch, FRIDAY_NIGHT, region)[:2]
    assert crisis.startswith("Wat goed dat je dit vertelt.") and line in crisis
    assert "pas op maandag 30 november om 9 uur" in coach
    assert line in coach and "Bel dan" in coach
    assert "neemt contact met je op" not in coach and "zo snel" not in coach


def test_inside_coach_hours_a_coach_is_alerted(monkeypatch: pytest.MonkeyPatch) -> None:
    crisis, coach = said(monkeypatch, TUESDAY_NOON, "nl_NL")[:2]
    assert "113" in crisis
    assert coach.startswith("Ik heb ook een coach gewaarschuwd.")
    assert "zo snel als het kan" in coach and "maandag" not in coach


def test_flemish_coaches_close_earlier(monkeypatch: pytest.MonkeyPatch) -> None:
    late = datetime(2026, 11, 24, 15, 45, tzinfo=UTC)  # 16:45: open in NL, closed in BE
    assert "zo snel als het kan" in said(monkeypatch, late, "nl_NL")[1]
    assert "pas op woensdag 25 november om 9 uur" in said(monkeypatch, late, "nl_BE")[1]
