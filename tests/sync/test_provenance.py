"""Provenance: every client id is recorded with who writes under it, nobody may write under
someone else's, and the record outlives restarts and compaction."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from pycrdt import Doc

from collab import persistence
from collab.client import SyncClient
from collab.models import ClientOrigin
from collab.yjs_positions import blocks_of
from tests.sync.helpers import converge, stored_text

pytestmark = [pytest.mark.django_db(transaction=True)]


def client(cast, base_url, who, **kwargs) -> SyncClient:
    return SyncClient(cast.url(base_url), cast.sessions[who], **kwargs)


def authors_seen_by(user, canvas) -> dict[int, dict]:
    http = Client()
    http.force_login(user)
    response = http.get(f"/canvases/{canvas.id}/authors")
    assert response.status_code == 200
    return {int(k): v for k, v in response.json()["authors"].items()}


def writer_of(canvas_id, needle: str) -> set[int]:
    """The client ids of the blocks that hold ``needle``'s characters, as stored."""
    doc = persistence.load_doc(str(canvas_id))
    return {client for client, blocks in blocks_of(doc).items()
            for block in blocks if block.text and block.text in needle and block.text.strip()}


async def test_writing_under_someone_elses_client_id_is_refused(cast, live_server_url):
    alice = await client(cast, live_server_url, "owner").connect()
    alice.insert(0, "Alice wrote this.")
    await converge([alice], cast.canvas.id)
    # The editor builds a document under alice's client id and writes with it.
    forger = await client(cast, live_server_url, "editor",
                          doc=Doc(client_id=alice.doc.client_id)).connect()
    assert forger.get_text() == "Alice wrote this."
    forger.insert(0, "Alice agrees: ")
    for _ in range(20):
        await forger.roundtrip()
        if forger.errors:
            break
    assert forger.errors and "another participant's identity" in forger.errors[-1]
    await alice.roundtrip()
    assert alice.get_text() == "Alice wrote this."
    assert await stored_text(cast.canvas.id) == "Alice wrote this."
    origins = await sync_to_async(persistence.client_origins)(str(cast.canvas.id))
    assert origins == {alice.doc.client_id: f"user:{cast.owner.pk}"}
    for c in (alice, forger):
        await c.close()


async def test_authors_survive_restart_and_compaction(cast, asgi_server_factory):
    server = await sync_to_async(asgi_server_factory)()
    alice = await client(cast, server.url, "owner").connect()
    bob = await client(cast, server.url, "editor").connect()
    alice.insert(0, "First paragraph by alice.\n\n")
    await converge([alice, bob], cast.canvas.id)
    bob.insert(len(bob.get_text()), "Second paragraph by bob.\n")
    await converge([alice, bob], cast.canvas.id)
    alice.insert(0, "Edited: ")  # alice edits elsewhere afterwards
    await converge([alice, bob], cast.canvas.id)
    for c in (alice, bob):
        await c.close()
    server.stop(kill=True)
    await sync_to_async(persistence.compact)(str(cast.canvas.id))
    assert await sync_to_async(ClientOrigin.objects.count)() == 2

    await sync_to_async(asgi_server_factory)()  # a fresh process finds the same record
    authors = await sync_to_async(authors_seen_by)(cast.viewer, cast.canvas)
    [bob_client] = await sync_to_async(writer_of)(cast.canvas.id, "Second paragraph by bob.\n")
    assert authors[bob_client] == {"key": f"user:{cast.editor.pk}", "name": "editor",
                                   "kind": "person", "detail": ""}
    alice_clients = await sync_to_async(writer_of)(cast.canvas.id,
                                                    "Edited: First paragraph by alice.\n\n")
    assert {authors[c]["name"] for c in alice_clients} == {"owner"}


def test_strangers_cannot_read_authors(client, cast):
    client.force_login(cast.stranger)
    assert client.get(f"/canvases/{cast.canvas.id}/authors").status_code == 404
