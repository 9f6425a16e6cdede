"""Dispatching background work: a Celery worker in production, a thread on a laptop."""

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from celery import Task
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# Eager tasks run here so that a view or consumer never blocks on them.
_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="canvas-task")
_running: set[Future] = set()


def _run_eager(task: Task, args: tuple, kwargs: dict) -> Any:
    close_old_connections()
    try:
        return task.apply(args=args, kwargs=kwargs).get()
    except Exception:
        logger.exception("task %s failed", task.name)
        raise
    finally:
        close_old_connections()


def dispatch(task: Task, *args: Any, **kwargs: Any) -> Future | Any:
    """Start ``task``: on a worker through the broker, or in a thread when there is none."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        future = _executor.submit(_run_eager, task, args, kwargs)
        _running.add(future)
        future.add_done_callback(_running.discard)
        return future
    return task.apply_async(args=args, kwargs=kwargs)


def wait_for_eager_tasks(timeout: float = 30) -> None:
    """Wait until the in-process tasks started so far have finished (tests, shutdown)."""
    from concurrent.futures import wait

    wait(list(_running), timeout=timeout)
