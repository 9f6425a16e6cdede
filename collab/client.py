"""A y-websocket client in Python: a pycrdt document kept in sync with the server.

It speaks the same protocol as the browser (y-websocket), so tests and benchmarks use it as
a real participant. Not used by the app itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable

from pycrdt import Doc, Text
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from . import positions
from .protocol import (
    AwarenessEntry,
    Outer,
    SyncStep,
    awareness_frame,
    encode_awareness,
    parse_awareness,
    parse_frame,
    sync_step1,
    sync_step2,
    sync_update,
)


class SyncClient:
    """One participant. ``url`` is the ws:// URL of a canvas's sync endpoint."""

    def __init__(self, url: str, session_id: str | None = None, origin: str | None = None,
                 doc: Doc | None = None, name: str = "python") -> None:
        self.url = url
        self.session_id = session_id
        self.origin = origin or "http://" + url.split("://", 1)[1].split("/", 1)[0]
        self.doc = doc or Doc()
        self.text = self.doc.get("content", type=Text)
        self.name = name
        self.ws: ClientConnection | None = None
        self.synced = asyncio.Event()
        self.errors: list[str] = []
        self.awareness: dict[int, AwarenessEntry] = {}
        self.received_updates = 0
        self.on_update: Callable[[bytes], None] | None = None
        self._applying_remote = False
        self._reader: asyncio.Task | None = None
        self._step2_waiters: list[asyncio.Future] = []
        self._awareness_clock = 0
        self.doc.observe(self._on_local_change)

    # --- connection ----------------------------------------------------------------------

    async def connect(self, wait_synced: bool = True, timeout: float = 10) -> SyncClient:
        headers = {"Origin": self.origin}
        if self.session_id:
            headers["Cookie"] = f"sessionid={self.session_id}"
        self.synced.clear()
        self.ws = await connect(self.url, additional_headers=headers, max_size=None,
                                open_timeout=timeout)
        self._reader = asyncio.create_task(self._read())
        await self.ws.send(sync_step1(self.doc.get_state()))
        if wait_synced:
            await asyncio.wait_for(self.synced.wait(), timeout)
        return self

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(BaseException):
                await self._reader
        self.ws = None

    async def drop(self) -> None:
        """Cut the connection without a closing handshake (a killed tab or lost network)."""
        if self.ws is not None:
            self.ws.transport.abort()
        if self._reader is not None:
            with contextlib.suppress(BaseException):
                await self._reader
        self.ws = None

    @property
    def connected(self) -> bool:
        return self.ws is not None and self._reader is not None and not self._reader.done()

    @property
    def close_code(self) -> int | None:
        return self.ws.close_code if self.ws is not None else None

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                if isinstance(message, bytes):
                    await self._handle(message)
        except ConnectionClosed:
            pass

    async def _handle(self, data: bytes) -> None:
        frame = parse_frame(data)
        if frame.outer == Outer.SYNC:
            if frame.step == SyncStep.STEP1:
                await self._send(sync_step2(self.doc.get_update(frame.payload)))
                return
            self._apply_remote(frame.payload)
            if frame.step == SyncStep.STEP2:
                self.synced.set()
                waiters, self._step2_waiters = self._step2_waiters, []
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)
        elif frame.outer == Outer.AWARENESS:
            for entry in parse_awareness(frame.payload):
                if entry.state == "null":
                    self.awareness.pop(entry.client_id, None)
                else:
                    self.awareness[entry.client_id] = entry
        elif frame.outer == Outer.AUTH:
            self.errors.append(frame.payload.decode())

    def _apply_remote(self, update: bytes) -> None:
        self.received_updates += 1
        self._applying_remote = True
        try:
            self.doc.apply_update(update)
        finally:
            self._applying_remote = False
        if self.on_update:
            self.on_update(update)

    def _on_local_change(self, event) -> None:
        if self._applying_remote or not self.connected:
            return  # offline edits reach the server through the next sync exchange
        update = event.update
        asyncio.get_running_loop().create_task(self._send(sync_update(update)))

    async def _send(self, frame: bytes) -> None:
        if self.ws is None:
            return
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(frame)

    async def send_raw(self, frame: bytes | str) -> None:
        await self.ws.send(frame)

    async def roundtrip(self, timeout: float = 10) -> None:
        """Wait until the server has handled everything sent before (it answers in order)."""
        waiter = asyncio.get_running_loop().create_future()
        self._step2_waiters.append(waiter)
        await self._send(sync_step1(self.doc.get_state()))
        await asyncio.wait_for(waiter, timeout)

    # --- editing, in code points ---------------------------------------------------------------

    def get_text(self) -> str:
        return str(self.text)

    def insert(self, index: int, value: str) -> None:
        positions.insert(self.text, index, value)

    def delete(self, start: int, end: int) -> None:
        positions.delete(self.text, start, end)

    # --- presence ---------------------------------------------------------------------------------

    async def set_presence(self, state: dict | None) -> None:
        self._awareness_clock += 1
        entry = AwarenessEntry(self.doc.client_id, self._awareness_clock,
                               json.dumps(state) if state is not None else "null")
        await self._send(awareness_frame(encode_awareness([entry])))
