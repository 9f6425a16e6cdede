"""The sync endpoint ``/ws/canvases/<uuid>/sync``: the y-websocket protocol over Channels.

Close codes (the browser shows them; see frontend/src/editor):
4400 malformed frame, 4401 signed out, 4403 no access, 4404 canvas gone, 4413 frame too
large (or presence over its limits), 1011 the server could not load the canvas or handle a
frame, 1012 resync needed (reconnect at once).

Frames are limited to COLLAB_MAX_FRAME bytes, except sync step 2: a client's answer to our
step 1 carries everything it changed offline, and may be as large as a whole document.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from . import replica as replicas
from .access import Access, authorize
from .budget import ByteBudget
from .comment_stamps import Writer
from .direct_send import PreparedFrame
from .eager import start_eagerly
from .models import room_model
from .presence import PresenceLimit, rewrite_user
from .protocol import (
    AwarenessEntry,
    Frame,
    Outer,
    ProtocolError,
    SyncStep,
    awareness_frame,
    parse_awareness,
    parse_frame,
    permission_denied,
    sync_step1,
    sync_step2,
)
from .socket_protocol import SyncSocketProtocol

logger = logging.getLogger(__name__)

CLOSE_MALFORMED = 4400
CLOSE_SIGNED_OUT = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_GONE = 4404
CLOSE_TOO_LARGE = 4413
CLOSE_SERVER_ERROR = 1011
CLOSE_RESYNC = 1012

READ_ONLY_MESSAGE = "You can view this canvas but not edit it: your change was not saved."
FOREIGN_WRITER_MESSAGE = ("This change was written under another participant's identity and "
                          "was not saved. Reload the page.")
COMMENT_ONLY_MESSAGE = ("You can comment on this canvas but not edit its text: your change "
                        "was not saved.")
#: What a commenter's updates may change.
COMMENTABLE = frozenset({"comments"})
TOO_LARGE_MESSAGE = ("This canvas has reached its size limit: the last change was not "
                     "saved. Remove some text to go on.")


class SyncConsumer(AsyncWebsocketConsumer, replicas.Connection):
    replica: replicas.Replica | None = None

    async def connect(self) -> None:
        self.canvas_id = str(self.scope["url_route"]["kwargs"]["canvas_id"])
        user = self.scope.get("user")
        access = await database_sync_to_async(authorize)(user, self.canvas_id)
        if access is None:
            await self.close(code=CLOSE_FORBIDDEN)  # before accept: the handshake fails
            return
        self.user_id = user.pk
        self.user_name = user.get_username()
        self._set_access(access)
        self.origin = f"user:{user.pk}"
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None)
        self.sync_budget = ByteBudget(settings.COLLAB_SYNC_BURST, settings.COLLAB_SYNC_RATE)
        await self.accept()
        try:
            self.replica = await replicas.acquire(self.canvas_id, self)
        except room_model().DoesNotExist:
            await self.close(code=CLOSE_GONE, reason="This canvas was deleted.")
            return
        except Exception:
            logger.exception("could not load canvas %s", self.canvas_id)
            await self.close(code=CLOSE_SERVER_ERROR, reason="The canvas could not be loaded.")
            return
        # Our own SyncStep1 makes the client send what it has and we lack (offline edits).
        await self.send(bytes_data=sync_step1(self.replica.state_vector()))
        presence = self.replica.awareness_snapshot()
        if presence:
            await self.send(bytes_data=awareness_frame(presence))

    async def __call__(self, scope, receive, send) -> None:
        # One socket and no layer channel of its own (replicas relay): a plain read loop, not
        # Channels' await_many_dispatch, which costs a task and an asyncio.wait per frame.
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        # Relayed frames, the bulk of what a busy room sends, skip the session wrapper's check
        # on every message (it saves sessions on HTTP responses only; this socket never
        # changes one) and Channels' send layers: a fifth of the fan-out's cost at 50 editors.
        self._send_frame = getattr(getattr(send, "__self__", None), "real_send", send)
        protocol = getattr(self._send_frame, "__self__", None)
        self._socket = protocol if isinstance(protocol, SyncSocketProtocol) else None
        # Binary frames that arrive while this loop waits are handled from the socket's
        # data_received (collab/socket_protocol.py), in order: one at a time, none while
        # this loop dispatches, and this loop waits for the one under way.
        self._context = contextvars.copy_context()
        self._dispatching = True
        self._eager: asyncio.Future | None = None
        if self._socket is not None:
            self.write_prepared = self._socket.write_now  # relayed frames straight out
            self._socket.on_binary = self._on_binary
        try:
            with contextlib.suppress(StopConsumer):
                while True:
                    self._dispatching = False
                    message = await receive()
                    self._dispatching = True
                    if self._eager is not None:
                        if not self._eager.done():  # asyncio.wait would cost a loop turn
                            await asyncio.wait([self._eager])
                        self._eager = None
                    await self.dispatch(message)
        finally:
            if self._socket is not None:
                self._socket.on_binary = None

    def _on_binary(self, data: bytes) -> bool:
        """Handle a binary frame now, unless an earlier one is still being handled."""
        if self._dispatching or (self._eager is not None and not self._eager.done()):
            return False
        self._eager = start_eagerly(self.receive(bytes_data=data), self._context)
        return True

    async def dispatch(self, message: dict) -> None:
        # Channels runs close_old_connections in a worker thread before every message: a
        # thread hop per frame, the largest cost of a replayed trace. Frames touch the
        # database only through database_sync_to_async and the store thread, which both
        # close stale connections themselves, so they skip it.
        if message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def disconnect(self, code: int) -> None:
        if self.replica is not None:
            replica, self.replica = self.replica, None
            await replicas.release(replica, self)

    async def send_frame(self, frame: bytes) -> None:
        await self._send_frame({"type": "websocket.send", "bytes": frame})

    async def send_prepared(self, frame: PreparedFrame) -> None:
        if self._socket is None or not await self._socket.write(frame):
            await self.send_frame(frame.payload)

    async def recheck_access(self, ended_session: str | None = None) -> None:
        if ended_session and ended_session == self.session_key:
            await self.refuse(CLOSE_SIGNED_OUT, "You signed out.")
            return
        access = await database_sync_to_async(authorize)(self.scope.get("user"), self.canvas_id)
        if access is None:
            await self.refuse(CLOSE_FORBIDDEN, "You no longer have access to this canvas.")
        else:
            self._set_access(access)

    def _set_access(self, access: Access) -> None:
        self.can_edit = access.can_edit
        self.can_comment = access.can_edit or access.can_comment
        self.writer = Writer(self.user_id, self.user_name, may_edit=self.can_edit)

    async def close_for_resync(self) -> None:
        await self.close(code=CLOSE_RESYNC, reason="Reconnect to resynchronise.")

    async def refuse(self, code: int, reason: str) -> None:
        logger.info("closing sync socket of user %s on %s: %s", getattr(self, "user_id", None),
                    self.canvas_id, reason)
        replica, self.replica = self.replica, None
        if replica is not None:
            await replicas.release(replica, self)
        await self.close(code=code, reason=reason[:120])

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.replica is None:
            return
        if bytes_data is None:
            await self.refuse(CLOSE_MALFORMED, "The sync protocol uses binary frames.")
            return
        limit = _frame_limit(bytes_data)
        if len(bytes_data) > limit:
            await self.refuse(CLOSE_TOO_LARGE, f"Frames are limited to {limit} bytes.")
            return
        # Whatever a frame does, the socket ends with a code and the replica is released.
        try:
            frame = parse_frame(bytes_data)
            await self.handle(frame)
        except (ProtocolError, replicas.InvalidUpdate) as exc:
            await self.refuse(CLOSE_MALFORMED, f"Malformed message: {exc}")
        except PresenceLimit as exc:
            await self.refuse(CLOSE_TOO_LARGE, str(exc))
        except Exception:
            logger.exception("sync frame from user %s on %s failed", self.user_id,
                             self.canvas_id)
            await self.refuse(CLOSE_SERVER_ERROR, "The server could not handle a message.")

    async def handle(self, frame: Frame) -> None:
        replica = self.replica
        if frame.outer == Outer.SYNC:
            if frame.step == SyncStep.STEP1:
                # Each answer may be the whole document: pay for the last before the next.
                await self.sync_budget.ready()
                if self.replica is not replica:
                    return  # closed while waiting
                answer = sync_step2(replica.diff(frame.payload))
                self.sync_budget.spend(len(answer))
                await self.send(bytes_data=answer)
            elif not self.can_comment:
                # A viewer's answer to our SyncStep1 is ignored unread: its app never edits,
                # so what it holds that we lack came from others (relayed, then lost in a
                # crash). Checking it decoded the whole document per frame, for any viewer
                # to repeat at will, and the notice it led to blamed them for others' text.
                if frame.step == SyncStep.UPDATE:
                    await self.send(bytes_data=permission_denied(READ_ONLY_MESSAGE))
            else:
                resync = frame.step == SyncStep.STEP2
                update = frame.payload
                if not self.can_edit:
                    # Checking a commenter's update decodes the whole document: it is paid
                    # for from the budget that whole-document answers are (one at a time).
                    await self.sync_budget.ready()
                    if self.replica is not replica:
                        return  # closed while waiting
                    self.sync_budget.spend(replica.size)
                    if resync:  # others' text it kept from before a crash is not its to write
                        update = await replica.without_others(update, self.origin)
                        if replica.would_change(update, ignoring=COMMENTABLE):
                            # nor others' deletions of text (read only when there are some)
                            update = replica.without_deletions_outside(update, COMMENTABLE)
                    if replica.would_change(update, ignoring=COMMENTABLE):
                        # A commenter's whole update is refused when any of it touches the text.
                        await self.send(bytes_data=permission_denied(COMMENT_ONLY_MESSAGE))
                        return
                try:
                    await replica.receive_update(update, self.origin, self.user_id,
                                                 self.writer, resync=resync)
                except replicas.DocumentTooLarge:
                    await self.send(bytes_data=permission_denied(TOO_LARGE_MESSAGE))
                except replicas.ForeignWriter:
                    await self.send(bytes_data=permission_denied(FOREIGN_WRITER_MESSAGE))
        elif frame.outer == Outer.AWARENESS:
            sent = parse_awareness(frame.payload)
            self._check_presence(sent)
            entries = [AwarenessEntry(e.client_id, e.clock,
                                      rewrite_user(e.state, self.user_id, self.user_name))
                       for e in sent]
            await replica.receive_awareness(entries, owner=self)
        elif frame.outer == Outer.QUERY_AWARENESS:
            presence = replica.awareness_snapshot()
            if presence:
                await self.send(bytes_data=awareness_frame(presence))
        # Outer.AUTH from a client carries nothing we act on.

    def _check_presence(self, entries: list[AwarenessEntry]) -> None:
        """A presence state has a size limit; how many a connection may show is checked by
        the room's presence, which knows whose each one is (presence.py)."""
        for entry in entries:
            if len(entry.state.encode()) > settings.COLLAB_PRESENCE_MAX_STATE:
                raise PresenceLimit(f"Presence states are limited to "
                                    f"{settings.COLLAB_PRESENCE_MAX_STATE} bytes.")


_STEP2_START = bytes([Outer.SYNC, SyncStep.STEP2])


def _frame_limit(data: bytes) -> int:
    """Sync step 2 (outer 0, step 1) may carry a whole document; everything else is small."""
    if data[:2] == _STEP2_START:
        return max(settings.COLLAB_MAX_FRAME, settings.COLLAB_MAX_DOC + 64 * 1024)
    return settings.COLLAB_MAX_FRAME
