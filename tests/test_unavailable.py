"""A socket opened while the database or the channel layer is away is told to try again
later (close code 1013) and nothing escapes the app as an unhandled exception."""

from __future__ import annotations

import pytest
from django.db.utils import OperationalError

from canvas.unavailable import TRY_AGAIN_LATER
from tests.sync.helpers import Socket

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("endpoint", ["sync", "chat"])
async def test_a_socket_opened_while_the_database_is_away_is_told_to_try_again(
        cast, monkeypatch, endpoint):
    from django.contrib.sessions.backends.db import SessionStore

    def database_down(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(SessionStore, "load", database_down)
    socket = Socket.of_canvas(cast.canvas.id, cast.sessions["owner"], endpoint)
    await socket.send_input({"type": "websocket.connect"})
    message = await socket.receive_output(5)
    assert message == {"type": "websocket.close", "code": TRY_AGAIN_LATER}
    await socket.wait(2)  # the app ended cleanly: an exception would be raised here


async def test_a_chat_socket_opened_while_the_channel_layer_is_away_is_told_to_try_again(
        cast, monkeypatch):
    from channels.layers import InMemoryChannelLayer

    async def layer_down(self, group, channel):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(InMemoryChannelLayer, "group_add", layer_down)
    socket = Socket.of_canvas(cast.canvas.id, cast.sessions["owner"], "chat")
    await socket.send_input({"type": "websocket.connect"})
    message = await socket.receive_output(5)
    assert message == {"type": "websocket.close", "code": TRY_AGAIN_LATER}
    await socket.wait(2)
