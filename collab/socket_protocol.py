"""uvicorn's WebSocket protocol (websockets' Sans-I/O parser) with a short way in for
binary messages and a short way out for prepared frames.

In: a connection's app may set ``on_binary``. Each binary message that arrives while
nothing is queued for the app goes to it straight from ``data_received``; it returns False
to have the message queued as usual (for ``receive``), as every other message is. Under the
ASGI path a message crosses a queue, a task wake-up and two ``epoll_ctl`` calls (reading
paused until the app takes it): at 10 editors, 200 of a keystroke's 650 us through the
server.

Out: ``write_now`` writes a frame encoded once for many connections (direct_send.py) to the
transport, with no coroutine; ``write`` does the same and then waits while the peer reads
slowly, as uvicorn's ``send`` would. With fifty people typing, each keystroke is written to
49 sockets: the Python around each write was half the cost of the system call.

Serve with ``--ws collab.socket_protocol:SyncSocketProtocol`` (canvas/serving.py).
"""

from __future__ import annotations

from collections.abc import Callable

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame
from websockets.protocol import State

from .direct_send import PreparedFrame

#: At most this many messages of one read go the short way: the rest of a burst (a client
#: replaying its offline edits frame by frame, a flood) is queued, and handled a loop turn
#: apart, so that one socket's burst does not hold up every other room in the process.
SHORT_WAY_PER_READ = 16
_OPEN = State.OPEN


class SyncSocketProtocol(WebSocketsSansIOProtocol):
    on_binary: Callable[[bytes], bool] | None = None
    _short_way_left = 0

    def data_received(self, data: bytes) -> None:
        self._short_way_left = SHORT_WAY_PER_READ
        super().data_received(data)

    def write_now(self, frame: PreparedFrame) -> bool:
        """Write ``frame`` if the connection is open and not holding writes back (the
        transport's buffer past its high-water mark: a slow reader); False, having written
        nothing, otherwise (then ``write``, or the ASGI path, takes it)."""
        if not self.writable.is_set() or not self._open_for_frames():
            return False
        self.transport.write(frame.wire)
        return True

    async def write(self, frame: PreparedFrame) -> bool:
        """Write ``frame``, then wait while the peer reads slowly. False when the
        connection cannot take it this way (not open yet, closing, an extension
        negotiated): send it through ASGI, which says why."""
        if not self._open_for_frames():
            return False
        self.transport.write(frame.wire)
        if not self.writable.is_set():
            await self.writable.wait()
        return True

    def _open_for_frames(self) -> bool:
        # A server's frames are not masked (RFC 6455 §5.1): with no extension, the same
        # bytes suit every connection.
        conn = self.conn
        return conn.state is _OPEN and not conn.extensions and not self.close_sent \
            and not self.disconnected and not self.transport.is_closing()

    def handle_bytes(self, event: Frame) -> None:
        if self.on_binary is not None and self._short_way_left > 0 and event.fin \
                and not self.close_sent and self.queue.empty():
            self._short_way_left -= 1
            if self.on_binary(event.data):
                return
        super().handle_bytes(event)
