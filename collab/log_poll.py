"""One look at the log for all of a process's open rooms.

Every replica polls the log every RESYNC_INTERVAL for what the channel layer lost (see
``Replica._poll_log``). A query per room per poll is a steady load on the database once a
process holds thousands of open rooms, most of them idle. Replicas poll on a shared clock
(multiples of the interval), and the looks asked for in the same turn of the event loop go
to the database together: ``persistence.updates_since_many`` answers up to 200 rooms in two
queries.
"""

from __future__ import annotations

import asyncio
import time
import weakref

from channels.db import database_sync_to_async

from . import persistence
from .persistence import Loaded, LogLook


def until_next_tick(interval: float) -> float:
    """Seconds until the next multiple of ``interval`` on the monotonic clock: replicas that
    wait for it wake together, and ask together."""
    return interval - time.monotonic() % interval


class LogPoller:
    """Gathers the looks asked for in one turn of the loop into one call to the database."""

    def __init__(self) -> None:
        self._pending: list[tuple[LogLook, asyncio.Future]] = []
        self._flusher: asyncio.Task | None = None

    async def look(self, look: LogLook) -> Loaded:
        """What ``look.room`` may have missed (raises the room model's DoesNotExist for a
        room that is gone, and whatever the database raised)."""
        future = asyncio.get_running_loop().create_future()
        self._pending.append((look, future))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self._pending:
                await asyncio.sleep(0)  # the others woken by the same tick ask meanwhile
                batch, self._pending = self._pending, []
                try:
                    results = await database_sync_to_async(persistence.updates_since_many)(
                        [look for look, _ in batch])
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (look, future), loaded in zip(batch, results, strict=True):
                    if future.done():
                        continue  # its replica stopped waiting
                    if loaded is None:
                        future.set_exception(persistence.room_model().DoesNotExist(
                            f"no room {look.room}"))
                    else:
                        future.set_result(loaded)
        finally:
            self._flusher = None


# One poller per event loop: a future belongs to the loop that made it.
_pollers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LogPoller] = \
    weakref.WeakKeyDictionary()


def poller() -> LogPoller:
    """This event loop's poller."""
    loop = asyncio.get_running_loop()
    found = _pollers.get(loop)
    if found is None:
        found = _pollers[loop] = LogPoller()
    return found
