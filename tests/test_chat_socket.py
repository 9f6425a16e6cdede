"""The chat socket: while someone watches, stale turns are reaped, through database outages."""

from __future__ import annotations

import asyncio

import pytest
from django.db.utils import OperationalError

from tests.sync.helpers import Socket

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_reaping_goes_on_after_the_database_was_away(cast, settings, monkeypatch):
    """A failed look for stale turns (the database restarting) ended the reaper for good:
    a turn whose worker died then stayed 'streaming' for everyone watching."""
    import canvas.consumers

    settings.CANVAS_TURN_STALE_AFTER = 3  # a look every second
    looks: list[str] = []

    def reap(canvas_id: str) -> None:
        looks.append("failed" if len(looks) == 1 else "done")
        if looks[-1] == "failed":
            raise OperationalError("connection refused")

    monkeypatch.setattr(canvas.consumers, "reap_stale_turns", reap)
    socket = Socket.of_canvas(cast.canvas.id, cast.sessions["owner"], "chat")
    assert await socket.connect()
    for _ in range(60):
        if len(looks) >= 3:
            break
        await asyncio.sleep(0.1)
    assert looks[:3] == ["done", "failed", "done"]
    await socket.disconnect()
