"""A change relayed but never stored before a crash is restored by whoever still has it.

Replicas relay a change first and store it right after, so a server killed in between
leaves the change only in the clients that received it. When one of them reconnects, its
answer to the server's SyncStep1 carries that change, under its writer's client id: the
server must take it (and the sender's own offline edits with it), keeping the writer as
its author, even when the writer never comes back. Refusing it as "written under someone
else's identity" left both waiting in the server for good (the stress test's ASGI kill).
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from pycrdt import Doc, Map, Text

from collab import persistence
from collab.client import SyncClient
from collab.protocol import sync_update
from collab.yjs_positions import blocks_of
from tests.sync.helpers import converge, eventually, stored_text

pytestmark = [pytest.mark.django_db(transaction=True)]


class HeldLog:
    """Holds the update log's write lock from another connection, so the server's stores
    wait (as if it were killed between relaying a change and storing it)."""

    def __init__(self) -> None:
        self.held, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        connection = connections.create_connection("default")
        try:
            connection.ensure_connection()
            raw = connection.connection
            if connection.vendor == "sqlite":
                raw.execute("BEGIN IMMEDIATE")  # WAL: readers go on, other writers wait
            else:
                raw.autocommit = False
                raw.execute("LOCK TABLE collab_docupdate IN SHARE ROW EXCLUSIVE MODE")
            self.held.set()
            self.release.wait(60)
            if connection.vendor != "sqlite":
                # A killed server's backend would still run its waiting INSERT once the
                # lock is gone (PostgreSQL notices the lost client only later): end it.
                raw.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                            "datname = current_database() AND wait_event_type = 'Lock'")
            raw.rollback()
        finally:
            connection.close()

    def __enter__(self) -> HeldLog:
        self.thread.start()
        assert self.held.wait(10), "could not lock the log"
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(10)


def writers_of(canvas_id: str, piece: str) -> set[int]:
    """The client ids of the stored blocks that hold ``piece``'s characters."""
    doc = persistence.load_doc(canvas_id)
    return {client for client, blocks in blocks_of(doc).items()
            for block in blocks if block.text and block.text.strip() and block.text in piece}


async def wait_for(client: SyncClient, piece: str, timeout: float = 10) -> None:
    assert await eventually(lambda: piece in client.get_text(), timeout), \
        f"{piece!r} never reached {client.name}"


async def test_a_change_relayed_then_lost_in_a_crash_is_restored_by_its_receiver(
        cast, asgi_server_factory):
    server = await sync_to_async(asgi_server_factory)()
    url, canvas_id = cast.url(server.url), str(cast.canvas.id)
    alice = await SyncClient(url, cast.sessions["owner"], name="alice").connect()
    bob = await SyncClient(url, cast.sessions["editor"], name="bob").connect()
    alice.insert(0, "Alice wrote this.")
    await converge([alice, bob], canvas_id)  # stored: alice's client id is on record

    with HeldLog():
        alice.insert(len(alice.get_text()), " And this, just before the crash.")
        await wait_for(bob, "just before the crash.")  # relayed to bob, not stored
        # Bob writes inside that sentence: his change depends on alice's unstored one.
        bob.insert(bob.get_text().index(" crash."), " (bob agrees)")
        await wait_for(alice, "(bob agrees)")
        await sync_to_async(server.stop)(kill=True)
    assert "just before" not in await stored_text(canvas_id)

    await alice.drop()  # alice never comes back: only bob has her last sentence
    await bob.drop()
    bob.insert(len(bob.get_text()), " Bob, offline.")
    await sync_to_async(server.start)()
    await bob.connect()
    text = await converge([bob], canvas_id)

    assert text == ("Alice wrote this. And this, just before the (bob agrees) crash."
                    " Bob, offline.")
    assert bob.errors == []
    # Alice's sentence keeps her as its author; bob's words stay his.
    assert await sync_to_async(writers_of)(canvas_id, " And this, just before the crash.") \
        == {alice.doc.client_id}
    origins = await sync_to_async(persistence.client_origins)(canvas_id)
    assert origins[alice.doc.client_id] == f"user:{cast.owner.pk}"
    assert origins[bob.doc.client_id] == f"user:{cast.editor.pk}"
    await bob.close()


async def test_a_writer_first_heard_of_through_a_resync_keeps_writing_and_is_its_author(
        cast, asgi_server_factory):
    """Alice's first words were relayed to bob and lost in the crash before anything of hers
    was stored: nobody had recorded her client id when bob's resync brought it. It is not
    bob's to claim: her next live keystroke under it is taken (it was refused as written
    under bob's identity, until she reloaded the page), and the text is hers."""
    server = await sync_to_async(asgi_server_factory)()
    url, canvas_id = cast.url(server.url), str(cast.canvas.id)
    bob = await SyncClient(url, cast.sessions["editor"], name="bob").connect()
    bob.insert(0, "Bob wrote this.")
    await converge([bob], canvas_id)
    alice = await SyncClient(url, cast.sessions["owner"], name="alice").connect()

    with HeldLog():
        alice.insert(0, "Alice's first words. ")
        await wait_for(bob, "Alice's first words.")  # relayed to bob, not stored
        await sync_to_async(server.stop)(kill=True)
    origins = await sync_to_async(persistence.client_origins)(canvas_id)
    assert alice.doc.client_id not in origins

    await alice.drop()
    await bob.drop()
    await sync_to_async(server.start)()
    await bob.connect()  # bob's resync brings alice's words first
    await converge([bob], canvas_id)
    assert "Alice's first words." in await stored_text(canvas_id)
    await alice.connect()
    alice.insert(len(alice.get_text()), " Alice again.")
    text = await converge([alice, bob], canvas_id)

    assert text == "Alice's first words. Bob wrote this. Alice again."
    assert alice.errors == [] and bob.errors == []
    origins = await sync_to_async(persistence.client_origins)(canvas_id)
    assert origins[alice.doc.client_id] == f"user:{cast.owner.pk}"
    assert origins[bob.doc.client_id] == f"user:{cast.editor.pk}"
    # Hers for good now: bob writing under her id is refused.
    forged = Doc(client_id=alice.doc.client_id)
    forged.apply_update(alice.doc.get_update())
    before = forged.get_state()
    forged.get("content", type=Text).insert(0, "Alice agrees: ")
    await bob.send_raw(sync_update(forged.get_update(before)))
    await bob.roundtrip()
    assert bob.errors and "another participant's identity" in bob.errors[-1]
    assert await stored_text(canvas_id) == text
    for c in (alice, bob):
        await c.close()


async def test_an_update_under_someone_elses_client_id_is_still_refused_outside_a_resync(
        cast, live_server_url):
    """Only the answer to our SyncStep1 restores others' changes; a plain update written
    under another participant's id is refused as before (test_provenance has the forger)."""
    url, canvas_id = cast.url(live_server_url), str(cast.canvas.id)
    alice = await SyncClient(url, cast.sessions["owner"], name="alice").connect()
    alice.insert(0, "Alice wrote this.")
    await converge([alice], canvas_id)
    forged = Doc(client_id=alice.doc.client_id)
    forged.apply_update(alice.doc.get_update())
    before = forged.get_state()
    forged.get("content", type=Text).insert(0, "Alice agrees: ")
    bob = await SyncClient(url, cast.sessions["editor"], name="bob").connect()
    await bob.send_raw(sync_update(forged.get_update(before)))
    await bob.roundtrip()
    assert bob.errors and "another participant's identity" in bob.errors[-1]
    assert await stored_text(canvas_id) == "Alice wrote this."
    for c in (alice, bob):
        await c.close()


async def _lost_while_a_commenter_watched(cast, asgi_server_factory, text: str, change,
                                         relayed: str):
    """alice (owner) writes ``text``; ``change(alice)`` reaches carol (commenter) until her
    text is ``relayed``, and the server is killed before storing it; carol comments while
    the server is down, and it restarts. Returns (canvas id, alice, carol), carol away."""
    from tests.sync.test_comment_rights import comment

    server = await sync_to_async(asgi_server_factory)()
    url, canvas_id = cast.url(server.url), str(cast.canvas.id)
    alice = await SyncClient(url, cast.sessions["owner"], name="alice").connect()
    carol = await SyncClient(url, cast.sessions["commenter"], name="carol").connect()
    alice.insert(0, text)
    await converge([alice, carol], canvas_id)
    with HeldLog():
        change(alice)
        assert await eventually(lambda: carol.get_text() == relayed)  # relayed, not stored
        await sync_to_async(server.stop)(kill=True)
    await carol.drop()
    carol.doc.get("comments", type=Map)["c1"] = comment("carol", "Which holidays?",
                                                        userId=cast.commenter.pk)
    await sync_to_async(server.start)()
    return canvas_id, alice, carol


async def _stored_comment(canvas_id: str, key: str) -> str | None:
    """The body of comment ``key`` once the log has it (None after 5 s)."""
    for _ in range(100):
        comments = (await sync_to_async(persistence.load_doc)(canvas_id)).get(
            "comments", type=Map)
        if key in comments:
            return comments[key]["body"]
        await asyncio.sleep(0.05)
    return None


async def test_a_commenters_resync_brings_its_comments_and_leaves_others_text_to_editors(
        cast, asgi_server_factory):
    """A commenter's answer may hold an editor's text lost in the crash: a commenter may not
    write text, so that part waits for someone who may; the comments go in, unrefused."""
    canvas_id, alice, carol = await _lost_while_a_commenter_watched(
        cast, asgi_server_factory, "Opening hours: nine to five.",
        lambda alice: alice.insert(len(alice.get_text()), " Closed on Sundays."),
        "Opening hours: nine to five. Closed on Sundays.")
    await carol.connect()
    assert await _stored_comment(canvas_id, "c1") == "Which holidays?"
    assert carol.errors == []
    assert await stored_text(canvas_id) == "Opening hours: nine to five."

    # Alice comes back with her sentence: now it is stored, and carol has everything.
    await alice.drop()
    await alice.connect()
    await converge([alice, carol], canvas_id)
    assert await stored_text(canvas_id) == "Opening hours: nine to five. Closed on Sundays."
    for c in (alice, carol):
        await c.close()


async def test_a_commenters_resync_leaves_an_editors_lost_deletion_to_the_editor(
        cast, asgi_server_factory):
    """A commenter's answer carries every deletion its document knows of: an editor's
    deletion of text, relayed and then lost in the crash, made the whole answer refused,
    the commenter's offline comment with it, on every reconnect while the editor was away.
    The comment goes in, the text waits for the editor, who restores the deletion."""
    canvas_id, alice, carol = await _lost_while_a_commenter_watched(
        cast, asgi_server_factory, "Opening hours: nine to five, every day.",
        lambda alice: alice.delete(len("Opening hours: nine to five"),
                                   len(alice.get_text()) - 1),
        "Opening hours: nine to five.")
    for _ in range(2):  # and again: nothing is refused on a later reconnect either
        await carol.connect()
        assert await _stored_comment(canvas_id, "c1") == "Which holidays?"
        await carol.roundtrip()
        assert carol.errors == []
        await carol.drop()
    assert await stored_text(canvas_id) == "Opening hours: nine to five, every day."

    await alice.drop()
    await alice.connect()
    await carol.connect()
    await converge([alice, carol], canvas_id)
    assert await stored_text(canvas_id) == "Opening hours: nine to five."
    assert carol.errors == [] and alice.errors == []
    for c in (alice, carol):
        await c.close()
