"""Replacing a method of Rasa's, in a way that can be checked and undone.

Every patch in this package goes through :class:`Patches`: it remembers what it
replaced (the attribute as the class itself held it, so a staticmethod or an
inherited method comes back as it was), installs once however often it is called,
and :meth:`Patches.undo` puts Rasa's own code back. The patches were written
against one Rasa release and reach into private methods, so :func:`check_rasa_version`
refuses to install them on any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The release every patch was read against (requirements.lock pins it). A new Rasa
# release needs the patches read again: the unit tests of each (test_action_failures.py,
# test_speedups.py, test_state_history.py) cover every replaced method, and
# docs/architecture.md says why each one is a patch.
SUPPORTED_RASA = "3.6.21"

_MISSING = object()


class RasaVersionError(RuntimeError):
    """Rasa is not the release the patches were written for."""


def check_rasa_version(version: str | None = None) -> None:
    """Raise unless Rasa (or ``version``) is :data:`SUPPORTED_RASA`."""
    if version is None:
        import rasa

        version = rasa.__version__
    if version != SUPPORTED_RASA:
        raise RasaVersionError(
            f"Werkmaatje's patches to the Rasa server were written for rasa {SUPPORTED_RASA}, "
            f"but rasa {version} is installed. Install the versions in requirements.lock "
            "(make setup), or read bot/runtime/ against the new release first."
        )


@dataclass(frozen=True)
class Replaced:
    """One attribute of one class or module, and what it held before."""

    owner: Any
    name: str
    before: Any  # the owner's own attribute, or _MISSING when it was inherited
    seen: Any  # what ``getattr(owner, name)`` gave before: the code that is wrapped


class Patches:
    """The replacements one module made, in order, so that each can be undone."""

    def __init__(self) -> None:
        self._replaced: list[Replaced] = []

    @property
    def installed(self) -> bool:
        return bool(self._replaced)

    def replace(self, owner: Any, name: str, make: Callable[[Any], Any]) -> None:
        """Set ``owner.name`` to ``make(current)``, once; ``current`` is what callers saw."""
        if any(r.owner is owner and r.name == name for r in self._replaced):
            return
        before = vars(owner).get(name, _MISSING)
        seen = getattr(owner, name)
        setattr(owner, name, make(seen))
        self._replaced.append(Replaced(owner, name, before, seen))

    def original(self, owner: Any, name: str) -> Any:
        """What ``owner.name`` was before this module replaced it (tests)."""
        for replaced in self._replaced:
            if replaced.owner is owner and replaced.name == name:
                return replaced.seen
        return getattr(owner, name)

    def undo(self) -> None:
        """Put back what was there, last replacement first."""
        while self._replaced:
            replaced = self._replaced.pop()
            if replaced.before is _MISSING:
                delattr(replaced.owner, replaced.name)
            else:
                setattr(replaced.owner, replaced.name, replaced.before)
