"""uvicorn's WebSocket protocol (websockets' Sans-I/O parser) with a short way in for
binary messages.

A connection's app may set ``on_binary``: each binary message that arrives while nothing
is queued for the app goes to it straight from ``data_received``; it returns False to have
the message queued as usual (for ``receive``), as every other message is. Under the ASGI
path a message crosses a queue, a task wake-up and two ``epoll_ctl`` calls (reading paused
until the app takes it): at 10 editors, 200 of a keystroke's 650 us through the server.

Serve with ``--ws collab.socket_protocol:SyncSocketProtocol`` (canvas/serving.py).
"""

from __future__ import annotations

from collections.abc import Callable

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame


class SyncSocketProtocol(WebSocketsSansIOProtocol):
    on_binary: Callable[[bytes], bool] | None = None

    def handle_bytes(self, event: Frame) -> None:
        if self.on_binary is not None and event.fin and not self.close_sent \
                and self.queue.empty() and self.on_binary(event.data):
            return
        super().handle_bytes(event)
