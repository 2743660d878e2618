"""Identifiers are masked before free text is stored; ordinary numbers are not."""

from __future__ import annotations

import pytest

from bot.text.masking import be_national_valid, bsn_valid, iban_valid, mask, phone_like

MASKED = [
    # e-mail
    ("mail me op jan.jansen+werk@example.nl aub", "mail me op [e-mail] aub"),
    (
        "ik wil met een coach praten, mail naar jan.jansen@example.nl",
        "ik wil met een coach praten, mail naar [e-mail]",
    ),
    ("MARIA_V@Gmail.COM.", "[e-mail]."),
    # Dutch phone numbers
    ("mijn nummer is 06-12345678, bel me maar", "mijn nummer is [telefoon], bel me maar"),
    ("06 1234 5678", "[telefoon]"),
    ("0612345678", "[telefoon]"),
    ("06 12 34 56 78", "[telefoon]"),
    ("bel +31 6 12345678", "bel [telefoon]"),
    ("+31612345678", "[telefoon]"),
    ("+31 (0)6 12345678", "[telefoon]"),
    ("0031 6 12345678", "[telefoon]"),
    ("kantoor 020-1234567", "kantoor [telefoon]"),
    ("010 123 4567", "[telefoon]"),
    ("(020) 123 45 67", "[telefoon]"),
    ("ik ben 23 0612345678", "ik ben 23 [telefoon]"),
    ("0612345678 of 0687654321", "[telefoon] of [telefoon]"),
    # Belgian phone numbers
    ("gsm 0470 12 34 56", "gsm [telefoon]"),
    ("0470/12.34.56", "[telefoon]"),
    ("0470 123 456", "[telefoon]"),
    ("+32 470 12 34 56", "[telefoon]"),
    ("0032 470 12 34 56", "[telefoon]"),
    ("02 123 45 67", "[telefoon]"),
    ("09/123.45.67", "[telefoon]"),
    ("+32 2 123 45 67", "[telefoon]"),
    # other countries, written internationally
    ("+44 20 7946 0958", "[telefoon]"),
    # IBAN: NL, BE, others; spaces, lower case, text right after
    ("iban NL91 ABNA 0417 1643 00 graag", "iban [iban] graag"),
    ("NL91ABNA0417164300", "[iban]"),
    ("nl91abna0417164300", "[iban]"),
    ("BE71 0961 2345 6769", "[iban]"),
    ("BE71 0961 2345 6769 is mijn rekening", "[iban] is mijn rekening"),
    ("DE89 3704 0044 0532 0130 00", "[iban]"),
    ("GB82 WEST 1234 5698 7654 32.", "[iban]."),
    ("FR14 2004 1010 0505 0001 3M02 606", "[iban]"),
    ("nl12 en NL91ABNA0417164300", "nl12 en [iban]"),
    # BSN (elfproef)
    ("mijn bsn is 111222333", "mijn bsn is [bsn]"),
    ("bsn: 123456782", "bsn: [bsn]"),
    ("1112.22.333", "[bsn]"),
    ("111 222 333", "[bsn]"),
    # Belgian national register number
    ("rijksregister 85.07.30-033.28", "rijksregister [rijksregisternummer]"),
    ("85073003328", "[rijksregisternummer]"),
    ("850730 033 28", "[rijksregisternummer]"),
    ("01.02.03-123.45", "[rijksregisternummer]"),  # born in 2001: the 2000+ rule
    # addresses and postcodes
    ("ik woon op de Kerkstraat 12a", "ik woon op de [adres]"),
    ("ik woon in de kerkstraat 12", "ik woon in de [adres]"),
    ("Lange Nieuwstraat 5-3", "[adres]"),
    ("Grote Markt 1 bus 3", "[adres]"),
    ("Keizersgracht 123-II", "[adres]"),
    ("Stationsweg 10.", "[adres]."),
    ("Brusselsesteenweg 250, 9090 Melle", "[adres]"),
    ("Kerkstraat 12, 1234 AB Amsterdam", "[adres]"),
    ("Heidelberglaan 8", "[adres]"),
    ("Hoogstraat 3 bis", "[adres]"),
    ("Meir 50 of Kasteeldreef 7", "Meir 50 of [adres]"),
    ("Oude Vest 4, Zuiderkade 9 en de Frankrijklei 100", "Oude Vest 4, [adres] en de [adres]"),
    ("Schipholweg 1, Bredabaan 120 bus 2, Hofpad 3", "[adres], [adres], [adres]"),
    ("Het Plein 2", "[adres]"),
    ("Dorpsdijk 4, Nieuwe Singel 3, Kade 5", "[adres], [adres], [adres]"),
    ("postcode 1234 AB", "postcode [postcode]"),
    ("3511AB", "[postcode]"),
    ("3511ab", "[postcode]"),
]

KEPT = [
    # dates and times
    "12-03-2024",
    "12/03/2024",
    "2024-03-12",
    "12.03.2024",
    "01-03-2024 12 uur",
    "01.03.2024 10 45",
    "12 maart 2024",
    "om 14:30",
    "van 9.00 tot 17.30",
    "2024-03-12T14:30:00.123456+00:00",
    # ages, durations, counts
    "ik zoek al 3 jaar werk",
    "ik ben 23",
    "2 kinderen",
    "36 uur per week",
    "ik ben 2 uur onderweg",
    "een bijbaan van 20 uur",
    "een baan 2 dagen per week",
    "ik heb 3 jaar op straat 5 dagen gewerkt",
    "de Dorpsstraat 3 jaar lang",
    "ik heb 12 sollicitaties en 4 gesprekken",
    # money, percentages, years
    "€ 1.250,00",
    "1250 euro",
    "€12,50",
    "ik heb 2500 euro schuld",
    "50%",
    "in 2024 en 2025",
    "1.250.000 inwoners",
    # invalid check digits, and 9 digits that are no phone
    "nummer 123456789",
    "111222334",
    "NL91ABNA0417164301",
    "NL91ABNA041716430",  # one digit short
    "85073003329",
    # ordinary text and our own payloads
    "Laan van Meerdervoort",
    '/choose_option{"option": "opleiding"}',
    "/affirm",
    "2000 km",
    "1234 5678",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_identifiers_are_masked(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_is_kept(text: str) -> None:
    assert mask(text) == text


@pytest.mark.parametrize("text", [expected for _, expected in MASKED] + KEPT)
def test_masking_twice_changes_nothing(text: str) -> None:
    assert mask(text) == text


def test_check_digits() -> None:
    assert bsn_valid("111222333") and not bsn_valid("111222334")
    assert bsn_valid("1112.22.333") and not bsn_valid("000000000")
    assert iban_valid("NL91ABNA0417164300") and not iban_valid("NL91ABNA0417164301")
    assert iban_valid("be71 0961 2345 6769") and not iban_valid("BE71 0961 2345 676")
    assert not iban_valid("XX91ABNA0417164300"), "unknown country"
    assert be_national_valid("85073003328") and not be_national_valid("85073003329")
    # born in 2000 or later: a 2 before the 9 digits
    body = "010203123"
    check = 97 - int("2" + body) % 97
    assert be_national_valid(f"{body}{check:02d}")
    assert not be_national_valid(f"{body}{(check % 97) + 1:02d}")


@pytest.mark.parametrize(
    ("candidate", "phone"),
    [
        ("0612345678", True),  # NL: 10 digits from 0
        ("021234567", True),  # BE landline: 9 digits from 0
        ("123456789", False),  # 9 digits, not from 0
        ("06123456", False),  # too short
        ("061234567890", False),  # too long
        ("+31 6 1234567", False),  # NL needs 9 digits after +31
        ("+32 2 123 45 67", True),  # BE: 8 or 9
        ("01-03-2024 12", False),  # a date first
    ],
)
def test_the_phone_rule(candidate: str, phone: bool) -> None:
    assert phone_like(candidate) is phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234 5678. " * 2000, "1234 5678. " * 2000),
        ("0" * 20000, "0" * 20000),
        ("1." * 10000, "1." * 10000),
        ("0.1 " * 5000, "0.1 " * 5000),
        ("12.34 " * 3500, "12.34 " * 3500),
        ("06 1234 5678 " * 1500, "[telefoon] " * 1500),
        ("NL91 " * 4000, "NL91 " * 4000),
    ],
)
def test_long_runs_of_digits_spaces_and_dots(text: str, expected: str) -> None:
    assert mask(text) == expected  # catastrophic backtracking would hang here


def test_escalation_summaries_are_masked() -> None:
    from bot.escalation import summary

    stored = summary.build(["bel me op 0612345678", "/affirm", "ok"], "utter_menu", {})
    assert summary.read(stored)["last_messages"] == ["bel me op [telefoon]", "ok"]
