"""Sending to channel-layer groups from anywhere: consumers, views, tasks and workers.

The in-memory layer (laptop mode) lives on the ASGI server's event loop, and its queues
must only be touched from that loop; tasks there run in threads. So a send from a thread
is handed to that loop when the process has one, and runs on a private loop otherwise
(a Celery worker talking to Redis).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

_main_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def remember_main_loop() -> None:
    """Record the running loop as the process's server loop (called from ASGI code)."""
    global _main_loop
    loop = asyncio.get_running_loop()
    if _main_loop is not loop:
        with _lock:
            _main_loop = loop


def group_send(group: str, message: dict[str, Any], timeout: float = 10) -> None:
    """Send ``message`` to ``group`` from synchronous code in any thread."""
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
            asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop) \
                .result(timeout)
            return
    async_to_sync(layer.group_send)(group, message)


class RememberLoopMiddleware:
    """ASGI middleware that records the server's loop on the first request."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        remember_main_loop()
        return await self.app(scope, receive, send)
