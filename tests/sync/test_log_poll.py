"""The log poll of a process: one look for all its open rooms, each room answered as if
it had asked alone."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async
from pycrdt import Doc, Text

from collab import persistence
from collab import replica as replicas
from collab.log_poll import LogPoller
from collab.persistence import LogLook
from tests.sync.helpers import Socket

pytestmark = [pytest.mark.django_db(transaction=True)]


def typed(doc: Doc, words: str) -> bytes:
    before = doc.get_state()
    doc.get("content", type=Text).insert(0, words)
    return doc.get_update(before)


def test_one_call_answers_each_room_as_its_own_query_would(cast):
    from canvas.services import create_canvas

    rows_room, folded_room = str(cast.canvas.id), str(create_canvas(cast.owner, "B", "document").id)
    a, b = Doc(), Doc()
    persistence.append_updates(rows_room, [(typed(a, "Alpha. "), "user:1")])
    seen = persistence.updates_since(rows_room, 0).max_seq
    persistence.append_updates(rows_room, [(typed(a, "Beta. "), "user:1")])
    persistence.append_updates(folded_room, [(typed(b, "Folded. "), "user:1")])
    persistence.compact(folded_room)  # its rows are gone: only the state has them

    looks = [LogLook(rows_room, seen), LogLook(folded_room, 0), LogLook(str(uuid.uuid4()), 0)]
    rows, folded, gone = persistence.updates_since_many(looks)
    alone = [persistence.updates_since(look.room, look.seq) for look in looks[:2]]
    assert (rows.updates, rows.seqs, rows.max_seq) == \
        (alone[0].updates, alone[0].seqs, alone[0].max_seq)
    assert (folded.updates, folded.max_seq) == (alone[1].updates, alone[1].max_seq)
    assert gone is None

    # Rows below what a reader has seen are read again only while they may be late commits.
    fresh = Doc()
    for update in rows.updates:
        fresh.apply_update(update)
    assert str(fresh.get("content", type=Text)) == "Beta. Alpha. "
    fresh = Doc()
    for update in folded.updates:
        fresh.apply_update(update)
    assert str(fresh.get("content", type=Text)) == "Folded. "


async def test_the_open_replicas_of_a_process_poll_the_log_in_one_query(cast, monkeypatch):
    from canvas.services import create_canvas

    rooms = [str(cast.canvas.id)] + [
        str((await sync_to_async(create_canvas)(cast.owner, f"Room {n}", "document")).id)
        for n in range(3)]
    calls: list[list[str]] = []
    real = persistence.updates_since_many

    def counting(looks):
        calls.append(sorted(look.room for look in looks))
        return real(looks)

    monkeypatch.setattr(persistence, "updates_since_many", counting)
    sockets = []
    for room in rooms:  # opened at different moments
        ws = Socket(f"/ws/canvases/{room}/sync", [
            (b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000"),
            (b"cookie", f"sessionid={cast.sessions['owner']}".encode())])
        assert await ws.connect()
        await ws.receive_from()
        sockets.append(ws)
        await asyncio.sleep(0.3)
    assert set(rooms) <= set(replicas.open_replicas())
    await asyncio.sleep(0)  # a look asked for in this very turn still counts as before
    all_open = len(calls)

    for _ in range(100):  # two ticks of the shared poll clock (2 s each)
        if len(calls) >= all_open + 2:
            break
        await asyncio.sleep(0.1)
    since_all_open = calls[all_open:]
    assert len(since_all_open) >= 2, calls
    assert all(call == sorted(rooms) for call in since_all_open), calls  # never one by one
    for ws in sockets:
        await ws.disconnect()


async def test_a_failed_look_fails_only_its_own_room(cast):
    poller = LogPoller()
    missing = str(uuid.uuid4())
    results = await asyncio.gather(
        poller.look(LogLook(str(cast.canvas.id), 0)), poller.look(LogLook(missing, 0)),
        return_exceptions=True)
    assert isinstance(results[0], persistence.Loaded)
    assert isinstance(results[1], persistence.room_model().DoesNotExist)
