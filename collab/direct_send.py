"""Relayed frames encoded once and written straight to each socket.

With fifty people typing, every keystroke goes out to 49 sockets. Through ASGI each send
crosses uvicorn's ``asgi_send`` and the ``websockets`` library's ``send``, ``write_frame``
and ``Frame.write``, building the same WebSocket frame 49 times: a third of the server's
event loop at 50 editors. A server's frames are not masked (RFC 6455 §5.1), so with no
extension negotiated (per-message deflate is off, ``canvas/serving.py``) the bytes on the
wire are the same for every connection: ``PreparedFrame`` encodes them once, and
``DirectWriter`` writes them to the transport of a uvicorn ``websockets`` connection, with
its flow control. Any other server, or a connection not open, takes the ASGI path.
"""

from __future__ import annotations

import struct
import sys
from functools import cached_property

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
    """Writes prepared frames to one uvicorn ``websockets`` connection's transport."""

    def __init__(self, protocol, open_state: object) -> None:
        self._protocol = protocol
        self._open = open_state

    @classmethod
    def for_send(cls, send) -> DirectWriter | None:
        """A writer for the connection behind an ASGI ``send``, when it is one we can write
        to directly: the server side of a ``websockets`` connection with no extensions."""
        # Looked up, not imported: uvicorn imports websockets' (deprecated) legacy protocol
        # only when it serves with it, and then so does this.
        legacy = sys.modules.get("websockets.legacy.protocol")
        protocol = getattr(send, "__self__", None)
        if legacy is None or not isinstance(protocol, legacy.WebSocketCommonProtocol) \
                or protocol.is_client:
            return None
        return cls(protocol, sys.modules["websockets.protocol"].State.OPEN)

    async def write(self, frame: PreparedFrame) -> bool:
        """Write ``frame``; False when the connection cannot take it this way (not open yet,
        closing, an extension negotiated): send it through ASGI, which says why."""
        protocol = self._protocol
        transport = protocol.transport
        if protocol.state is not self._open or protocol.extensions or transport is None \
                or transport.is_closing() or getattr(protocol, "closed_event", None) is None \
                or protocol.closed_event.is_set():
            return False
        transport.write(frame.wire)
        if transport.get_write_buffer_size():
            await protocol.drain()  # a slow reader: wait as websockets' own send would
        return True
