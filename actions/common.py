"""Small helpers shared by the actions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.i18n import region_or_default

PROFILE_SLOTS = ("region", "consent", "onboarded")


def region_of(tracker: Tracker) -> str:
    return region_or_default(tracker.get_slot("region"))


def start_metadata(tracker: Tracker) -> dict[str, Any]:
    metadata = tracker.get_slot("session_started_metadata") or {}
    return metadata if isinstance(metadata, dict) else {}


def channel_of(tracker: Tracker) -> str:
    """The channel the user writes on; our channels also put it in the metadata."""
    channel = start_metadata(tracker).get("channel") or tracker.get_latest_input_channel()
    return str(channel or "unknown")[:32]


def is_onboarded(consent: bool | None, region: str | None) -> bool:
    return consent is not None and region is not None


def domain_has_response(domain: dict[str, Any], name: str) -> bool:
    return name in (domain.get("responses") or {})


def response_name(event: dict[str, Any]) -> str:
    """The domain response a bot event came from (Rasa puts it in the metadata)."""
    return str((event.get("metadata") or {}).get("utter_action") or "")


def session_intents(tracker: Tracker) -> list[str]:
    """Intents of the user's messages since the session started, also reverted ones.

    A clarified fallback is reverted from the dialogue, but it still counts as a
    message the assistant did not understand.
    """
    intents: list[str] = []
    loop = None
    for event in tracker.events:
        kind = event.get("event")
        if kind == "session_started":
            intents, loop = [], None
        elif kind == "active_loop":
            loop = event.get("name")
        elif kind == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            # Inside a form, free text is an answer: a low NLU score there is no misunderstanding.
            if name == "nlu_fallback" and loop and loop != "action_two_stage_fallback":
                continue
            if name:
                intents.append(str(name))
    return intents
