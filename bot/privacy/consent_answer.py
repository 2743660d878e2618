"""A typed answer to "Mag ik het bewaren?", read strictly: consent must be unmistakable.

People answer the consent question in a sentence ("ja dat is goed hoor, je mag het bewaren,
ik woon in Rotterdam"). A plain yes at the start, or a permission in so many words, with no
"niet", "nee" or "geen" anywhere, is a yes; a no at the start is a no. Anything mixed or
unclear is no answer, and the question is asked again: consent is never guessed.
"""

from __future__ import annotations

from bot.text.normalise import normalise

YES_WORDS = frozenset(
    {"ja", "jaa", "jawel", "jazeker", "oke", "ok", "okay", "okee", "prima", "akkoord", "yes",
     "goed", "jep", "jup", "tuurlijk", "natuurlijk", "zeker", "mag"}
)  # fmt: skip
PERMISSIONS: tuple[str, ...] = (
    "dat mag", "is goed", "mag je bewaren", "mag het bewaren", "mag bewaren", "bewaar maar",
    "bewaar het maar", "je mag het opslaan", "mag opslaan", "vind ik goed", "geen probleem",
    "doe maar", "is oke",
)  # fmt: skip
NO_WORDS = frozenset({"nee", "neen", "nein", "no", "nope", "liever"})
DOUBT_WORDS = frozenset({"niet", "nie", "geen", "gene", "nooit", "nee", "neen", "no", "maar"})


def consent_answer(text: str) -> bool | None:
    """True for an unmistakable yes, False for a no, None when it is not clear."""
    words = normalise(text[:500]).split()
    if not words:
        return None
    joined = f" {' '.join(words)} "
    if words[0] in NO_WORDS:
        return (
            None if any(f" {p} " in joined for p in PERMISSIONS if p != "geen probleem") else False
        )
    plain = joined
    for permission in PERMISSIONS:  # "geen probleem", "doe maar": no doubt in these
        plain = plain.replace(f" {permission} ", " ")
    if DOUBT_WORDS.intersection(plain.split()):
        return None
    if words[0] in YES_WORDS or any(f" {p} " in joined for p in PERMISSIONS):
        return True
    return None
