"""A byte budget that refills over time (a token bucket), for throttling one connection."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class ByteBudget:
    """``burst`` bytes at once, then ``rate`` bytes per second. Spending may overdraw it;
    ``ready()`` then waits until it is back in credit, so the next expensive answer is
    only computed once the previous one has been paid for."""

    def __init__(self, burst: int, rate: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = burst
        self.rate = max(1, rate)
        self._clock = clock
        self._tokens = float(burst)
        self._at = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now

    def wait_time(self) -> float:
        """Seconds until the budget is back in credit (0 when it is)."""
        self._refill()
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    async def ready(self) -> None:
        delay = self.wait_time()
        if delay > 0:
            await asyncio.sleep(delay)

    def spend(self, amount: int) -> None:
        self._refill()
        self._tokens -= amount
