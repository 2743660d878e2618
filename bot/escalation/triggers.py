"""When the assistant should bring in a coach without being asked (GUIDE §5).

Works on the intents of the user's messages in the current session, oldest
first, so it needs no Rasa and is easy to test.
"""

from __future__ import annotations

FALLBACK = "nlu_fallback"
FALLBACKS_IN_A_ROW = 2
FALLBACKS_PER_SESSION = 3
BAD_MOODS_PER_SESSION = 2


def not_understood_too_often(intents: list[str]) -> bool:
    """2 misunderstood messages in a row, or 3 in one conversation."""
    in_a_row = 0
    for intent in reversed(intents):
        if intent != FALLBACK:
            break
        in_a_row += 1
    return in_a_row >= FALLBACKS_IN_A_ROW or intents.count(FALLBACK) >= FALLBACKS_PER_SESSION


def mood_bad_repeated(intents: list[str]) -> bool:
    return intents.count("mood_bad") >= BAD_MOODS_PER_SESSION
