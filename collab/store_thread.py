"""The thread the replicas append to the log from.

Every keystroke's store crosses from the event loop to a thread. Through Channels'
``database_sync_to_async`` that crossing cost 140-160 us of CPU (asgiref's context copying
and thread-sensitive bookkeeping), more than the INSERT itself (100 us), and it queued the
store behind every other synchronous call of the process (views, polls). A plain executor of
one thread crosses in 60 us, and writes in order, as the log needs.

Its database connection lives as long as the thread. Django's per-request rules still hold
where they matter: after a failed call the connection is closed (the next call reconnects),
and after an idle spell ``close_old_connections`` applies CONN_MAX_AGE and the health check
before the next call, as it does at a request's start. Back to back, neither runs: a health
check is a round trip to PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import close_old_connections, connections

T = TypeVar("T")

#: A connection unused this long is checked (and renewed when stale) before its next use.
IDLE_CHECK_AFTER = 1.0


class _StoreThread:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="collab-store")
        self._pid = os.getpid()
        self._last_used = 0.0  # only read and written on the thread

    def _call(self, function: Callable[..., T], *args: object) -> T:
        if time.monotonic() - self._last_used > IDLE_CHECK_AFTER:
            close_old_connections()
        try:
            return function(*args)
        except BaseException:
            for connection in connections.all(initialized_only=True):
                connection.close()  # broken or mid-transaction: the next call starts afresh
            raise
        finally:
            self._last_used = time.monotonic()


_thread: _StoreThread | None = None


async def run(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` on the store thread (a fresh one in a forked child)."""
    global _thread
    if _thread is None or _thread._pid != os.getpid():
        _thread = _StoreThread()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_thread._executor, _thread._call, function, *args)
