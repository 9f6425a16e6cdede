"""Sending to a group from synchronous code while the channel layer is away: the caller
carries on, and a message that must arrive is sent again until the layer takes it."""

from __future__ import annotations

import logging
import time

import pytest
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer

from collab import broadcast, layer_health
from collab.layer_health import LayerHealth


class FlakyLayer:
    """An in-memory layer that refuses its first ``failures`` sends, as channels_redis
    does while Redis restarts."""

    def __init__(self, failures: int) -> None:
        self.real = InMemoryChannelLayer()
        self.failures = failures
        self.attempts = 0

    async def group_send(self, group, message):
        self.attempts += 1
        if self.attempts <= self.failures:
            raise ConnectionRefusedError(111, "Connection refused")
        await self.real.group_send(group, message)


@pytest.fixture
def layer(monkeypatch):
    monkeypatch.setattr(layer_health, "health", LayerHealth())
    monkeypatch.setattr(broadcast, "RETRY_EVERY", 0.05)
    retrier = broadcast._Retrier()
    monkeypatch.setattr(broadcast, "_retrier", retrier)

    def install(failures: int) -> FlakyLayer:
        flaky = FlakyLayer(failures)
        monkeypatch.setattr(broadcast, "get_channel_layer", lambda: flaky)
        return flaky
    yield install
    retrier.close()


def member_of(flaky: FlakyLayer, group: str) -> str:
    channel = async_to_sync(flaky.real.new_channel)()
    async_to_sync(flaky.real.group_add)(group, channel)
    return channel


def test_a_send_into_a_dead_layer_returns_false_and_logs_once(layer, caplog):
    caplog.set_level(logging.WARNING, logger="collab.layer_health")
    flaky = layer(failures=1000)
    assert [broadcast.group_send("chat-1", {"type": "chat.queue"}) for _ in range(3)] \
        == [False] * 3
    assert [r.getMessage() for r in caplog.records].count(
        "channel layer send failed for chat-1; further failures are not logged until it "
        "works again") == 1
    assert flaky.attempts == 3, "without retry_for nothing is sent again"


def test_a_message_with_retry_for_arrives_once_the_layer_is_back(layer):
    flaky = layer(failures=4)
    channel = member_of(flaky, "canvas-1")
    assert not broadcast.group_send("canvas-1", {"type": "canvas.access", "user_id": 7},
                                    retry_for=30)
    deadline = time.monotonic() + 10
    while flaky.attempts < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert flaky.attempts == 5, "sent again until the layer took it, then no more"
    received = async_to_sync(flaky.real.receive)(channel)
    assert received == {"type": "canvas.access", "user_id": 7}
    assert not layer_health.health.down


def test_messages_sent_again_keep_their_order(layer):
    flaky = layer(failures=3)
    channel = member_of(flaky, "chat-2")
    for n in range(3):
        broadcast.group_send("chat-2", {"type": "chat.access", "n": n}, retry_for=30)
    deadline = time.monotonic() + 10
    while flaky.attempts < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    got = [async_to_sync(flaky.real.receive)(channel)["n"] for _ in range(3)]
    assert got == [0, 1, 2]


def test_a_message_is_given_up_after_its_deadline(layer, caplog):
    caplog.set_level(logging.WARNING, logger="collab.broadcast")
    flaky = layer(failures=1000)
    broadcast.group_send("canvas-3", {"type": "canvas.access"}, retry_for=0.2)
    deadline = time.monotonic() + 10
    while not any(r.name == "collab.broadcast" for r in caplog.records) \
            and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [r.getMessage() for r in caplog.records if r.name == "collab.broadcast"] == [
        "gave up sending canvas.access to canvas-3: the channel layer stayed away"]
    attempts = flaky.attempts
    time.sleep(0.2)
    assert flaky.attempts == attempts, "no more attempts after giving up"
