"""Canned replies: valid data, and plain Dutch, because the job-seeker reads them."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from bot.coach.canned import load
from tests.unit.test_plain_language import MAX_WORDS_PER_SENTENCE, OFFICIALESE, sentences


def test_canned_replies_validate() -> None:
    replies = load()
    assert len(replies) >= 6
    assert len({r["id"] for r in replies}) == len(replies)


@pytest.mark.parametrize("reply", load(), ids=lambda r: r["id"])
def test_canned_replies_are_plain(reply: dict) -> None:
    parsed = sentences(reply["text"])
    assert parsed
    assert max(len(words) for words in parsed) <= MAX_WORDS_PER_SENTENCE
    assert not {w.lower() for s in parsed for w in s} & OFFICIALESE.keys()
    assert reply["text"].count("?") <= 1


def test_a_broken_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "canned.yml"
    path.write_text("- id: Bad Id\n  title: x\n  text: y\n")
    with pytest.raises(jsonschema.ValidationError):
        load(path)
