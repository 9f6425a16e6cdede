"""The way out for a replica's changes: relayed to this process's connections first, then
stored in the log, then (by the replica) published to other processes.

Relaying before storing loses nothing: every client keeps what it has, and a replica whose
store failed is replaced by one loaded from the log, whose SyncStep1 makes reconnecting
clients send what the log lacks. Both steps batch under load, each on its own clock: the
relay for a few milliseconds (people are waiting), the store for longer (nobody here is).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pycrdt import merge_updates

#: Relaying: when the previous frame went out less than BUSY_WITHIN seconds ago (updates
#: back to back), gather what keeps arriving while the event loop turns, for at most
#: BATCH_WINDOW, into one frame: a burst already read from the sockets goes out as one
#: frame, and nobody waits on a timer. Measured at 50 editors: gathering in 1 ms sleeps
#: instead doubled the median latency (2.4 against 1.3 ms) and saved no CPU. 0.5 ms, not
#: 3: with fifty people typing a keystroke comes every 4 ms, and those within 3 ms of the
#: last relay waited a loop turn for the relaying task (bench/sync_latency.py, 50 editors,
#: p99 above the floor: 0.8 ms at 3 ms, 0.5 at 0.5 ms; y-websocket's 0.7).
BUSY_WITHIN = 0.0005
BATCH_WINDOW = 0.005
#: Storing: when the previous write ended less than WRITE_BUSY_WITHIN ago, gather for
#: WRITE_WINDOW into one transaction. Nobody here waits for it (they have the updates), only
#: other processes and the log. Measured: 20,000 trace edits took 18.9 s in 20,000
#: transactions, 5.1 s in 530; with fifty people typing, 3 ms / 5 ms windows left
#: transactions half of the server's work.
WRITE_BUSY_WITHIN = 0.05
WRITE_WINDOW = 0.02
#: The same, for a replica alone in its deployment (the in-memory channel layer): no other
#: process waits to hear of the updates, and a crash loses nothing any client still has
#: either way (the reloaded replica's SyncStep1 brings it back). Measured at 10 editors:
#: a fifth of the server's CPU less than with WRITE_WINDOW, every store being a thread hop.
WRITE_WINDOW_ALONE = 0.1
#: A connection waits for the log once this many of the room's updates are unstored.
MAX_UNSTORED = 5000
#: Updates merged by one ``merge_updates`` call: Yrs's merge costs more per update the more
#: it is given (measured on the automerge-paper trace: 1 us an update in groups of 32, 10.5
#: us in one call of 2,000, the run a paste replayed to a slow reader gathered).
MERGE_GROUP = 32


def merged(updates: list[bytes]) -> bytes:
    """``updates`` as one, merged in groups of MERGE_GROUP, then the groups' merges."""
    while len(updates) > 1:
        updates = [group[0] if len(group) == 1 else merge_updates(*group)
                   for group in (updates[i:i + MERGE_GROUP]
                                 for i in range(0, len(updates), MERGE_GROUP))]
    return updates[0]


@dataclass
class Run:
    """A run of one origin's updates, merged: one frame's part and one log row."""

    update: bytes
    origin: str
    count: int  # how many updates it holds (backpressure and compaction count those)
    seq: int | None = None  # its log row, once stored


def runs_of(changes: list[tuple[bytes, str]]) -> list[Run]:
    """One run per stretch of one origin's changes, merged once for the frame and the log:
    a log row per keystroke made the ORM's insert the largest cost of a burst. Who wrote
    what is kept (a row's origin is its run's) and so are write times (a row's time is its
    batch's, as each update's was)."""
    runs: list[tuple[list[bytes], str]] = []
    for change, origin in changes:
        if runs and runs[-1][1] == origin:
            runs[-1][0].append(change)
        else:
            runs.append(([change], origin))
    return [Run(merged(updates), origin, len(updates)) for updates, origin in runs]


class Outbox:
    """Relays, then stores, the changes ``put`` into it, in order.

    ``fanout(update)`` sends to this process's connections; ``store(runs)`` appends to the
    log (raising when it cannot); ``stored(runs)`` follows each successful store;
    ``failed(exc)`` follows a failed one, after which nothing more is stored. Under load,
    stores are ``write_window`` apart."""

    def __init__(self, fanout: Callable[[bytes], Awaitable[None]],
                 store: Callable[[list[Run]], Awaitable[None]],
                 stored: Callable[[list[Run]], Awaitable[None]],
                 failed: Callable[[Exception], Awaitable[None]],
                 write_window: float = WRITE_WINDOW) -> None:
        self._fanout, self._store, self._stored_hook, self._failed = fanout, store, stored, failed
        self._write_window = write_window
        self._relaying: list[tuple[bytes, str]] = []  # (change, origin), not yet relayed
        self._storing: list[Run] = []  # relayed, not yet stored
        self._relayer: asyncio.Task | None = None
        self._writer: asyncio.Task | None = None
        self._last_relay = 0.0
        self._last_write_end = 0.0
        self._unstored = 0
        self._stored = asyncio.Event()  # set whenever a store ends (or fails)
        self.broken = False

    async def put(self, change: bytes, origin: str) -> None:
        """Relay ``change``, then store it. In a quiet room it is relayed now, in the
        caller's task: people are waiting, and a task and a loop turn were a fifth of a
        keystroke's way through the server (measured at 10 editors: 90 of 470 us). Updates
        back to back are gathered by a relaying task instead (see _relay)."""
        self._unstored += 1
        self._relaying.append((change, origin))
        if self._relayer is not None:
            return  # the relaying under way takes it
        if time.monotonic() - self._last_relay < BUSY_WITHIN:
            self._relayer = asyncio.create_task(self._relay())
            return
        self._relayer = relayed = asyncio.get_running_loop().create_future()
        try:
            await self._relay_pending()
        finally:
            self._relayer = None
            relayed.set_result(None)
        if self._relaying:  # arrived while a slow socket drained
            self._relayer = asyncio.create_task(self._relay())

    async def backpressure(self) -> None:
        """Wait while too much is unstored (a connection flooding the room waits for it)."""
        while self._unstored > MAX_UNSTORED and not self.broken:
            self._stored.clear()
            await self._stored.wait()

    async def drain(self) -> None:
        """Wait until everything put is relayed and stored (or the store failed)."""
        while self._relayer is not None or self._writer is not None:
            await asyncio.shield(self._relayer or self._writer)

    async def _relay(self) -> None:
        try:
            while self._relaying:
                if time.monotonic() - self._last_relay < BUSY_WITHIN:
                    await self._gather()
                await self._relay_pending()
        finally:
            self._relayer = None

    async def _relay_pending(self) -> None:
        """Relay what is waiting as one frame. It is handed to the writer first, whose task
        runs after this one yields: a relay cut short (its caller's task cancelled) still
        stores what it took."""
        changes, self._relaying = self._relaying, []
        runs = runs_of(changes)
        if not self.broken:  # a failed store ended storing
            self._storing += runs
            if self._writer is None:
                self._writer = asyncio.create_task(self._write_loop())
        await self._fanout(merged([run.update for run in runs]))
        self._last_relay = time.monotonic()

    async def _gather(self) -> None:
        """Updates back to back (a paste replayed, a burst): let the loop turn while more
        keep arriving, at most BATCH_WINDOW, so they go out as one frame."""
        deadline = time.monotonic() + BATCH_WINDOW
        count = 0
        while len(self._relaying) > count and time.monotonic() < deadline:
            count = len(self._relaying)
            await asyncio.sleep(0)

    async def _write_loop(self) -> None:
        try:
            while self._storing:
                if time.monotonic() - self._last_write_end < WRITE_BUSY_WITHIN:
                    await asyncio.sleep(self._write_window)  # under load: one for many
                batch, self._storing = self._storing, []
                try:
                    await self._store(batch)
                except Exception as exc:
                    self._storing = []
                    self.broken = True
                    self._stored.set()
                    await self._failed(exc)
                    return
                self._last_write_end = time.monotonic()
                self._unstored -= sum(run.count for run in batch)
                self._stored.set()
                await self._stored_hook(batch)
        finally:
            self._writer = None
