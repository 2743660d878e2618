"""A typed answer to the consent question: a yes only when it is unmistakable."""

import pytest

from bot.privacy.consent_answer import consent_answer


@pytest.mark.parametrize(
    "text",
    [
        "ja",
        "ja dat is goed hoor je mag het bewaren ik woon in Rotterdam",
        "ja hoor, ik woon in Gent",
        "oke prima",
        "geen probleem",
        "doe maar",
        "bewaar maar",
        "is goed 👍",
    ],
)
def test_a_clear_yes_is_consent(text: str) -> None:
    assert consent_answer(text) is True


@pytest.mark.parametrize("text", ["nee", "nee liever niet", "liever niet", "nee, ik woon in gent"])
def test_a_no_is_a_no(text: str) -> None:
    assert consent_answer(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ja maar niet mijn naam",
        "ja maar",
        "mag niet",
        "nee dat mag wel",
        "ik woon in gent",
        "wat bewaar je dan?",
        "ik weet het niet",
    ],
)
def test_anything_mixed_or_unclear_is_asked_again(text: str) -> None:
    assert consent_answer(text) is None
