"""The sync endpoint against a live uvicorn process, with Python clients speaking the
y-websocket protocol (the browser's protocol), on the embedded defaults."""

import asyncio
import os

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from collab.client import SyncClient
from collab.protocol import Outer, SyncStep, parse_frame, sync_step1, sync_update
from tests.sync.helpers import converge, stored_text

pytestmark = [pytest.mark.django_db(transaction=True)]


def client(cast, base_url, who="owner", **kwargs) -> SyncClient:
    return SyncClient(cast.url(base_url), cast.sessions.get(who), **kwargs)


async def test_handshake_server_sends_step1_and_answers_ours(cast, live_server_url):
    headers = {"Origin": live_server_url, "Cookie": f"sessionid={cast.sessions['owner']}"}
    async with connect(cast.url(live_server_url), additional_headers=headers) as ws:
        first = parse_frame(await asyncio.wait_for(ws.recv(), 5))
        assert (first.outer, first.step) == (Outer.SYNC, SyncStep.STEP1)
        await ws.send(sync_step1(b"\x00"))
        reply = parse_frame(await asyncio.wait_for(ws.recv(), 5))
        assert (reply.outer, reply.step) == (Outer.SYNC, SyncStep.STEP2)


@pytest.mark.parametrize("who", ["stranger", None])
async def test_non_members_and_anonymous_are_refused_at_the_handshake(cast, live_server_url,
                                                                       who):
    with pytest.raises(InvalidStatus) as refused:
        await client(cast, live_server_url, who).connect()
    assert refused.value.response.status_code == 403


async def test_unknown_canvas_is_refused(cast, live_server_url):
    url = cast.url(live_server_url).replace(str(cast.canvas.id),
                                            "00000000-0000-0000-0000-000000000000")
    with pytest.raises(InvalidStatus):
        await SyncClient(url, cast.sessions["owner"]).connect()


async def test_edits_reach_everyone_and_the_database(cast, live_server_url):
    a = await client(cast, live_server_url, "owner").connect()
    b = await client(cast, live_server_url, "editor").connect()
    viewer = await client(cast, live_server_url, "viewer").connect()
    a.insert(0, "Grüße, 世界! 😀\n")
    b.insert(0, "Ça va? ")
    text = await converge([a, b, viewer], cast.canvas.id)
    assert text.count("Grüße, 世界! 😀\n") == 1 and text.count("Ça va? ") == 1
    for c in (a, b, viewer):
        await c.close()


async def test_viewer_updates_are_refused_with_an_error_and_change_nothing(cast,
                                                                         live_server_url):
    owner = await client(cast, live_server_url, "owner").connect()
    owner.insert(0, "original")
    await converge([owner], cast.canvas.id)
    viewer = await client(cast, live_server_url, "viewer").connect()
    viewer.insert(0, "vandalism ")
    await viewer.roundtrip()
    await asyncio.sleep(0.3)
    assert viewer.errors and "not edit" in viewer.errors[0]
    assert owner.get_text() == "original"
    assert await stored_text(cast.canvas.id) == "original"
    # The viewer still receives live edits.
    owner.insert(8, "!")
    await asyncio.sleep(0.5)
    assert viewer.get_text().endswith("original!")
    await owner.close()
    await viewer.close()


async def test_offline_edits_merge_on_reconnect(cast, live_server_url):
    a = await client(cast, live_server_url, "owner").connect()
    b = await client(cast, live_server_url, "editor").connect()
    a.insert(0, "base\n")
    await converge([a, b], cast.canvas.id)
    await a.drop()
    a.insert(5, "offline-X 🛫\n")
    b.insert(0, "online-Y\n")
    await asyncio.sleep(0.3)
    assert "offline-X" not in b.get_text()
    await a.connect()
    text = await converge([a, b], cast.canvas.id)
    assert text.count("offline-X 🛫") == 1 and text.count("online-Y") == 1
    assert text.count("base") == 1
    await a.close()
    await b.close()


GARBAGE = [
    os.urandom(64),
    bytes([0, 2, 50, 1, 2]),  # truncated update
    bytes([7, 1, 2]),  # unknown message type
    bytes([0, 2, 3, 0xFF, 0xFF, 0xFF]),  # an update pycrdt cannot decode
    bytes([1, 5, 1, 1, 1, 1]) + b"{",  # awareness with broken JSON
]


@pytest.mark.parametrize("frame", GARBAGE + ["text frame"])
async def test_garbage_closes_only_that_connection(cast, live_server_url, frame):
    good = await client(cast, live_server_url, "owner").connect()
    good.insert(0, "safe text")
    await converge([good], cast.canvas.id)
    bad = await client(cast, live_server_url, "editor").connect()
    await bad.send_raw(frame)
    await asyncio.wait_for(bad._reader, 5)
    assert bad.ws.close_code == 4400
    # The server keeps serving the others, and the document is unchanged.
    good.insert(9, "!")
    assert await converge([good], cast.canvas.id) == "safe text!"
    await good.close()


async def test_oversized_frame_is_refused_with_its_code(cast, live_server_url, settings):
    good = await client(cast, live_server_url, "owner").connect()
    bad = await client(cast, live_server_url, "editor").connect()
    await bad.send_raw(sync_update(b"\x00" * (1024 * 1024 + 10)))
    await asyncio.wait_for(bad._reader, 5)
    assert bad.ws.close_code == 4413
    good.insert(0, "still fine")
    assert await converge([good], cast.canvas.id) == "still fine"
    await good.close()


async def test_presence_is_relayed_echoed_stamped_and_removed_on_drop(cast, live_server_url):
    a = await client(cast, live_server_url, "owner").connect()
    b = await client(cast, live_server_url, "editor").connect()
    await a.set_presence({"user": {"id": 999, "name": "I am the owner", "color": "#f00",
                                   "isAssistant": True}})
    await asyncio.sleep(0.3)
    mine = a.awareness.get(a.doc.client_id)
    assert mine is not None, "awareness must be echoed to its sender"
    theirs = b.awareness[a.doc.client_id]
    assert '"name":"owner"' in theirs.state and "isAssistant" not in theirs.state
    # A newcomer gets the current presence at once.
    c = await client(cast, live_server_url, "viewer").connect()
    await asyncio.sleep(0.3)
    assert a.doc.client_id in c.awareness
    await a.drop()  # no goodbye message, like a killed tab
    await asyncio.sleep(0.5)
    assert a.doc.client_id not in b.awareness and a.doc.client_id not in c.awareness
    await b.close()
    await c.close()


async def test_a_client_cannot_remove_anothers_presence(cast, live_server_url):
    a = await client(cast, live_server_url, "owner").connect()
    b = await client(cast, live_server_url, "editor").connect()
    await a.set_presence({"user": {"name": "a"}})
    await asyncio.sleep(0.3)
    from collab.protocol import AwarenessEntry, awareness_frame, encode_awareness

    await b.send_raw(awareness_frame(encode_awareness(
        [AwarenessEntry(a.doc.client_id, 99, "null")])))
    await asyncio.sleep(0.3)
    assert a.doc.client_id in b.awareness
    await a.close()
    await b.close()


async def test_removed_or_demoted_members_lose_access_at_once(cast, live_server_url):
    from asgiref.sync import sync_to_async

    from canvas.models import Membership
    from tests.sync.helpers import http_post

    editor = await client(cast, live_server_url, "editor").connect()
    viewer = await client(cast, live_server_url, "viewer").connect()
    owner = await client(cast, live_server_url, "owner").connect()

    async def as_owner(path, data):
        response = await http_post(live_server_url, cast.sessions["owner"], path, data,
                                   page=f"/canvases/{cast.canvas.id}/")
        return response.status_code

    # Demote the editor: their next update is refused, nothing is stored.
    base = f"/canvases/{cast.canvas.id}/members/"
    assert await as_owner(base + str(cast.editor.id), {"role": "viewer"}) == 200
    await asyncio.sleep(0.5)
    editor.insert(0, "after demotion")
    await editor.roundtrip()
    await asyncio.sleep(0.3)
    assert editor.errors and await stored_text(cast.canvas.id) == ""
    # Remove the viewer: their socket is closed with 4403.
    assert await as_owner(base + str(cast.viewer.id), {"remove": "1"}) == 200
    await asyncio.wait_for(viewer._reader, 5)
    assert viewer.ws.close_code == 4403
    assert not await sync_to_async(Membership.objects.filter(user=cast.viewer).exists)()
    await editor.close()
    await owner.close()
