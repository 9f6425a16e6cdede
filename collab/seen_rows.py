"""The log rows a replica already has, so its log poll does not apply them again.

The poll re-reads recent rows for a while (a row may commit late, see
``persistence.LATE_COMMIT_WINDOW``). Applying a row again is harmless but not free: with
fifty people typing, the rows of the last ten seconds took tens of milliseconds of the
event loop every poll, which was every keystroke's p99. A row is remembered from the moment
this replica wrote or read it until it can no longer be re-read.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable


class SeenRows:
    def __init__(self, keep_for: float) -> None:
        self._keep_for = keep_for
        self._seqs: set[int] = set()
        self._order: deque[tuple[float, int]] = deque()

    def add(self, seqs: Iterable[int]) -> None:
        now = time.monotonic()
        for seq in seqs:
            if seq not in self._seqs:
                self._seqs.add(seq)
                self._order.append((now, seq))
        while self._order and now - self._order[0][0] > self._keep_for:
            self._seqs.discard(self._order.popleft()[1])

    def __contains__(self, seq: object) -> bool:
        return seq in self._seqs
