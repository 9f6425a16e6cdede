"""A channel layer outage is said once when it starts and once when it ends, not with a
traceback for every send of every replica."""

from __future__ import annotations

import logging

from collab import layer_health
from collab.layer_health import LayerHealth
from collab.replica import Replica


def warnings_of(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.levelno >= logging.WARNING and record.name == "collab.layer_health"]


def test_an_outage_is_said_once_with_its_traceback_and_its_end_once():
    health = LayerHealth()
    for _ in range(3):
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except ConnectionRefusedError:
            health.failed("send", "room-1")
    assert health.down and health.failures == 3
    health.worked()
    health.worked()
    assert not health.down and health.failures == 0


async def test_replicas_sending_into_a_dead_layer_log_one_warning(caplog, monkeypatch):
    caplog.set_level(logging.DEBUG, logger="collab.layer_health")
    monkeypatch.setattr(layer_health, "health", LayerHealth())
    replicas = [Replica(f"room-{i}") for i in range(3)]
    sent: list[dict] = []

    class DeadLayer:
        async def group_send(self, group, message):
            raise ConnectionRefusedError(111, "Connection refused")

    class LiveLayer:
        async def group_send(self, group, message):
            sent.append(message)

    for replica in replicas:
        replica.layer = DeadLayer()
    for _ in range(5):
        for replica in replicas:
            await replica._group_send({"type": "canvas.poke"})
    said = warnings_of(caplog)
    assert len(said) == 1 and "further failures are not logged" in said[0]
    assert caplog.records[0].exc_info, "the first one carries its traceback"

    replicas[0].layer = LiveLayer()
    await replicas[0]._group_send({"type": "canvas.poke"})
    assert sent and warnings_of(caplog)[-1] == "channel layer works again, after 15 failures"
    await replicas[1]._group_send({"type": "canvas.poke"})
    assert len(warnings_of(caplog)) == 3, "the next outage is said again"
