"""Relayed frames encoded once and written straight to each socket.

With fifty people typing, every keystroke goes out to 49 sockets. Through ASGI each send
crosses uvicorn's ``asgi_send`` and the ``websockets`` library's ``send``, ``write_frame``
and ``Frame.write``, building the same WebSocket frame 49 times: a third of the server's
event loop at 50 editors. A server's frames are not masked (RFC 6455 §5.1), so with no
extension negotiated (per-message deflate is off, ``canvas/serving.py``) the bytes on the
wire are the same for every connection: ``PreparedFrame`` encodes them once, and the sync
socket (collab/socket_protocol.py) writes them to its transport, with its flow control.
Any other server, or a connection not open, takes the ASGI path.
"""

from __future__ import annotations

import struct
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
