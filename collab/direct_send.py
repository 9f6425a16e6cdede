"""Relayed frames encoded once and written straight to each socket.

With fifty people typing, every keystroke goes out to 49 sockets. Through ASGI each send
crosses uvicorn's ``asgi_send`` and the ``websockets`` library's ``send``, ``write_frame``
and ``Frame.write``, building the same WebSocket frame 49 times: a third of the server's
event loop at 50 editors. A server's frames are not masked (RFC 6455 §5.1), so with no
extension negotiated (per-message deflate is off, ``canvas/serving.py``) the bytes on the
wire are the same for every connection: ``PreparedFrame`` encodes them once, and
``DirectWriter`` writes them to the transport of a uvicorn ``websockets`` (Sans-I/O)
connection, with its flow control. Any other server, or a connection not open, takes the
ASGI path.
"""

from __future__ import annotations

import struct
from functools import cached_property

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

_FIN_BINARY = 0x82


class PreparedFrame:
    """One sync frame for many connections: its payload, and its bytes on the wire."""

    __slots__ = ("payload", "__dict__")

    def __init__(self, payload: bytes) -> None:
        self.payload = payload

    @cached_property
    def wire(self) -> bytes:
        """The unmasked binary WebSocket frame carrying the payload."""
        length = len(self.payload)
        if length < 126:
            header = struct.pack("!BB", _FIN_BINARY, length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", _FIN_BINARY, 126, length)
        else:
            header = struct.pack("!BBQ", _FIN_BINARY, 127, length)
        return header + self.payload


class DirectWriter:
    """Writes prepared frames to one connection of uvicorn's ``websockets`` Sans-I/O
    protocol (collab/socket_protocol.py serves with its subclass)."""

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    @classmethod
    def for_send(cls, send) -> DirectWriter | None:
        """A writer for the connection behind an ASGI ``send``, when it is one we can write
        to directly."""
        protocol = getattr(send, "__self__", None)
        return cls(protocol) if isinstance(protocol, WebSocketsSansIOProtocol) else None

    def write_now(self, frame: PreparedFrame) -> bool:
        """Write ``frame`` if the connection is open and not holding writes back (a slow
        reader); False, having written nothing, otherwise."""
        protocol = self._protocol
        if not protocol.writable.is_set() or not self._open():
            return False
        protocol.transport.write(frame.wire)
        return True

    async def write(self, frame: PreparedFrame) -> bool:
        """Write ``frame``, then wait while the connection holds writes back; False when
        the connection cannot take it this way (not open yet, closing, an extension
        negotiated): send it through ASGI, which says why."""
        protocol = self._protocol
        if not self._open():
            return False
        protocol.transport.write(frame.wire)
        if not protocol.writable.is_set():
            await protocol.writable.wait()  # a slow reader: wait as uvicorn's send would
        return True

    def _open(self) -> bool:
        protocol = self._protocol
        connection = protocol.conn
        return connection.state is State.OPEN and not connection.extensions \
            and not protocol.close_sent and not protocol.disconnected \
            and not protocol.transport.is_closing()
