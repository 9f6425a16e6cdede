"""Relayed frames are encoded once and written straight to each uvicorn socket; what
arrives is what websockets itself would have sent, at every length encoding."""

from __future__ import annotations

import pytest
from websockets.frames import Frame, Opcode

from collab.direct_send import PreparedFrame
from tests.sync.helpers import client_for, converge

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 65_535, 65_536, 300_000])
def test_the_wire_bytes_are_websockets_own_unmasked_binary_frame(length):
    payload = bytes(range(256)) * (length // 256) + bytes(length % 256)
    expected = Frame(Opcode.BINARY, payload).serialize(mask=False, extensions=[])
    assert PreparedFrame(payload).wire == expected


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

