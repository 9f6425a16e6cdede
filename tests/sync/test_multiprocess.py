"""Several ASGI processes sharing real Redis and PostgreSQL (issue test 4)."""

import asyncio
import os
import random

import pytest
import redis

from collab.client import SyncClient
from tests.sync.fuzz import token_boundaries
from tests.sync.helpers import converge

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_servers(asgi_server_factory):
    assert os.environ.get("REDIS_URL"), "integration runs set REDIS_URL (tests/services.py)"
    return asgi_server_factory(), asgi_server_factory()


async def test_clients_on_different_processes_converge_with_presence(cast, two_servers):
    one, two = two_servers
    a = await SyncClient(cast.url(one.url), cast.sessions["owner"]).connect()
    b = await SyncClient(cast.url(two.url), cast.sessions["editor"]).connect()
    a.insert(0, "from process one — ünïcode 😀\n")
    b.insert(0, "from process two — 漢字\n")
    text = await converge([a, b], cast.canvas.id)
    assert text.count("process one") == 1 and text.count("process two") == 1

    await a.set_presence({"user": {"name": "a", "color": "#123456"}})
    for _ in range(100):
        if a.doc.client_id in b.awareness:
            break
        await asyncio.sleep(0.05)
    assert '"name":"owner"' in b.awareness[a.doc.client_id].state
    await a.drop()
    for _ in range(100):
        if a.doc.client_id not in b.awareness:
            break
        await asyncio.sleep(0.05)
    assert a.doc.client_id not in b.awareness, "a closed socket's cursor must vanish everywhere"
    await b.close()


async def test_lost_layer_messages_heal_from_the_log(cast, two_servers):
    one, two = two_servers
    a = await SyncClient(cast.url(one.url), cast.sessions["owner"]).connect()
    b = await SyncClient(cast.url(two.url), cast.sessions["editor"]).connect()
    a.insert(0, "start\n")
    await converge([a, b], cast.canvas.id)
    # Wipe Redis: group memberships and queued messages are gone, as after an expiry.
    await asyncio.to_thread(redis.Redis.from_url(os.environ["REDIS_URL"]).flushall)
    rng = random.Random(3)
    for i in range(40):
        peer = a if rng.random() < 0.5 else b
        peer.insert(rng.choice(token_boundaries(peer.get_text())), f"⟦{i}⟧")
        await asyncio.sleep(0.01)
    text = await converge([a, b], cast.canvas.id, timeout=20)
    assert all(text.count(f"⟦{i}⟧") == 1 for i in range(40))
    await a.close()
    await b.close()


async def test_offline_client_reconnects_to_the_other_process(cast, two_servers):
    one, two = two_servers
    a = await SyncClient(cast.url(one.url), cast.sessions["owner"]).connect()
    b = await SyncClient(cast.url(two.url), cast.sessions["editor"]).connect()
    a.insert(0, "shared\n")
    await converge([a, b], cast.canvas.id)
    await a.drop()
    a.insert(0, "X offline\n")
    b.insert(0, "Y online\n")
    # Another process on another port here; behind a proxy it would be the same origin.
    a.url, a.origin = cast.url(two.url), two.url
    await a.connect()
    text = await converge([a, b], cast.canvas.id)
    assert text.count("X offline") == 1 and text.count("Y online") == 1
    await a.close()
    await b.close()
