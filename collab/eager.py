"""Running a coroutine at once, in the caller's stack, until it first has to wait.

What Python 3.12's eager tasks do, for one call site on 3.11: a sync frame handled without
waiting (the usual keystroke) is relayed from inside the socket's ``data_received``, with
no queue, no task and no loop turn between the bytes arriving and the relay. A coroutine
that does wait is finished by a task, resumed exactly where it stopped.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine
from typing import Any


def start_eagerly(coro: Coroutine[Any, Any, None],
                  context: contextvars.Context) -> asyncio.Future | None:
    """Run ``coro`` in ``context`` up to its first wait. None when it ran to its end;
    otherwise a future done when the task that finishes it is."""
    try:
        waiting_for = context.run(coro.send, None)
    except StopIteration:
        return None
    loop = asyncio.get_running_loop()
    finished = loop.create_future()

    def finish(_: object = None) -> None:
        # A task's first step sends None: the await the coroutine stopped at completes (with
        # the future's result or exception), as a task that had run it all along would.
        task = loop.create_task(coro, context=context)
        task.add_done_callback(lambda done: _copy_outcome(done, finished))

    if waiting_for is None:  # a bare yield (asyncio.sleep(0)): one loop turn
        loop.call_soon(finish)
    elif getattr(waiting_for, "_asyncio_future_blocking", None):
        waiting_for._asyncio_future_blocking = False  # as Task.__step does on taking it
        waiting_for.add_done_callback(finish)
    else:
        coro.close()
        raise RuntimeError(f"a coroutine run eagerly yielded {waiting_for!r}")
    return finished


def _copy_outcome(task: asyncio.Task, finished: asyncio.Future) -> None:
    if finished.done():
        return
    if task.cancelled():
        finished.cancel()
    elif task.exception() is not None:
        finished.set_exception(task.exception())
    else:
        finished.set_result(None)
