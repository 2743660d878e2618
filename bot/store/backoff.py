"""One retry policy for a store that restarts: waits that double up to a cap, until a deadline.

The database engine, the tracker store and the Redis lock store all ride out a
restart of their server the same way; only what counts as "lost" differs.
"""

from __future__ import annotations

import time


class Backoff:
    """The waits between tries, given out until the next one would pass the deadline."""

    def __init__(self, seconds: float, first: float = 0.1, cap: float = 1.0) -> None:
        self.deadline = time.monotonic() + seconds
        self.delay = first
        self.cap = cap

    def next_delay(self) -> float | None:
        """Seconds to wait before trying again; None: give up (raise the error)."""
        if time.monotonic() + self.delay > self.deadline:
            return None
        delay, self.delay = self.delay, min(self.delay * 2, self.cap)
        return delay
