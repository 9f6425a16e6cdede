"""A room's presence (Yjs awareness): who is here, where their cursors are.

Kept per replica, beside its document but apart from it: states are never stored, a
connection may speak only for its own client ids (or its person's, after a reconnect),
and a full room takes no newcomers. Every accepted change goes to this process's
connections and, through the replica, to other processes; the live states are posted to
the presence board, which the app reads (the assistant sees who is in the room).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from django.conf import settings

from . import presence_board
from .protocol import AwarenessEntry, encode_awareness, parse_awareness

logger = logging.getLogger(__name__)

#: Remote awareness states older than this are considered gone (as y-protocols does).
AWARENESS_TIMEOUT = 30.0


@dataclass
class AwarenessState:
    clock: int
    state: str
    updated: float
    owner: object | None = None  # the connection that controls this client id


class PresenceLimit(Exception):
    """A connection's presence went over its limits."""


class Presence:
    """The awareness states of one room. ``show(update)`` sends an awareness update to
    this process's connections, ``tell(update)`` to the room's other processes."""

    def __init__(self, room: str, show: Callable[[bytes], Awaitable[None]],
                 tell: Callable[[bytes], Awaitable[None]]) -> None:
        self.room = room
        self.states: dict[int, AwarenessState] = {}
        self._show, self._tell = show, tell
        self._post: asyncio.Task | None = None
        self._changed = False  # the states changed while a post was pending

    def snapshot(self) -> bytes | None:
        """Every live state, as one awareness update (None when there is none)."""
        now = time.monotonic()
        entries = [AwarenessEntry(client, s.clock, s.state)
                   for client, s in self.states.items()
                   if s.state != "null" and now - s.updated < AWARENESS_TIMEOUT]
        return encode_awareness(entries) if entries else None

    async def receive(self, entries: list[AwarenessEntry], owner: object) -> None:
        """A connection's presence: keep it, echo it to everyone (the sender too: a lone
        y-websocket client reconnects when it hears nothing), and tell other processes."""
        await self.apply(encode_awareness(entries), owner=owner, publish=True,
                         entries=entries)

    async def apply(self, update: bytes, owner: object | None, publish: bool,
                    entries: list[AwarenessEntry] | None = None) -> None:
        """Take what is newer in ``update`` (from ``owner``, or from another process when
        None) and show it here; tell other processes too when ``publish``."""
        entries = entries if entries is not None else parse_awareness(update)
        now = time.monotonic()
        accepted = []
        for entry in entries:
            known = self.states.get(entry.client_id)
            if known and owner is not None and not _may_speak_for(owner, known.owner):
                continue  # a connection may not speak for another person's client
            if known is None and entry.state == "null":
                continue  # the end of a presence already gone: nothing to show
            if known is None and len(self.states) >= settings.COLLAB_PRESENCE_MAX_CLIENTS:
                continue  # a full room shows no more newcomers (every new tab would pay)
            newer = known is None or entry.clock > known.clock or (
                entry.clock == known.clock and entry.state == "null")
            if not newer:
                continue  # what we have (y-websocket clients send back all they hear)
            if owner is not None and (known is None or known.owner is not owner):
                self._check_owned(owner)
            self.states[entry.client_id] = AwarenessState(entry.clock, entry.state, now, owner)
            accepted.append(entry)
        self._prune(now)
        if not accepted:
            return
        self._post_soon()
        update = encode_awareness(accepted)
        await self._show(update)
        if publish:
            await self._tell(update)

    def _check_owned(self, owner: object) -> None:
        """Before ``owner`` takes one more client id: a browser tab shows one presence (a
        few more are slack), thousands are abuse. Only ids a connection takes count: a
        y-websocket client sends back every presence it hears of, and those are dropped
        above (before, counting them closed the sockets of rooms of five people)."""
        owned = sum(1 for state in self.states.values() if state.owner is owner)
        if owned >= settings.COLLAB_PRESENCE_PER_CONNECTION:
            raise PresenceLimit(f"A connection may show at most "
                                f"{settings.COLLAB_PRESENCE_PER_CONNECTION} presences.")

    async def remove_owner(self, owner: object) -> None:
        """A connection closed: its cursors vanish for everyone at once (no ghosts)."""
        gone = [AwarenessEntry(client, state.clock + 1, "null")
                for client, state in self.states.items() if state.owner is owner]
        for entry in gone:
            del self.states[entry.client_id]
        if gone:
            self._post_soon()
            update = encode_awareness(gone)
            await self._show(update)
            await self._tell(update)

    async def close(self) -> None:
        """Let the pending post finish: the last one clears the board."""
        if self._post is not None:
            with contextlib.suppress(BaseException):
                await self._post

    def _post_soon(self) -> None:
        """Post the live states to the presence board: at once after a quiet spell (someone
        who just came in is seen by the next turn), then at most every PUBLISH_EVERY s."""
        if self._post is None or self._post.done():
            self._post = asyncio.create_task(self._post_while_changing())
        else:
            self._changed = True

    async def _post_while_changing(self) -> None:
        while True:
            self._changed = False
            now = time.monotonic()
            states = {client: s.state for client, s in self.states.items()
                      if s.state != "null" and now - s.updated < AWARENESS_TIMEOUT}
            try:
                await presence_board.publish(self.room, states)
            except Exception:  # presence is a courtesy: never let it break the room
                logger.warning("could not post presence of %s", self.room, exc_info=True)
            await asyncio.sleep(presence_board.PUBLISH_EVERY)
            if not self._changed:
                return

    def _prune(self, now: float) -> None:
        stale = [client for client, state in self.states.items()
                 if now - state.updated > 2 * AWARENESS_TIMEOUT]
        for client in stale:
            del self.states[client]


def _may_speak_for(connection: object, owner: object | None) -> bool:
    """A client id may move to a new connection of the same person (a reconnect)."""
    if owner is None or owner is connection:
        return True
    return getattr(owner, "user_id", object()) == getattr(connection, "user_id", None)


def rewrite_user(state: str, user_id: int, name: str) -> str:
    """Stamp the signed-in identity on a presence state, so nobody can pose as another."""
    try:
        data = json.loads(state)
    except ValueError:
        return state
    if isinstance(data, dict) and isinstance(data.get("user"), dict):
        data["user"].update({"id": user_id, "name": name})
        data["user"].pop("isAssistant", None)
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return state
