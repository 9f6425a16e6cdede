"""Sending to channel-layer groups from anywhere: consumers, views, tasks and workers.

The in-memory layer (laptop mode) lives on the ASGI server's event loop, and its queues
must only be touched from that loop; tasks there run in threads. So a send from a thread
is handed to that loop when the process has one, and runs on a private loop otherwise
(a Celery worker talking to Redis).

A send is best effort: when the layer is away (Redis restarting), it is logged once per
outage (layer_health.py) and the caller carries on. A chat message posted then is saved
and its turn runs; only the live push is lost, and a chat socket that reconnects renders
the whole history. Before, the Redis error ended the request with a 500. A message that
must arrive (an access change, which closes or demotes open sockets) is sent again in the
background until the layer takes it (``retry_for``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from . import layer_health

logger = logging.getLogger(__name__)

_main_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()

#: Seconds between two attempts at a message sent with ``retry_for``.
RETRY_EVERY = 1.0


def remember_main_loop() -> None:
    """Record the running loop as the process's server loop (called from ASGI code)."""
    global _main_loop
    loop = asyncio.get_running_loop()
    if _main_loop is not loop:
        with _lock:
            _main_loop = loop


def group_send(group: str, message: dict[str, Any], timeout: float = 10,
               retry_for: float = 0) -> bool:
    """Send ``message`` to ``group`` from synchronous code in any thread. Returns whether
    the layer took it; when it did not, the failure is logged (once per outage) and, with
    ``retry_for`` seconds, the message is sent again in the background until then."""
    if retry_for > 0 and _retrier.has(group):
        # Behind the messages to this group still waiting, not past them.
        _retrier.add(group, message, timeout, time.monotonic() + retry_for)
        return False
    try:
        _send(group, message, timeout)
    except RuntimeError:
        raise  # misuse (a synchronous send on the loop's own thread), not an outage
    except Exception:
        layer_health.health.failed("send", group)
        if retry_for > 0:
            _retrier.add(group, message, timeout, time.monotonic() + retry_for)
        return False
    layer_health.health.worked()
    return True


def _send(group: str, message: dict[str, Any], timeout: float) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _main_loop
    if loop is not None and loop.is_running():
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not loop:
            future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop)
            try:
                future.result(timeout)
            finally:
                future.cancel()  # no-op when done; a send stuck past the timeout stops
            return
    async_to_sync(layer.group_send)(group, message)


class _Retrier:
    """One daemon thread that sends again what the layer refused, in order, until each
    message's deadline; started at the first refusal."""

    def __init__(self) -> None:
        self._pending: list[tuple[str, dict[str, Any], float, float]] = []
        self._in_hand: set[str] = set()  # groups of the messages being sent again now
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def has(self, group: str) -> bool:
        """Whether messages to ``group`` are waiting to be sent again."""
        with self._wake:
            return group in self._in_hand or any(p[0] == group for p in self._pending)

    def add(self, group: str, message: dict[str, Any], timeout: float, deadline: float) -> None:
        with self._wake:
            self._pending.append((group, message, timeout, deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="layer-retry",
                                                daemon=True)
                self._thread.start()
            self._wake.notify()

    def close(self) -> None:
        """Stop, dropping what waits (tests)."""
        with self._wake:
            self._closed = True
            self._pending.clear()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                pending, self._pending = self._pending, []
                self._in_hand = {group for group, *_ in pending}
            left = []
            for index, (group, message, timeout, deadline) in enumerate(pending):
                if time.monotonic() > deadline:
                    logger.warning("gave up sending %s to %s: the channel layer stayed away",
                                   message.get("type"), group)
                    continue
                try:
                    _send(group, message, timeout)
                except Exception:
                    left = pending[index:]  # in order: the rest waits for the next round
                    break
                layer_health.health.worked()
            with self._wake:
                self._pending[:0] = left
                self._in_hand = set()
            if left:
                time.sleep(RETRY_EVERY)


_retrier = _Retrier()


class RememberLoopMiddleware:
    """ASGI middleware that records the server's loop on the first request."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        remember_main_loop()
        return await self.app(scope, receive, send)
