"""Relayed frames are encoded once and written straight to each uvicorn socket; what
arrives is what websockets itself would have sent, at every length encoding."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from collab.direct_send import DirectWriter, PreparedFrame
from tests.sync.helpers import client_for, converge

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 65_535, 65_536, 300_000])
def test_the_wire_bytes_are_websockets_own_unmasked_binary_frame(length):
    payload = bytes(range(256)) * (length // 256) + bytes(length % 256)
    expected = Frame(Opcode.BINARY, payload).serialize(mask=False, extensions=[])
    assert PreparedFrame(payload).wire == expected


def test_anything_but_a_uvicorn_websockets_connection_takes_the_asgi_path():
    async def send(message: dict) -> None:  # an ASGI send of another server, or a test's
        pass

    assert DirectWriter.for_send(send) is None
    assert DirectWriter.for_send(object()) is None


async def test_small_and_large_relayed_frames_arrive_whole(cast, live_server_url):
    alice = await client_for(live_server_url, cast.canvas.id, cast.owner).connect()
    bob = await client_for(live_server_url, cast.canvas.id, cast.editor).connect()
    alice.insert(0, "k")  # a keystroke: a frame of a few dozen bytes
    await converge([alice, bob], cast.canvas.id)
    for size in (120, 70_000, 200_000):  # one-, two- and eight-byte length headers
        alice.insert(1, "é😀x" * (size // 6))
        await converge([alice, bob], cast.canvas.id)
    bob.insert(0, "Bob answers. ")
    text = await converge([alice, bob], cast.canvas.id)
    assert text.startswith("Bob answers. k")
    await alice.close()
    await bob.close()


class FakeSansIO:
    """The parts of uvicorn's Sans-I/O protocol a DirectWriter reads."""

    def __init__(self) -> None:
        self.conn = SimpleNamespace(state=State.OPEN, extensions=[])
        self.close_sent = self.disconnected = False
        self.written = bytearray()
        self.transport = SimpleNamespace(write=self.written.extend, is_closing=lambda: False)
        self.writable = asyncio.Event()
        self.writable.set()


async def test_a_slow_reader_is_written_to_by_the_waiting_path_only():
    protocol = FakeSansIO()
    writer = DirectWriter(protocol)
    frame = PreparedFrame(b"\x00\x02keystroke")
    assert writer.write_now(frame) and bytes(protocol.written) == frame.wire
    protocol.writable.clear()  # its transport's buffer is past the high-water mark
    assert not writer.write_now(frame) and bytes(protocol.written) == frame.wire
    waiting = asyncio.create_task(writer.write(frame))  # the fanout's fallback: write, wait
    await asyncio.sleep(0.01)
    assert not waiting.done() and bytes(protocol.written) == frame.wire * 2
    protocol.writable.set()
    assert await asyncio.wait_for(waiting, 1)
    protocol.close_sent = True  # closing: neither path writes; ASGI says why
    assert not writer.write_now(frame) and not await writer.write(frame)
    assert bytes(protocol.written) == frame.wire * 2
