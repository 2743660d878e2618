"""The incremental dialogue history gives exactly Rasa's states, on every prefix.

``bot.runtime.state_history`` replaces ``Domain.states_for_tracker_history`` in the
Rasa server. Its states feed every policy, so a difference would change what the
assistant does: these tests compare it with Rasa's own function after each event of
our stories, rules and test conversations, and of random conversations full of what
rewrites the history (reverts, rejected forms, follow-ups, restarts, new sessions).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    Event,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot.runtime import state_history
from bot.runtime.state_history import StateHistory

ROOT = Path(__file__).resolve().parents[2]
ORIGINAL = Domain.states_for_tracker_history


@pytest.fixture(scope="module")
def importer() -> TrainingDataImporter:
    return TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain"),
        training_data_paths=[str(ROOT / "data"), str(ROOT / "tests" / "conversations")],
    )


@pytest.fixture(scope="module")
def domain(importer: TrainingDataImporter) -> Domain:
    return importer.get_domain()


@pytest.fixture(scope="module")
def rule_only_data(domain: Domain) -> dict[str, Any]:
    """Like RulePolicy's: some slots and a form only rules use."""
    names = sorted(slot.name for slot in domain.slots if slot.influence_conversation)
    return {"rule_only_slots": names[::2], "rule_only_loops": domain.form_names[:1]}


def option_sets(rule_only_data: dict[str, Any]) -> list[dict[str, Any]]:
    """The combinations Rasa's policies ask for (RulePolicy, Memoization, TED)."""
    return [
        {},
        {"omit_unset_slots": True},
        {"ignore_rule_only_turns": True, "rule_only_data": rule_only_data},
        {
            "omit_unset_slots": True,
            "ignore_rule_only_turns": True,
            "rule_only_data": rule_only_data,
        },
    ]


def assert_same_on_every_prefix(
    history: StateHistory,
    domain: Domain,
    sender: str,
    events: list[Event],
    options: list[dict[str, Any]],
    is_rule_tracker: bool = False,
) -> None:
    """Grow a tracker event by event, as Rasa's processor does, and compare each time."""
    tracker = DialogueStateTracker(sender, domain.slots, is_rule_tracker=is_rule_tracker)
    for number, event in enumerate(events):
        tracker.update(event)
        for kwargs in options:
            expected = ORIGINAL(domain, tracker, **kwargs)
            got = history.states(domain, tracker, **kwargs)
            assert got == expected, f"{sender}: after event {number} ({event}), options {kwargs}"
            if got and got[-1]:  # a caller mangling its copy changes nothing kept
                got[-1].clear()
                got.clear()


def training_trackers(importer: TrainingDataImporter, domain: Domain) -> list[DialogueStateTracker]:
    graph = importer.get_stories()
    generator = TrainingDataGenerator(
        graph, domain, augmentation_factor=0, use_story_concatenation=False
    )
    return generator.generate()


def test_same_states_as_rasa_for_our_stories_rules_and_test_conversations(
    importer: TrainingDataImporter, domain: Domain, rule_only_data: dict[str, Any]
) -> None:
    trackers = training_trackers(importer, domain)
    assert len(trackers) > 50 and any(t.is_rule_tracker for t in trackers)
    history = StateHistory()
    for index, tracker in enumerate(trackers):
        assert_same_on_every_prefix(
            history,
            domain,
            f"story-{index}",
            list(tracker.events),
            option_sets(rule_only_data),
            tracker.is_rule_tracker,
        )
    # A form's happy path folds its earlier turns away: those calls start over.
    assert history.resumed > 5 * history.rebuilt, "the history should mostly go on"


def random_events(rng: random.Random, domain: Domain, count: int) -> Iterator[Event]:
    """A conversation that uses every way Rasa rewrites a history."""
    intents = sorted(domain.intents)
    actions = [a for a in domain.action_names_or_texts if a not in domain.form_names]
    forms = list(domain.form_names)
    slots = [slot for slot in domain.slots if slot.influence_conversation]
    yield ActionExecuted("action_session_start")
    yield SessionStarted()
    yield ActionExecuted("action_listen")
    for _ in range(count):
        roll = rng.random()
        if roll < 0.25:
            yield UserUttered(
                "tekst",
                {"name": rng.choice(intents), "confidence": rng.random()},
                use_text_for_featurization=rng.choice([None, False, True]),
            )
            if rng.random() < 0.3:
                yield DefinePrevUserUtteredFeaturization(rng.random() < 0.5)
        elif roll < 0.5:
            yield ActionExecuted(rng.choice(actions), hide_rule_turn=rng.random() < 0.3)
        elif roll < 0.6:
            yield ActionExecuted("action_listen")
        elif roll < 0.7 and forms:
            form = rng.choice(forms)
            yield ActionExecuted(form, hide_rule_turn=rng.random() < 0.3)
            yield ActiveLoop(form if rng.random() < 0.7 else None)
        elif roll < 0.8 and slots:
            slot = rng.choice(slots)
            yield SlotSet(slot.name, rng.choice([None, True, False, "ja", 3.0, "nee"]))
        elif roll < 0.84 and forms:
            yield ActionExecutionRejected(rng.choice(forms))
        elif roll < 0.88:
            yield FollowupAction(rng.choice(actions))
        elif roll < 0.92:
            yield UserUtteranceReverted()
        elif roll < 0.95:
            yield ActionReverted()
        elif roll < 0.97:
            yield Restarted()
        else:
            yield ActionExecuted("action_session_start")
            yield SessionStarted()


def test_same_states_as_rasa_for_random_conversations_that_rewrite_their_history(
    domain: Domain, rule_only_data: dict[str, Any]
) -> None:
    rng = random.Random(2026)
    history = StateHistory()
    for index in range(25):
        events = list(random_events(rng, domain, 120))
        assert_same_on_every_prefix(
            history, domain, f"random-{index}", events, option_sets(rule_only_data)
        )
    assert history.resumed > 0 and history.rebuilt > 25, "both paths must have been taken"


def test_a_tracker_loaded_again_with_new_event_objects_starts_over(domain: Domain) -> None:
    events = list(random_events(random.Random(7), domain, 40))
    first = DialogueStateTracker.from_events("reloaded", events, domain.slots)
    history = StateHistory()
    history.states(domain, first)
    copies = [Event.from_parameters(event.as_dict()) for event in events]
    again = DialogueStateTracker.from_events("reloaded", copies, domain.slots)
    assert history.states(domain, again) == ORIGINAL(domain, again)
    assert (history.rebuilt, history.resumed) == (2, 0)


def test_the_kept_progress_is_bounded() -> None:
    history = StateHistory(max_entries=3)
    domain = Domain.empty()
    for index in range(10):
        tracker = DialogueStateTracker(f"user-{index}", [])
        tracker.update(ActionExecuted("action_listen"))
        assert history.states(domain, tracker) == ORIGINAL(domain, tracker)
    assert len(history._progress) == 3


def test_installed_in_rasa_and_removed_again(domain: Domain) -> None:
    tracker = DialogueStateTracker.from_events(
        "installed", list(random_events(random.Random(3), domain, 30)), domain.slots
    )
    expected = ORIGINAL(domain, tracker)
    state_history.install()
    try:
        assert Domain.states_for_tracker_history is not ORIGINAL
        assert tracker.past_states(domain) == expected
    finally:
        state_history.uninstall()
    assert Domain.states_for_tracker_history is ORIGINAL


def test_zero_entries_leaves_rasas_method_in_place() -> None:
    state_history.install(0)
    try:
        assert Domain.states_for_tracker_history is ORIGINAL
    finally:
        state_history.uninstall()
