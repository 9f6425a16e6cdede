"""ASGI middleware: a socket that cannot be served because the database or the channel
layer is away is closed with code 1013 ("try again later"; at the handshake, refused), not
ended by an unhandled exception.

During a PostgreSQL outage every socket handshake failed in Channels' AuthMiddleware (the
session cannot be read), and during a Redis outage the chat socket's ``group_add`` did:
one stress run's faults logged a thousand tracebacks for it. Browsers reconnect either
way; the log now says what happened in one line.
"""

from __future__ import annotations

import contextlib
import logging

from django.db import Error as DatabaseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: What a service that is away raises: the database's errors, Redis's, and a refused or
#: cut connection (not every OSError: a missing file is a bug, not an outage).
UNAVAILABLE = (DatabaseError, RedisConnectionError, RedisTimeoutError, ConnectionError,
               TimeoutError)
TRY_AGAIN_LATER = 1013


class UnavailableGuard:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        try:
            return await self.app(scope, receive, send)
        except UNAVAILABLE as exc:
            logger.warning("socket %s closed, a service is away: %r", scope.get("path"), exc)
            with contextlib.suppress(Exception):  # the socket may be gone already
                await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
