"""Patches to the Rasa server's runtime that our channels install when Rasa loads them.

- :mod:`bot.runtime.action_failures`: a friendly reply, not silence, when the action
  server cannot be reached;
- :mod:`bot.runtime.inputs`: hostile inputs stopped at the edge: a message too
  long to understand (the NLU ran out of memory on it), a REST body that is not a
  JSON object (Rasa's REST channel answered 500);
- :mod:`bot.runtime.speedups`: hot paths found with a profiler (docs/performance.md);
- :mod:`bot.runtime.state_history`: the dialogue history's states extended per event,
  not rebuilt from the session's start for every policy and every predicted action.

Kept apart from the feature code: only the Rasa server process needs them, and
:func:`install` does nothing in a process that has not loaded Rasa (the web app,
the action server), so importing :mod:`bot.channels` stays cheap there.
"""

from bot.runtime import action_failures, inputs, speedups, state_history


def install() -> bool:
    """Install every patch once (idempotent); False where Rasa is not loaded."""
    patches = [action_failures, inputs, speedups, state_history]
    return all([patch.install() for patch in patches])


def uninstall() -> None:
    """Put Rasa's own methods back (tests)."""
    action_failures.uninstall()
    inputs.uninstall()
    state_history.uninstall()


__all__ = ["install", "uninstall"]
