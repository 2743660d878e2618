"""Identifiers are masked before free text is stored; ordinary numbers are not."""

from __future__ import annotations

import pytest

from bot.privacy.masking import be_national_valid, bsn_valid, iban_valid, mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me op jan.jansen+werk@example.nl aub", "mail me op [e-mail] aub"),
        ("mijn nummer is 06-12345678", "mijn nummer is [telefoon]"),
        ("bel +31 6 12345678", "bel [telefoon]"),
        ("gsm 0470 12 34 56", "gsm [telefoon]"),
        ("iban NL91 ABNA 0417 1643 00 graag", "iban [iban] graag"),
        ("BE71 0961 2345 6769", "[iban]"),
        ("mijn bsn is 111222333", "mijn bsn is [bsn]"),
        ("rijksregister 85.07.30-033.28", "rijksregister [rijksregisternummer]"),
        ("ik ben 23 en zoek 3 jaar werk", "ik ben 23 en zoek 3 jaar werk"),
        ("ik heb 2500 euro schuld", "ik heb 2500 euro schuld"),
        ("postcode 1234 AB", "postcode 1234 AB"),
    ],
)
def test_mask(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_check_digits() -> None:
    assert bsn_valid("111222333") and not bsn_valid("111222334")
    assert iban_valid("NL91ABNA0417164300") and not iban_valid("NL91ABNA0417164301")
    assert be_national_valid("85073003328") and not be_national_valid("85073003329")
    # born in 2000 or later: a 2 before the 9 digits
    body = "010203123"
    check = 97 - int("2" + body) % 97
    assert be_national_valid(f"{body}{check:02d}")


def test_a_bsn_with_a_wrong_check_digit_is_left_alone_but_a_phone_is_not() -> None:
    assert mask("nummer 123456789") == "nummer [telefoon]"  # 9 digits: could be a phone


def test_escalation_summaries_are_masked() -> None:
    from bot.escalation import summary

    stored = summary.build(["bel me op 0612345678", "/affirm", "ok"], "utter_menu", {})
    assert summary.read(stored)["last_messages"] == ["bel me op [telefoon]", "ok"]
