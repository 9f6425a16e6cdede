"""The update log, compaction and restarts: the text stays byte-identical."""

import asyncio
import gzip
import json
import random
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError, connection
from pycrdt import Doc, Text

from collab import persistence
from collab.models import DocUpdate
from tests.sync.helpers import converge, stored_text

pytestmark = [pytest.mark.django_db(transaction=True)]

TRACE = Path(__file__).resolve().parents[3] / "shared" / "data" / "automerge-paper.json.gz"


def trace_updates(limit: int) -> tuple[list[bytes], str]:
    """The first ``limit`` edits of the real editing trace, as one Y update each."""
    data = json.loads(gzip.decompress(TRACE.read_bytes()))
    doc = Doc(client_id=3000000000)
    text = doc.get("content", type=Text)
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    plain = ""
    for txn in data["txns"][:limit]:
        for position, deleted, inserted in txn["patches"]:
            with doc.transaction():  # ASCII trace: code points == UTF-8 bytes
                if deleted:
                    del text[position:position + deleted]
                if inserted:
                    text.insert(position, inserted)
            plain = plain[:position] + inserted + plain[position + deleted:]
    assert str(text) == plain
    return updates, plain


def test_compaction_at_random_cut_points_keeps_text_and_state(cast):
    updates, plain = trace_updates(6000)
    canvas_id = str(cast.canvas.id)
    rng = random.Random(7)
    cuts = sorted(rng.sample(range(1, len(updates)), 3)) + [len(updates)]
    start = 0
    for cut in cuts:
        persistence.append_updates(canvas_id, [(u, "user:1") for u in updates[start:cut]])
        result = persistence.compact(canvas_id)
        assert result.folded == cut - start
        start = cut
        assert DocUpdate.objects.filter(canvas_id=canvas_id).count() == 0
    loaded = persistence.load_doc(canvas_id)
    assert str(loaded.get("content", type=Text)) == plain
    reference = Doc()
    for update in updates:
        reference.apply_update(update)
    assert loaded.get_state() == reference.get_state()


def test_compaction_keeps_rows_it_did_not_read(cast):
    canvas_id = str(cast.canvas.id)
    doc = Doc()
    text = doc.get("content", type=Text)
    updates = []
    doc.observe(lambda event: updates.append(event.update))
    text += "one "
    text += "two"
    persistence.append_updates(canvas_id, [(updates[0], "system")])
    persistence.compact(canvas_id)
    persistence.append_updates(canvas_id, [(updates[1], "system")])
    assert persistence.load_text(canvas_id) == "one two"
    assert DocUpdate.objects.filter(canvas_id=canvas_id).count() == 1


def test_rows_logged_before_what_they_build_on_load_and_compact_whole(cast):
    """Rows out of causal order (the four keystrokes pycrdt alone leaves at "ebh", see
    collab/waiting_updates.py): loading and compacting give every letter."""
    from tests.sync.test_waiting_updates import out_of_order_edits

    canvas_id = str(cast.canvas.id)
    updates, final = out_of_order_edits()
    persistence.append_updates(canvas_id, [(update, "system") for update in updates])
    assert persistence.load_text(canvas_id) == final
    persistence.compact(canvas_id)
    assert persistence.load_text(canvas_id) == final
    assert DocUpdate.objects.filter(canvas_id=canvas_id).count() == 0


def test_compaction_leaves_in_the_log_a_row_whose_dependency_is_not_stored(cast):
    """Folding it would drop it for good (Yrs leaves pending structs out of the state)."""
    from tests.sync.test_waiting_updates import out_of_order_edits

    canvas_id = str(cast.canvas.id)
    (b, h, d, e), final = out_of_order_edits()
    persistence.append_updates(canvas_id, [(update, "system") for update in (b, h, d)])
    persistence.compact(canvas_id)
    assert DocUpdate.objects.filter(canvas_id=canvas_id).count() == 2, "h and d wait for e"
    persistence.append_updates(canvas_id, [(e, "system")])
    persistence.compact(canvas_id)
    assert persistence.load_text(canvas_id) == final
    assert DocUpdate.objects.filter(canvas_id=canvas_id).count() == 0


def test_rows_building_on_what_a_document_already_holds_are_applied_at_once():
    """The assistant's peer catches up on the rows after those it loaded: they build on
    its document, and none of them waits (it used to count them all as lacking)."""
    writer = Doc(client_id=2)
    text = writer.get("content", type=Text)
    text += "abc"
    reader = Doc(client_id=9)
    reader.apply_update(writer.get_update())
    rows: list[bytes] = []
    writer.observe(lambda event: rows.append(event.update))
    text.insert(3, "x")
    text.insert(0, "y")
    assert persistence.apply_causally(reader, rows) == []
    assert str(reader.get("content", type=Text)) == "yabcx"


def test_an_append_longer_than_one_statement_is_stored_whole_and_in_order(cast, monkeypatch):
    canvas_id = str(cast.canvas.id)
    updates, plain = trace_updates(60)
    monkeypatch.setattr(persistence, "_INSERT_CHUNK", 7)  # several INSERTs for one append
    seqs = persistence.append_updates(canvas_id, [(u, "user:1") for u in updates])
    assert len(seqs) == len(updates) and seqs == sorted(set(seqs))
    stored = dict(DocUpdate.objects.filter(canvas_id=canvas_id).values_list("seq", "data"))
    assert [bytes(stored[seq]) for seq in seqs] == updates  # each seq names its own update
    assert persistence.load_text(canvas_id) == plain


def test_an_append_that_fails_part_way_stores_none_of_it(cast, monkeypatch):
    canvas_id = str(cast.canvas.id)
    updates, _ = trace_updates(20)
    persistence.append_updates(canvas_id, [(updates[0], "user:1")])
    monkeypatch.setattr(persistence, "_INSERT_CHUNK", 4)
    inserts = []

    def disk_fails_at_the_third_insert(execute, sql, params, many, context):
        if sql.startswith("INSERT INTO") and DocUpdate._meta.db_table in sql:
            inserts.append(sql)
            if len(inserts) == 3:
                raise OperationalError("disk I/O error")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(disk_fails_at_the_third_insert), \
            pytest.raises(OperationalError):
        persistence.append_updates(canvas_id, [(u, "user:1") for u in updates[1:]])
    assert len(inserts) == 3
    assert DocUpdate.objects.filter(canvas_id=canvas_id).count() == 1


def test_a_poll_result_less_the_rows_a_replica_has_keeps_the_compacted_state():
    loaded = persistence.Loaded([b"state", b"row 7", b"row 8", b"row 9"], 9, [7, 8, 9])
    rest = loaded.without({8})
    assert (rest.updates, rest.seqs, rest.max_seq) == ([b"state", b"row 7", b"row 9"], [7, 9], 9)
    assert persistence.Loaded([b"row 3"], 3, [3]).without({3}).updates == []


async def test_restart_and_compaction_keep_the_text_and_sync_an_old_offline_client(
        cast, asgi_server_factory):
    server = await sync_to_async(asgi_server_factory)()
    from collab.client import SyncClient

    url = cast.url(server.url)
    a = await SyncClient(url, cast.sessions["owner"]).connect()
    old = await SyncClient(url, cast.sessions["editor"]).connect()
    a.insert(0, "Première ligne — 第一行 😀\nsecond line\n")
    before = await converge([a, old], cast.canvas.id)
    await old.drop()  # goes offline holding the pre-compaction history
    old.insert(0, "offline edit 🛰\n")

    a.delete(0, 9)  # removes "Première "
    expected = await converge([a], cast.canvas.id)
    assert expected == before[9:]
    await a.close()
    server.stop(kill=True)  # SIGKILL: no goodbye, nothing flushed on purpose
    await sync_to_async(persistence.compact)(str(cast.canvas.id))
    assert await stored_text(cast.canvas.id) == expected

    server = await sync_to_async(asgi_server_factory)()  # a fresh process
    url = cast.url(server.url)
    fresh = await SyncClient(url, cast.sessions["owner"]).connect()
    assert fresh.get_text() == expected
    old.url, old.origin = url, server.url  # the restarted server listens on another port
    await old.connect()
    final = await converge([fresh, old], cast.canvas.id)
    assert final == "offline edit 🛰\n" + expected
    await fresh.close()
    await old.close()


async def test_document_size_limit_refuses_growth_visibly(cast, asgi_server_factory):
    server = await sync_to_async(asgi_server_factory)(CANVAS_MAX_DOC="2000")
    from collab.client import SyncClient

    a = await SyncClient(cast.url(server.url), cast.sessions["owner"]).connect()
    a.insert(0, "x" * 500)
    kept = await converge([a], cast.canvas.id)
    a.insert(0, "y" * 3000)
    await a.roundtrip()
    await asyncio.sleep(0.3)
    assert a.errors and "size limit" in a.errors[-1]
    assert await stored_text(cast.canvas.id) == kept
    await a.close()
