"""The per-user cooldown between two questions."""

from __future__ import annotations

import time
from collections.abc import Callable

_PRUNE_AT = 10_000


class Cooldown:
    """Lets each user ask once every `seconds`; shared by /ask and mentions."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[int, float] = {}

    def remaining(self, user_id: int) -> float:
        """Seconds the user must still wait; 0 means go ahead (and starts their cooldown)."""
        if self.seconds <= 0:
            return 0.0
        now = self._clock()
        last = self._last.get(user_id)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        if len(self._last) >= _PRUNE_AT:
            self._last = {u: t for u, t in self._last.items() if now - t < self.seconds}
        self._last[user_id] = now
        return 0.0
