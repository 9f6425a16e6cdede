"""The log poll heals what the channel layer lost, however late it looks."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from pycrdt import Doc, Text

from collab import persistence
from collab import replica as replicas
from collab.models import DocUpdate
from collab.protocol import sync_update
from tests.sync.helpers import Socket, eventually

pytestmark = [pytest.mark.django_db(transaction=True)]


async def open_replica(cast) -> tuple[Socket, replicas.Replica]:
    """The owner's sync socket, open, and the replica it loaded."""
    ws = Socket.of_canvas(cast.canvas.id, cast.sessions["owner"])
    assert await ws.connect()
    await ws.receive_from()  # the server's step 1: the replica is loaded
    return ws, replicas.open_replicas()[str(cast.canvas.id)]


def shown(replica: replicas.Replica) -> str:
    """The text the replica holds (and shows its connections)."""
    return str(replica.doc.get("content", type=Text))


def other_process_update(canvas_id: str, text: str) -> None:
    """An update another process logged, whose layer message never arrived."""
    doc = persistence.load_doc(canvas_id)
    before = doc.get_state()
    doc.get("content", type=Text).insert(0, text)
    persistence.append_updates(canvas_id, [(doc.get_update(before), "user:999")])


async def test_a_row_the_layer_lost_is_found_after_this_replica_wrote_and_time_passed(cast):
    canvas_id = str(cast.canvas.id)
    ws, replica = await open_replica(cast)

    # Another process logs a row; its layer message is lost (nothing tells this replica).
    await sync_to_async(other_process_update)(canvas_id, "Lost on the way. ")
    # This replica then writes rows of its own, with higher seqs...
    mine = Doc()
    mine.apply_update(replica.doc.get_update())
    before = mine.get_state()
    mine.get("content", type=Text).insert(0, "Mine. ")
    await ws.send_to(sync_update(mine.get_update(before)))
    await eventually(lambda: "Mine." in shown(replica), timeout=2)
    await replica.flush()
    # ...and its event loop is so busy that it looks again only long after both were made.
    await sync_to_async(DocUpdate.objects.filter(canvas_id=canvas_id).update)(
        created=timezone.now() - timedelta(minutes=5))
    replica._poke.set()
    await eventually(lambda: "Lost on the way." in shown(replica), timeout=3)
    assert "Lost on the way." in shown(replica)
    await ws.disconnect()


async def test_changes_a_failed_write_could_not_store_are_stored_after_the_resync(
        cast, monkeypatch):
    """The database refuses a write: the replica holding the change must not serve the
    reconnecting client, or the client, seeing the change there, never sends it again."""
    from collab.protocol import Outer, SyncStep, parse_frame, sync_step2

    canvas_id = str(cast.canvas.id)
    mine = Doc()  # the browser's document: it keeps what it typed until the server has it

    async def connect() -> Socket:
        ws = Socket.of_canvas(canvas_id, cast.sessions["owner"])
        assert await ws.connect()
        step1 = parse_frame(await ws.receive_from())
        assert (step1.outer, step1.step) == (Outer.SYNC, SyncStep.STEP1)
        await ws.send_to(sync_step2(mine.get_update(step1.payload)))
        return ws

    ws = await connect()
    real_append = persistence.append_updates

    def database_down(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(persistence, "append_updates", database_down)
    before = mine.get_state()
    mine.get("content", type=Text).insert(0, "Typed while the database was down.")
    await ws.send_to(sync_update(mine.get_update(before)))
    while True:  # the replica could not store it: everyone resyncs
        message = await ws.receive_output(5)
        if message["type"] == "websocket.close":
            assert message["code"] == 1012
            break
    monkeypatch.setattr(persistence, "append_updates", real_append)

    ws = await connect()  # the client's step 2 carries what was not stored
    for _ in range(100):
        stored = await sync_to_async(persistence.load_text)(canvas_id)
        if stored:
            break
        await asyncio.sleep(0.05)
    assert stored == "Typed while the database was down."
    await ws.disconnect()


async def test_the_poll_applies_each_row_once_and_never_the_replicas_own(cast, monkeypatch):
    """Re-reading recent rows finds late commits; applying the ones this replica wrote or
    already read again would only cost its event loop (every keystroke's p99 under load)."""
    canvas_id = str(cast.canvas.id)
    ws, replica = await open_replica(cast)
    applied: list[bytes] = []
    real_apply = replica._apply_remote

    async def counting_apply(update: bytes) -> bool:
        applied.append(update)
        return await real_apply(update)

    monkeypatch.setattr(replica, "_apply_remote", counting_apply)
    mine = Doc()
    for word in ("One. ", "Two. ", "Three. "):
        before = mine.get_state()
        mine.get("content", type=Text).insert(0, word)
        await ws.send_to(sync_update(mine.get_update(before)))
        # Sent is not yet received: flush only once the replica has it.
        await eventually(lambda word=word: word in shown(replica), timeout=5)
        await replica.flush()  # stored, and known to the replica as its own rows
    await sync_to_async(other_process_update)(canvas_id, "From elsewhere. ")

    for _ in range(3):  # three polls, all within the late-commit window
        looked_at = replica._looked_at
        replica._poke.set()
        # A poll ends by noting when it looked.
        assert await eventually(lambda seen=looked_at: replica._looked_at != seen, timeout=5)
    assert len(applied) == 1, "only the other process's row, once"
    text = shown(replica)
    assert "From elsewhere. " in text and "Three. Two. One. " in text
    await ws.disconnect()


def test_layer_messages_carry_the_rows_seqs_in_order():
    from collab import relay

    big = b"x" * (relay.MAX_LAYER_PAYLOAD - 1)  # with "a", a batch is full
    messages = relay.update_messages([b"a", big, b"b" * (relay.MAX_LAYER_PAYLOAD + 1), b"c"],
                                     seqs=[1, 2, 3, 4])
    updates = [m for m in messages if m["type"] == "canvas.update"]
    assert [(m["updates"], m["seqs"]) for m in updates] == [([b"a", big], [1, 2]),
                                                            ([b"c"], [4])]
    assert messages[-1]["type"] == "canvas.poke"  # the row too large to travel
    assert "seqs" not in relay.update_messages([b"a"])[0]


async def test_a_poll_round_that_fails_does_not_end_the_polling(cast, monkeypatch):
    """The poll heals lost layer messages and rejoins a restarted layer: an error in one
    round (here its checkpoint) used to end the replica's poll task silently, for good."""
    canvas_id = str(cast.canvas.id)
    ws, replica = await open_replica(cast)
    failed = asyncio.Event()

    async def checkpoint_that_fails_once(pause=None) -> None:
        if not failed.is_set():
            failed.set()
            raise RuntimeError("a checkpoint that failed")

    monkeypatch.setattr(replica, "_maybe_checkpoint", checkpoint_that_fails_once)
    replica._poke.set()
    await asyncio.wait_for(failed.wait(), 10)
    await sync_to_async(other_process_update)(canvas_id, "Found after the failed round. ")
    replica._poke.set()
    await eventually(lambda: "Found after" in shown(replica), timeout=5)
    assert "Found after the failed round." in shown(replica)
    await ws.disconnect()


def other_process_insert(canvas_id: str, after: str, text: str) -> int:
    """Another process logs ``text`` typed right after ``after``; returns the row's seq."""
    doc = persistence.load_doc(canvas_id)
    before = doc.get_state()
    content = doc.get("content", type=Text)
    content.insert(str(content).index(after) + len(after), text)
    persistence.append_updates(canvas_id, [(doc.get_update(before), "user:999")])
    return DocUpdate.objects.filter(canvas_id=canvas_id).latest("seq").seq


async def test_a_row_folded_away_before_the_poll_read_it_comes_from_the_whole_log(
        cast, monkeypatch):
    """A row committed late, past the poll's window, and folded into the compacted state
    before the replica read it: the poll, asking only for what follows the state, never
    brings it. What was typed after it is held back for it, and the log is read whole."""
    monkeypatch.setattr(replicas, "REREAD_AFTER", 0.3)
    canvas_id = str(cast.canvas.id)
    ws, replica = await open_replica(cast)
    seq = await sync_to_async(other_process_insert)(canvas_id, "", "Lost. ")
    replica.max_seq = seq  # as if the poll had read a later row first
    await sync_to_async(persistence.compact)(canvas_id)
    await sync_to_async(other_process_insert)(canvas_id, "Lost. ", "Found.")

    replica._poke.set()
    assert await eventually(lambda: replica.document.held == 1, timeout=3), \
        "the row typed after the lost one waits for it"
    assert "Found." not in shown(replica)
    assert await eventually(lambda: shown(replica) == "Lost. Found.", timeout=5)
    assert replica.document.held == 0
    await ws.disconnect()


async def test_an_update_built_on_what_nobody_has_is_dropped_after_a_while(cast, monkeypatch):
    """Held back, and the log read whole, and still what it builds on is nowhere (a client
    that sent it in a hurry sends it again when it reconnects): it is let go."""
    monkeypatch.setattr(replicas, "REREAD_AFTER", 0.2)
    monkeypatch.setattr(replicas, "HOLD_AT_MOST", 0.5)
    ws, replica = await open_replica(cast)
    elsewhere = Doc()
    elsewhere.get("content", type=Text).insert(0, "Never sent. ")
    before = elsewhere.get_state()
    elsewhere.get("content", type=Text).insert(12, "Sent.")
    replica._apply(elsewhere.get_update(before))
    assert replica.document.held == 1

    async def poked() -> bool:
        replica._poke.set()
        await asyncio.sleep(0.1)
        return replica.document.held == 0

    for _ in range(40):
        if await poked():
            break
    assert replica.document.held == 0 and replica.document.held_bytes == 0
    assert shown(replica) == ""
    await ws.disconnect()
