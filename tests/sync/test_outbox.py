"""The replica's outbox: relay first, store right after, in order, one row per run of one
origin; a failed store stops storing and says so once."""

from __future__ import annotations

import asyncio

from pycrdt import Doc, Text

from collab import outbox as outbox_module
from collab.outbox import MERGE_GROUP, Outbox, merged, runs_of


def keystrokes(count: int, client_id: int = 7) -> tuple[list[bytes], str]:
    """``count`` one-character updates of one writer, and the text they make."""
    doc = Doc(client_id=client_id)
    text = doc.get("content", type=Text)
    updates: list[bytes] = []
    subscription = doc.observe(lambda event: updates.append(event.update))
    for index in range(count):
        text.insert(index, "abcdefghij"[index % 10])
    doc.unobserve(subscription)
    return updates, str(text)


def text_of(updates: list[bytes]) -> str:
    doc = Doc()
    for update in updates:
        doc.apply_update(update)
    return str(doc.get("content", type=Text))


class Recorder:
    def __init__(self, fail_store: bool = False) -> None:
        self.frames: list[bytes] = []
        self.rows: list[tuple[bytes, str]] = []
        self.events: list[str] = []
        self.failures: list[Exception] = []
        self.fail_store = fail_store

    async def fanout(self, update: bytes) -> None:
        self.events.append("relay")
        self.frames.append(update)

    async def store(self, runs) -> None:
        self.events.append("store")
        if self.fail_store:
            raise OSError("disk full")
        self.rows += [(run.update, run.origin) for run in runs]

    async def stored(self, runs) -> None:
        self.events.append("stored")

    async def failed(self, exc: Exception) -> None:
        self.failures.append(exc)

    def outbox(self) -> Outbox:
        return Outbox(self.fanout, self.store, self.stored, self.failed)


async def test_a_burst_is_relayed_before_it_is_stored_in_fewer_frames_and_rows():
    updates, text = keystrokes(200)
    recorder = Recorder()
    box = recorder.outbox()
    for update in updates:
        await box.put(update, "user:1")
        await asyncio.sleep(0)  # frames arrive one loop turn apart, as from a socket
    await box.drain()
    assert text_of(recorder.frames) == text
    assert text_of([data for data, _ in recorder.rows]) == text
    assert len(recorder.frames) < 200 and len(recorder.rows) < 200
    assert recorder.events.index("relay") < recorder.events.index("store")
    assert {origin for _, origin in recorder.rows} == {"user:1"}


def test_many_updates_merge_in_groups_into_one_that_holds_them_all():
    updates, expected = keystrokes(3 * MERGE_GROUP * MERGE_GROUP + 5)
    whole = merged(updates)
    assert text_of([whole]) == expected
    assert merged(updates[:1]) == updates[0]


def test_runs_keep_each_origin_and_the_order():
    alice, _ = keystrokes(3, client_id=1)
    bob, _ = keystrokes(2, client_id=2)
    changes = [(alice[0], "user:1"), (alice[1], "user:1"), (bob[0], "user:2"),
               (alice[2], "user:1"), (bob[1], "user:2")]
    runs = runs_of(changes)
    assert [(run.origin, run.count) for run in runs] == [
        ("user:1", 2), ("user:2", 1), ("user:1", 1), ("user:2", 1)]
    assert text_of([run.update for run in runs]) == text_of([c for c, _ in changes])


async def test_a_failed_store_is_reported_once_and_nothing_more_is_stored():
    updates, text = keystrokes(5)
    recorder = Recorder(fail_store=True)
    box = recorder.outbox()
    await box.put(updates[0], "user:1")
    await box.drain()
    for update in updates[1:]:
        await box.put(update, "user:1")
    await box.drain()
    assert [str(exc) for exc in recorder.failures] == ["disk full"]
    assert recorder.events.count("store") == 1 and recorder.rows == []
    assert text_of(recorder.frames) == text  # the people here still got every change
    await asyncio.wait_for(box.backpressure(), 1)  # a broken outbox never holds anyone


async def test_a_flood_waits_for_the_log(monkeypatch):
    monkeypatch.setattr(outbox_module, "MAX_UNSTORED", 3)
    updates, _ = keystrokes(5)
    recorder = Recorder()
    box = recorder.outbox()
    for update in updates:
        await box.put(update, "user:1")
    waiting = asyncio.create_task(box.backpressure())
    await asyncio.sleep(0)
    assert not waiting.done()  # five unstored, three allowed
    await asyncio.wait_for(waiting, 2)
    assert recorder.rows  # it went on once the log had them


async def test_under_steady_typing_stores_are_a_write_window_apart():
    """Someone typing every 5 ms for half a second: a replica alone in its deployment
    stores about every WRITE_WINDOW_ALONE (100 ms), relaying every keystroke at once."""
    updates, text = keystrokes(100)
    recorder = Recorder()
    box = Outbox(recorder.fanout, recorder.store, recorder.stored, recorder.failed,
                 write_window=outbox_module.WRITE_WINDOW_ALONE)
    for update in updates:
        await box.put(update, "user:1")
        await asyncio.sleep(0.005)
    await box.drain()
    assert text_of([data for data, _ in recorder.rows]) == text
    stores = recorder.events.count("store")
    assert 2 <= stores <= 10  # a slow machine only makes batches larger
    assert len(recorder.frames) > 50  # relaying does not wait for the store's window
