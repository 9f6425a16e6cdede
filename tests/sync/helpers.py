"""Helpers for sync tests: sessions for Python clients and waiting for convergence."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from asgiref.testing import ApplicationCommunicator
from django.test import Client

from collab.client import SyncClient
from collab.persistence import load_text


def session_id(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def sync_url(base_url: str, canvas_id) -> str:
    return base_url.replace("http://", "ws://") + f"/ws/canvases/{canvas_id}/sync"


def client_for(base_url: str, canvas_id, user, **kwargs) -> SyncClient:
    return SyncClient(sync_url(base_url, canvas_id), session_id(user), **kwargs)


def _load_text_and_close(canvas_id: str) -> str:
    from django.db import connection

    try:
        return load_text(canvas_id)
    finally:
        connection.close()  # worker threads must not keep the test database open


async def stored_text(canvas_id) -> str:
    """The canvas text as a fresh load from the database gives it."""
    return await asyncio.to_thread(_load_text_and_close, str(canvas_id))


async def eventually(holds: Callable[[], object], timeout: float = 10) -> bool:
    """Whether ``holds()`` comes true within ``timeout`` seconds (looked at every 20 ms)."""
    deadline = time.monotonic() + timeout
    while not holds():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def converge(clients: list[SyncClient], canvas_id, timeout: float = 20) -> str:
    """Wait until every client and a fresh load from the database hold the same text."""
    deadline = time.monotonic() + timeout
    while True:
        texts = {c.get_text() for c in clients}
        if len(texts) == 1:
            stored = await stored_text(canvas_id)
            if stored in texts:
                return stored
        if time.monotonic() > deadline:
            stored = await stored_text(canvas_id)
            raise AssertionError(f"no convergence: clients={[c.get_text() for c in clients]!r}"
                                 f" db={stored!r}")
        await asyncio.sleep(0.05)


async def http_post(base_url: str, session: str, path: str, data: dict,
                    page: str = "/"):
    """POST as a signed-in person through the live server (with its CSRF token)."""
    import httpx

    async with httpx.AsyncClient(base_url=base_url, cookies={"sessionid": session}) as http:
        await http.get(page)
        token = http.cookies.get("csrftoken", "")
        return await http.post(path, data=data,
                               headers={"X-CSRFToken": token, "Referer": base_url + "/"})


class Socket(ApplicationCommunicator):
    """A WebSocket client speaking ASGI to the app in this process (channels.testing's
    WebsocketCommunicator needs daphne, which we do not install)."""

    def __init__(self, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        from canvas.asgi import application

        super().__init__(application, {
            "type": "websocket", "path": path, "raw_path": path.encode(), "headers": headers,
            "query_string": b"", "scheme": "ws", "subprotocols": [],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)})

    @classmethod
    def of_canvas(cls, canvas_id, session: str, endpoint: str = "sync") -> Socket:
        """A canvas's ``sync`` or ``chat`` socket, opened by ``session``'s browser."""
        return cls(f"/ws/canvases/{canvas_id}/{endpoint}", [
            (b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000"),
            (b"cookie", f"sessionid={session}".encode())])

    async def connect(self) -> bool:
        await self.send_input({"type": "websocket.connect"})
        return (await self.receive_output(5))["type"] == "websocket.accept"

    async def send_to(self, bytes_data: bytes) -> None:
        await self.send_input({"type": "websocket.receive", "bytes": bytes_data})

    async def receive_from(self, timeout: float = 5) -> bytes:
        message = await self.receive_output(timeout)
        assert message["type"] == "websocket.send", message
        return message["bytes"]

    async def disconnect(self) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(2)
