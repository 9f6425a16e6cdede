"""The sync socket's short way in: a binary message goes straight to the app's on_binary
while nothing is queued for it; anything else, or anything after a queued message, takes
uvicorn's queue, so the app sees every message once and in order. Its short way out: a
prepared frame is written at once, unless the peer reads slowly or the socket closes."""

from __future__ import annotations

import asyncio

import pytest
from pycrdt import Doc, Text
from uvicorn.config import Config
from uvicorn.server import ServerState
from websockets.asyncio.client import connect
from websockets.frames import Frame, Opcode

from collab.direct_send import PreparedFrame
from collab.protocol import Outer, SyncStep, parse_frame, sync_step1, sync_update
from collab.socket_protocol import SHORT_WAY_PER_READ, SyncSocketProtocol

HANDSHAKE = (b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
             b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             b"Sec-WebSocket-Version: 13\r\n\r\n")


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_extra_info(self, name: str, default=None):
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default)


def frame(payload: bytes, opcode: Opcode = Opcode.BINARY) -> bytes:
    return Frame(opcode, payload).serialize(mask=True, extensions=[])  # clients mask


async def connected(app) -> SyncSocketProtocol:
    config = Config(app=app, ws=SyncSocketProtocol, lifespan="off", log_level="warning")
    config.load()
    protocol = SyncSocketProtocol(config, ServerState(), app_state={})
    protocol.connection_made(Transport())
    protocol.data_received(HANDSHAKE)
    for _ in range(20):
        await asyncio.sleep(0)
    assert protocol.handshake_complete
    return protocol


async def test_binary_messages_go_straight_to_on_binary_and_the_rest_through_the_queue():
    direct: list[bytes] = []
    queued: list[object] = []
    accept_direct = True

    def on_binary(data: bytes) -> bool:
        if accept_direct:
            direct.append(bytes(data))
        return accept_direct

    async def app(scope, receive, send) -> None:
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        send.__self__.on_binary = on_binary
        while True:
            message = await receive()
            queued.append(message.get("bytes") or message.get("text") or message["type"])
            if message["type"] == "websocket.disconnect":
                return

    protocol = await connected(app)
    # Two messages in one read: both taken at once, without a loop turn.
    protocol.data_received(frame(b"\x00\x02one") + frame(b"\x00\x02two"))
    assert direct == [b"\x00\x02one", b"\x00\x02two"] and queued == []
    # Text, and a binary message the app declines: through the queue.
    protocol.data_received(frame(b"hello", Opcode.TEXT))
    accept_direct = False
    protocol.data_received(frame(b"declined"))
    accept_direct = True
    # Queued messages are not overtaken: this one waits behind them.
    protocol.data_received(frame(b"behind"))
    for _ in range(10):
        await asyncio.sleep(0)
    assert queued == ["hello", b"declined", b"behind"]
    assert direct == [b"\x00\x02one", b"\x00\x02two"]
    # The queue is empty again: straight in.
    protocol.data_received(frame(b"again"))
    assert direct[-1] == b"again"
    # A burst in one read: the first SHORT_WAY_PER_READ straight in, the rest queued.
    direct.clear()
    queued.clear()
    burst = [b"\x00\x02%d" % n for n in range(SHORT_WAY_PER_READ + 5)]
    protocol.data_received(b"".join(frame(data) for data in burst))
    assert direct == burst[:SHORT_WAY_PER_READ]
    for _ in range(20):
        await asyncio.sleep(0)
    assert queued == burst[SHORT_WAY_PER_READ:]
    protocol.connection_lost(None)


@pytest.mark.django_db(transaction=True)
async def accepting_app(scope, receive, send) -> None:
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while (await receive())["type"] != "websocket.disconnect":
        pass


async def test_a_slow_reader_is_written_to_by_the_waiting_path_only():
    protocol = await connected(accepting_app)
    transport = protocol.transport
    frame = PreparedFrame(b"\x00\x02keystroke")
    start = len(transport.written)
    assert protocol.write_now(frame) and bytes(transport.written[start:]) == frame.wire
    protocol.pause_writing()  # the transport's buffer passed its high-water mark
    assert not protocol.write_now(frame) and bytes(transport.written[start:]) == frame.wire
    waiting = asyncio.create_task(protocol.write(frame))  # the fan-out's fallback
    await asyncio.sleep(0.01)
    assert not waiting.done() and bytes(transport.written[start:]) == frame.wire * 2
    protocol.resume_writing()
    assert await asyncio.wait_for(waiting, 1)
    assert protocol.write_now(frame)
    protocol.connection_lost(None)  # gone: neither way writes; ASGI says why
    assert not protocol.write_now(frame) and not await protocol.write(frame)
    assert bytes(transport.written[start:]) == frame.wire * 3


@pytest.mark.django_db(transaction=True)
async def test_frames_behind_one_that_waits_are_handled_after_it(cast, live_server_url):
    """A new writer's first keystroke waits (its client id is looked up in the log); what
    the same socket sends right behind it (more keystrokes, then a SyncStep1) is handled
    after it, in order: the answer to the step 1 holds every keystroke sent before it."""
    headers = {"Origin": live_server_url, "Cookie": f"sessionid={cast.sessions['editor']}"}
    doc = Doc()
    text = doc.get("content", type=Text)
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    for index, char in enumerate("in order, all of it"):
        text.insert(index, char)
    async with connect(cast.url(live_server_url), additional_headers=headers) as ws:
        await asyncio.wait_for(ws.recv(), 5)  # the server's step 1
        for burst in ([updates[0], sync_step1(b"\x00")],
                      [*updates[1:], sync_step1(b"\x00")]):
            for update in burst:
                await ws.send(update if update[0] == Outer.SYNC else sync_update(update))
            while (answer := parse_frame(await asyncio.wait_for(ws.recv(), 5))).step \
                    != SyncStep.STEP2:
                pass  # echoes of the keystrokes
            seen = Doc()
            seen.apply_update(answer.payload)
            expected = "in order, all of it" if len(burst) > 2 else "i"
            assert str(seen.get("content", type=Text)) == expected
