"""Randomized convergence through the real server (issue test 2); `make stress` runs more."""

import pytest
from asgiref.sync import sync_to_async

from canvas.services import create_canvas
from collab.client import SyncClient
from tests.sync.fuzz import run_session

pytestmark = [pytest.mark.django_db(transaction=True)]


async def fuzz(cast, base_url, seed, clients, operations):
    canvas = await sync_to_async(create_canvas)(cast.owner, f"fuzz {seed}", "document")
    url = cast.url(base_url).replace(str(cast.canvas.id), str(canvas.id))

    def make_client(i):
        return SyncClient(url, cast.sessions["owner"], name=f"peer{i}")

    return await run_session(make_client, canvas.id, seed, clients, operations)


@pytest.mark.parametrize("seed", range(8))
async def test_random_sessions_converge_and_lose_nothing(cast, live_server_url, seed):
    await fuzz(cast, live_server_url, seed, clients=3 + seed % 3, operations=150)


@pytest.mark.stress
@pytest.mark.parametrize("seed", range(100, 160))
async def test_long_random_sessions(cast, live_server_url, seed):
    await fuzz(cast, live_server_url, seed, clients=3 + seed % 3, operations=1500)
