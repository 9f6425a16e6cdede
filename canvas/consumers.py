"""The chat socket ``/ws/canvases/<uuid>/chat``: htmx fragments for everyone in a canvas."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from collab import broadcast

from . import chat
from .access import membership_for
from .assistant import queue
from .assistant.turns import reap_stale_turns
from .models import Role

logger = logging.getLogger(__name__)


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        broadcast.remember_main_loop()
        self.canvas_id = str(self.scope["url_route"]["kwargs"]["canvas_id"])
        membership = await database_sync_to_async(membership_for)(self.scope.get("user"),
                                                                   self.canvas_id)
        if membership is None:
            await self.close(code=4403)
            return
        self.group = chat.chat_group(self.canvas_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await database_sync_to_async(reap_stale_turns)(self.canvas_id)
        # The whole history on every (re)connect: fragments missed while away are healed.
        await self.send(text_data=await database_sync_to_async(chat.render_history)(
            self.canvas_id))
        await self.send(text_data=await database_sync_to_async(self._render_queue)())
        self.reaper = asyncio.create_task(self._reap_periodically())

    async def _reap_periodically(self) -> None:
        """While someone watches, a turn whose worker died is marked failed promptly."""
        interval = max(1.0, settings.CANVAS_TURN_STALE_AFTER / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                await database_sync_to_async(reap_stale_turns)(self.canvas_id)
            except Exception:  # the database is away: look again next time, do not stop
                logger.warning("reaping stale turns of %s failed", self.canvas_id,
                               exc_info=True)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "reaper"):
            self.reaper.cancel()
            with contextlib.suppress(BaseException):
                await self.reaper
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        """The chat is posted over HTTP; the socket only listens."""

    async def chat_access(self, event: dict) -> None:
        user = self.scope.get("user")
        if event.get("user_id") not in (None, getattr(user, "pk", None)):
            return
        session = self.scope.get("session")
        ended = event.get("ended_session")
        if ended and ended == getattr(session, "session_key", None):
            await self.close(code=4401)  # signed out in this browser
            return
        if await database_sync_to_async(membership_for)(user, self.canvas_id) is None:
            await self.close(code=4403)

    async def chat_queue(self, event: dict) -> None:
        """The request queue changed: render it for this person (their own controls)."""
        await self.send(text_data=await database_sync_to_async(self._render_queue)())

    def _render_queue(self) -> str:
        user = self.scope.get("user")
        membership = membership_for(user, self.canvas_id)
        can_reorder = membership is not None and membership.role == Role.OWNER
        return queue.render(self.canvas_id, user, can_reorder)

    async def chat_html(self, event: dict) -> None:
        await self.send(text_data=event["html"])
