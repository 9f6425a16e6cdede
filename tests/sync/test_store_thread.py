"""The thread replicas store from: in order, off the event loop, and it recovers from a
broken database connection at the next call."""

from __future__ import annotations

import asyncio
import threading

import pytest
from django.db import DatabaseError, connection

from collab import store_thread
from collab.models import DocUpdate

pytestmark = [pytest.mark.django_db(transaction=True)]


def _count_rows() -> int:
    return DocUpdate.objects.count()


async def test_calls_run_one_at_a_time_in_order_off_the_event_loop():
    order: list[int] = []
    threads: set[int] = set()

    def call(number: int) -> int:
        threads.add(threading.get_ident())
        order.append(number)
        return number * 2

    results = await asyncio.gather(*(store_thread.run(call, n) for n in range(50)))
    assert results == [n * 2 for n in range(50)]
    assert order == list(range(50))
    assert len(threads) == 1 and threading.get_ident() not in threads


async def test_after_the_connection_breaks_only_that_call_fails():
    assert await store_thread.run(_count_rows) == 0

    def break_the_connection() -> None:
        connection.connection.close()  # the database went away under an open connection
        _count_rows()

    with pytest.raises(DatabaseError):
        await store_thread.run(break_the_connection)
    assert await store_thread.run(_count_rows) == 0  # a fresh connection


async def test_a_failure_inside_a_transaction_leaves_none_open_for_the_next_call():
    from django.db import transaction

    def fail_mid_transaction() -> None:
        transaction.set_autocommit(False)  # as a half-done atomic block leaves it
        raise RuntimeError("the store failed half way")

    with pytest.raises(RuntimeError):
        await store_thread.run(fail_mid_transaction)
    assert await store_thread.run(lambda: connection.get_autocommit()) is True
