"""A coroutine run eagerly does what a task running it would, in the same order, but its
part before the first wait runs at once, in the caller's stack."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from collab.eager import start_eagerly

who = contextvars.ContextVar("who", default="nobody")


async def test_a_coroutine_that_never_waits_is_done_before_the_call_returns():
    steps: list[str] = []

    async def handle() -> None:
        steps.append(f"handled for {who.get()}")

    context = contextvars.copy_context()
    context.run(who.set, "alice")
    assert start_eagerly(handle(), context) is None
    assert steps == ["handled for alice"]  # no loop turn needed


async def test_one_that_waits_resumes_with_what_it_waited_for_in_its_context():
    gate = asyncio.get_running_loop().create_future()
    steps: list[str] = []

    async def handle() -> None:
        steps.append("before")
        steps.append(f"got {await gate} for {who.get()}")
        await asyncio.sleep(0)  # a bare yield, too
        steps.append("after")

    context = contextvars.copy_context()
    context.run(who.set, "bob")
    finished = start_eagerly(handle(), context)
    assert steps == ["before"] and not finished.done()
    await asyncio.sleep(0.01)
    assert steps == ["before"]  # still waiting for the gate
    gate.set_result("the lock")
    await asyncio.wait_for(finished, 1)
    assert steps == ["before", "got the lock for bob", "after"]


async def test_an_exception_after_a_wait_reaches_the_future_and_one_awaited_is_raised_inside():
    gate = asyncio.get_running_loop().create_future()
    caught: list[str] = []

    async def handle() -> None:
        try:
            await gate
        except LookupError as exc:
            caught.append(str(exc))
        raise ValueError("bad frame")

    finished = start_eagerly(handle(), contextvars.copy_context())
    gate.set_exception(LookupError("gone"))
    with pytest.raises(ValueError, match="bad frame"):
        await asyncio.wait_for(finished, 1)
    assert caught == ["gone"]


async def test_frames_handled_one_after_another_keep_their_order():
    """As the sync socket uses it: the next one starts when the previous one is done."""
    order: list[int] = []
    lock = asyncio.Lock()

    async def handle(number: int) -> None:
        async with lock:  # some wait, some do not
            if number % 3 == 0:
                await asyncio.sleep(0.001)
            order.append(number)

    pending = None
    for number in range(30):
        if pending is not None:
            await pending
        pending = start_eagerly(handle(number), contextvars.copy_context())
    if pending is not None:
        await pending
    assert order == list(range(30))
