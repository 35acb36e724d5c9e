"""The passages behind "More sources", kept from the answer they extend."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from retrieval import Quote

KEPT_ANSWERS = 2000  # the newest answers whose further passages are kept in memory


class FurtherQuotes:
    """Further quotes by logged answer: found on the same index, as of the same day, as the
    answer they extend. Kept in memory for the newest answers (not across restarts)."""

    def __init__(self, limit: int = KEPT_ANSWERS) -> None:
        self._limit = limit
        self._kept: OrderedDict[int, tuple[Quote, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, query_id: int, quotes: Sequence[Quote]) -> None:
        """Remember the quotes beyond an answer's own."""
        with self._lock:
            self._kept[query_id] = tuple(quotes)
            self._kept.move_to_end(query_id)
            while len(self._kept) > self._limit:
                self._kept.popitem(last=False)

    def get(self, query_id: int) -> tuple[Quote, ...] | None:
        """The quotes kept for an answer, or None when it is not kept (any more)."""
        with self._lock:
            return self._kept.get(query_id)
