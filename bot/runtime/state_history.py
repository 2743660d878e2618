"""The dialogue history as states, built once per conversation and then extended.

Rasa's ``Domain.states_for_tracker_history`` replays the whole session from its
first event (``generate_all_prior_trackers``) and builds a state per action, for
every policy and every action it predicts: a message in a session of 500 events
replays it a dozen times. Here each computation remembers where it ended: the
replayed tracker, the states so far and the loop's two variables. The next call
for the same conversation, domain and options goes on from there when its applied
events start with *the very same event objects*; anything else (a revert, a form's
happy path folded away, another tracker) starts over, exactly as Rasa does.

The states are the same as Rasa's: tests/unit/test_state_history.py compares the
two on every prefix of real and generated conversations.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bot.runtime.patching import Patches

if TYPE_CHECKING:
    from rasa.shared.core.domain import Domain, State, SubState
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

# Conversations (times option sets) whose progress is kept; each entry refers to
# events its tracker holds anyway, plus their states. STATE_HISTORY_ENTRIES sets it
# in the server (bot/config.py); 0 turns the patch off, to measure without it.
MAX_ENTRIES = 256


@dataclass
class Progress:
    """Where one computation of a conversation's states ended."""

    domain: Domain
    replay: DialogueStateTracker  # the tracker rebuilt from ``applied``
    applied: list[Event] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    last_ml_action: SubState | None = None  # Rasa's ``last_ml_action_sub_state``
    hidden: bool = False  # Rasa's ``turn_was_hidden``

    def continues(self, domain: Domain, applied: list[Event]) -> bool:
        """True when ``applied`` starts with exactly the events replayed so far."""
        done = self.applied
        return (
            self.domain is domain
            and len(applied) >= len(done)
            and all(a is b for a, b in zip(done, applied, strict=False))
        )


@dataclass(frozen=True)
class Options:
    omit_unset_slots: bool
    ignore_rule_only_turns: bool
    rule_only_data: Any  # a hashable copy of Rasa's dict


class StateHistory:
    """Progress per conversation and options; least recently used entries go first."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._progress: OrderedDict[tuple[Any, ...], Progress] = OrderedDict()
        self.resumed = 0  # calls that went on from earlier progress (tests, figures)
        self.rebuilt = 0

    def states(
        self,
        domain: Domain,
        tracker: DialogueStateTracker,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        """What ``domain.states_for_tracker_history`` returns for these arguments."""
        options = Options(omit_unset_slots, ignore_rule_only_turns, _frozen(rule_only_data))
        key = (tracker.sender_id, tracker.is_rule_tracker, options)
        applied = tracker.applied_events()
        progress = self._progress.pop(key, None)
        if progress is not None and progress.continues(domain, applied):
            self.resumed += 1
        else:
            progress = Progress(domain, tracker.init_copy())
            self.rebuilt += 1
        self._progress[key] = progress
        while len(self._progress) > self.max_entries:
            self._progress.popitem(last=False)

        for event in applied[len(progress.applied) :]:
            if _is_action(event):
                _add_state(progress, event.hide_rule_turn, options, rule_only_data)
            progress.replay.update(event)
            progress.applied.append(event)

        # Rasa's last ``yield tracker, False``: the current state, not kept, since
        # the next event may change it.
        now = replace(progress, states=list(progress.states))
        _add_state(now, False, options, rule_only_data)
        return [{kind: dict(sub) for kind, sub in state.items()} for state in now.states]

    def clear(self) -> None:
        self._progress.clear()


def _add_state(
    into: Progress, hide_rule_turn: bool, options: Options, rule_only_data: dict[str, Any] | None
) -> None:
    """The body of Rasa's loop for one prior tracker: ``into.replay`` as it is now."""
    from rasa.shared.core.constants import PREVIOUS_ACTION

    domain, tracker = into.domain, into.replay
    if options.ignore_rule_only_turns:
        if not into.hidden:
            into.last_ml_action = domain._get_prev_action_sub_state(tracker)
        # A follow-up action or a loop's happy path keeps the turn as it was.
        if not tracker.followup_action and tracker.latest_action_name != tracker.active_loop_name:
            into.hidden = hide_rule_turn
        if into.hidden:
            return
    state = domain.get_active_state(tracker, omit_unset_slots=options.omit_unset_slots)
    if options.ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if into.states:
            domain._substitute_rule_only_user_input(state, into.states[-1])
        if into.last_ml_action:
            state[PREVIOUS_ACTION] = into.last_ml_action
    into.states.append(domain._clean_state(state))


def _is_action(event: Event) -> bool:
    from rasa.shared.core.events import ActionExecuted

    return isinstance(event, ActionExecuted)


def _frozen(value: Any) -> Any:
    """A hashable copy of rule_only_data (a dict of lists of names)."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_frozen(item) for item in value)
    return value


HISTORY = StateHistory()


PATCHES = Patches()


def install(max_entries: int = MAX_ENTRIES) -> None:
    """Route ``Domain.states_for_tracker_history`` through :data:`HISTORY`.

    A patch: Rasa's policies call this method of the domain directly, with no
    setting to hand them another history.
    """
    from rasa.shared.core.domain import Domain

    HISTORY.max_entries = max_entries
    if max_entries <= 0:
        return

    def keep_progress(_rasas: Any) -> Any:
        def states_for_tracker_history(
            self: Domain,
            tracker: DialogueStateTracker,
            omit_unset_slots: bool = False,
            ignore_rule_only_turns: bool = False,
            rule_only_data: dict[str, Any] | None = None,
        ) -> list[State]:
            return HISTORY.states(
                self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data
            )

        return states_for_tracker_history

    PATCHES.replace(Domain, "states_for_tracker_history", keep_progress)


def uninstall() -> None:
    """Put Rasa's own method back and forget every conversation's progress."""
    PATCHES.undo()
    HISTORY.clear()
