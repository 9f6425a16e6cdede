"""Presence readable away from the sync server.

Awareness lives in the replicas' memory; a server-side peer (the assistant's turn, in a
worker) needs to know who is in the room and where their cursors are. Each replica posts
its live states here (the Django cache: Redis in production, this process's memory on a
laptop, where the worker runs in the server's process), at most every PUBLISH_EVERY s.
"""

from __future__ import annotations

import json

from django.core.cache import cache

PUBLISH_EVERY = 0.5
#: A board nobody refreshed for this long is stale (the last replica closed).
TTL = 120


def _key(room: str) -> str:
    return f"collab-presence:{room}"


async def publish(room: str, states: dict[int, str]) -> None:
    await cache.aset(_key(room), states, TTL)


def read(room: str) -> dict[int, dict]:
    """client id → presence state (parsed), as the replicas last posted them."""
    found = {}
    for client, state in (cache.get(_key(room)) or {}).items():
        try:
            value = json.loads(state)
        except ValueError:
            continue
        if isinstance(value, dict):
            found[int(client)] = value
    return found
