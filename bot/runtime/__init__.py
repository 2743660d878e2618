"""Patches to the Rasa server's runtime, installed by the launcher in the Rasa process only.

- :mod:`bot.runtime.action_failures`: a friendly reply, not silence, when the action
  server cannot be reached;
- :mod:`bot.runtime.speedups`: hot paths found with a profiler (docs/performance.md),
  and a cache of model outputs that is cleared whenever a model loads;
- :mod:`bot.runtime.state_history`: the dialogue history's states extended per event,
  not rebuilt from the session's start for every policy and every predicted action.

Each reaches into a class Rasa builds itself, where Rasa offers no subclass or
component to do it (what could be done in our own channels is there:
bot/channels/limits.py). They were written against one Rasa release:
:func:`install` refuses any other (:mod:`bot.runtime.patching`), and
:func:`uninstall` puts all of Rasa's own code back.
"""

from __future__ import annotations

from bot.runtime import action_failures, speedups, state_history
from bot.runtime.patching import RasaVersionError, check_rasa_version

MiB = 2**20


def install(*, inference_cache_mb: float = 32, state_history_entries: int = 256) -> None:
    """Check Rasa's version, then install every patch (once, however often called)."""
    check_rasa_version()
    action_failures.install()
    speedups.install(int(inference_cache_mb * MiB))
    state_history.install(state_history_entries)


def uninstall() -> None:
    """Put Rasa's own methods back and forget what the patches kept."""
    state_history.uninstall()
    speedups.uninstall()
    action_failures.uninstall()


def installed() -> bool:
    return action_failures.PATCHES.installed


__all__ = ["RasaVersionError", "install", "installed", "uninstall"]
