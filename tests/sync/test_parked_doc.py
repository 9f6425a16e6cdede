"""A replica keeps its document encoded while nobody changes it, and nothing is lost by it:
peers sync from the parked state, the next change decodes it, and structs waiting for
their dependencies survive parking."""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest
from asgiref.sync import sync_to_async
from pycrdt import Doc, Map, Text

from collab import persistence
from collab import replica as replicas
from collab.encoded_doc import Unsure
from collab.parked_doc import ParkedDoc
from collab.protocol import Outer, SyncStep, parse_frame, sync_step1, sync_update
from collab.replica import TEXT_ROOTS
from tests.sync.helpers import Socket, stored_text

pytestmark = [pytest.mark.django_db(transaction=True)]


def typed(text: str, client_id: int = 11) -> tuple[Doc, list[bytes]]:
    """A document typed character by character, and its updates."""
    doc = Doc(client_id=client_id)
    content = doc.get("content", type=Text)
    updates: list[bytes] = []
    subscription = doc.observe(lambda event: updates.append(event.update))
    for index, char in enumerate(text):
        content.insert(index, char)
        if index % 7 == 6:
            del content[index - 3:index - 2]
            content.insert(index - 3, char.upper())
    doc.unobserve(subscription)
    return doc, updates


def changes_seen() -> tuple[ParkedDoc, list[bytes]]:
    seen: list[bytes] = []

    def attach(doc: Doc):
        subscription = doc.observe(lambda event: seen.append(event.update))
        return lambda: doc.unobserve(subscription)
    return ParkedDoc(attach, TEXT_ROOTS), seen


def text_of(doc: Doc) -> str:
    return str(doc.get("content", type=Text))


def test_a_parked_document_answers_the_sync_protocol_as_the_decoded_one_did():
    source, updates = typed("Plain text, typed with corrections. " * 20)
    parked, _ = changes_seen()
    for update in updates:
        parked.doc.apply_update(update)
    midway = Doc()
    for update in updates[:len(updates) // 2]:
        midway.apply_update(update)
    decoded_state = parked.state_vector()

    parked.park()
    assert parked.parked
    assert parked.state_vector() == decoded_state
    for peer in (Doc(), midway):  # a new peer, and one that has half of it
        peer.apply_update(parked.diff(peer.get_state()))
        assert text_of(peer) == text_of(source)
    assert parked.parked  # answering peers did not decode it


def test_keystrokes_and_what_it_has_leave_it_parked_and_the_rest_is_unsure():
    source, updates = typed("Some text to hold.")
    parked, seen = changes_seen()
    for update in updates[:-1]:
        parked.doc.apply_update(update)
    parked.park()
    seen.clear()

    assert parked.take(b"\x00\x00") is None, "a reader's empty SyncStep2"
    assert parked.take(updates[3]) is None, "a row the log poll reads again"
    assert parked.take(updates[-1]) is not None, "a new keystroke"
    with pytest.raises(Unsure):
        parked.take(b"\xff\x01garbage")  # not an update: applying it decoded says so
    assert parked.parked and not seen, "taken as encoded: no observer ran"
    assert parked.text("content") == text_of(source)
    assert parked.parked, "reading it decoded it only meanwhile"


def test_the_next_change_decodes_it_with_its_writer_id_and_observers():
    parked, seen = changes_seen()
    parked.doc.get("content", type=Text).insert(0, "before ")
    client_id = parked.client_id
    parked.park()
    seen.clear()

    parked.doc.get("content", type=Text).insert(len("before "), "after")
    assert not parked.parked
    assert parked.client_id == parked.doc.client_id == client_id  # its clocks continue
    assert len(seen) == 1, "observers see the change, not the decoding"
    peer = Doc()
    peer.apply_update(parked.encoded())
    assert text_of(peer) == "before after"


def test_updates_that_arrive_before_what_they_build_on_are_held_through_parking():
    source, updates = typed("abcdefghijklmnop")
    # A deletion of text the document has not received yet, and inserts that build on
    # updates still on their way.
    early = Doc(client_id=12)
    early.apply_update(source.get_update())
    state = early.get_state()
    content = early.get("content", type=Text)
    del content[len(content) - 3:]
    early_delete = early.get_update(state)

    parked, _ = changes_seen()
    for update in updates[:4]:
        assert not parked.hold(update, None)
        parked.doc.apply_update(update)
    for index, update in enumerate(updates[8:] + [early_delete]):
        assert parked.hold(update, index), "held back, not given to Yrs"
    assert text_of(parked.doc) == text_of_updates(updates[:4])
    assert parked.release() == [], "nothing they build on arrived"

    parked.park()
    assert parked.parked, "held updates are outside the document: parking keeps them"
    for update in updates[4:8]:  # what they build on arrives after parking
        assert not parked.hold(update, None)
        parked.doc.apply_update(update)
    contexts = []
    while released := parked.release():  # each as the one before it is applied
        for update, context in released:
            parked.doc.apply_update(update)
            contexts.append(context)
    assert sorted(contexts) == list(range(len(updates) - 8 + 1)), "each once, with its context"
    assert text_of(parked.doc) == text_of(source)[:-3]


def text_of_updates(updates: list[bytes]) -> str:
    doc = Doc()
    for update in updates:
        doc.apply_update(update)
    return text_of(doc)


def test_a_parked_or_closed_document_is_freed_with_its_observers():
    parked, seen = changes_seen()
    parked.doc.get("content", type=Text).insert(0, "held")
    decoded = weakref.ref(parked.doc)
    parked.park()
    gc.collect()
    assert decoded() is None, "an observer left in place would keep the Doc alive for good"
    parked.doc.get("content", type=Text).insert(0, "again ")
    decoded = weakref.ref(parked.doc)
    parked.close()
    gc.collect()
    assert decoded() is None


def socket(cast, who: str) -> Socket:
    return Socket(f"/ws/canvases/{cast.canvas.id}/sync", [
        (b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000"),
        (b"cookie", f"sessionid={cast.sessions[who]}".encode())])


async def next_sync(ws: Socket, step: SyncStep) -> bytes:
    """The payload of the next sync frame of ``step`` (awareness frames skipped)."""
    while True:
        frame = parse_frame(await ws.receive_from())
        if frame.outer == Outer.SYNC and frame.step == step:
            return frame.payload


async def join(cast, who: str) -> tuple[Socket, Doc]:
    """A peer that connected and received the whole document (as a browser does)."""
    ws = socket(cast, who)
    assert await ws.connect()
    await next_sync(ws, SyncStep.STEP1)
    await ws.send_to(sync_step1(b"\x00"))
    doc = Doc()
    doc.apply_update(await next_sync(ws, SyncStep.STEP2))
    return ws, doc


def write(doc: Doc, index: int, value: str) -> bytes:
    before = doc.get_state()
    doc.get("content", type=Text).insert(index, value)
    return doc.get_update(before)


async def test_a_replica_parks_until_the_first_change_and_again_when_editing_stops(
        cast, settings):
    settings.COLLAB_PARK_AFTER = 60
    settings.COLLAB_CHECKPOINT_PAUSE = 0.1
    canvas_id = str(cast.canvas.id)
    await sync_to_async(persistence.append_updates)(
        canvas_id, [(write(Doc(), 0, "Stored before anyone came. "), "user:1")])

    bob, bobs = await join(cast, "editor")
    replica = replicas.open_replicas()[canvas_id]
    assert text_of(bobs) == "Stored before anyone came. "
    assert replica.document.parked, "loading it and syncing a reader keeps it encoded"

    await bob.send_to(sync_update(write(bobs, len(text_of(bobs)), "Bob types.")))
    await next_sync(bob, SyncStep.UPDATE)  # the server echoes the change: it is applied
    assert replica.document.parked, "typing in the text keeps it encoded"
    # A comment needs the decoded document: its author is checked and stamped. The first
    # one decodes it only meanwhile; a second one soon after keeps it decoded.
    for key, parked_after in (("c0", True), ("c1", False)):
        before = bobs.get_state()
        bobs.get("comments", type=Map)[key] = {"text": "Hm", "author": "not bob"}
        await bob.send_to(sync_update(bobs.get_update(before)))
        bobs.apply_update(await next_sync(bob, SyncStep.UPDATE))
        assert bobs.get("comments", type=Map)[key]["author"] == cast.editor.username
        assert replica.document.parked is parked_after
    await replica.flush()
    settings.COLLAB_PARK_AFTER = 0.2

    for _ in range(300):  # the log poll parks it once editing paused
        replica._poke.set()
        await asyncio.sleep(0.02)
        if replica.document.parked:
            break
    assert replica.document.parked
    carol, carols = await join(cast, "owner")
    assert text_of(carols) == "Stored before anyone came. Bob types."
    assert replica.document.parked

    # Changes after parking: a keystroke taken encoded, then a comment decodes it again
    # (with its observers back); everything relayed and stored.
    await carol.send_to(sync_update(write(carols, 0, "Carol, after the pause: ")))
    bobs.apply_update(await next_sync(bob, SyncStep.UPDATE))
    expected = "Carol, after the pause: Stored before anyone came. Bob types."
    assert text_of(bobs) == expected
    await replica.flush()
    assert await stored_text(canvas_id) == expected
    before = carols.get_state()
    carols.get("comments", type=Map)["c2"] = {"text": "Nice", "author": "someone else"}
    await carol.send_to(sync_update(carols.get_update(before)))
    bobs.apply_update(await next_sync(bob, SyncStep.UPDATE))
    # The comments' observer came back with the decoded document: the author is stamped.
    assert bobs.get("comments", type=Map)["c2"]["author"] == cast.owner.username
    for ws in (bob, carol):
        await ws.disconnect()
    decoded = weakref.ref(replica.doc)
    await replica.stop()
    gc.collect()
    assert decoded() is None, "a stopped replica lets go of its document"


async def test_a_server_side_edit_and_a_keystroke_meet_at_a_parked_replica_and_both_survive(
        cast, settings):
    """The assistant writes through the log and the channel layer (DocumentPeer) while a
    person types in the same sentence, from the version before its edit: the parked replica
    takes both (encoded, or decoded for what it is unsure of) and neither loses a
    character."""
    from collab.peer import DocumentPeer

    settings.COLLAB_PARK_AFTER = 0.0
    canvas_id = str(cast.canvas.id)
    await sync_to_async(persistence.append_updates)(
        canvas_id, [(write(Doc(), 0, "The coffee is slow and cheap.\n"), "user:1")])
    person, persons = await join(cast, "editor")
    replica = replicas.open_replicas()[canvas_id]
    assert replica.document.parked

    def assistant_edit() -> None:
        peer = DocumentPeer(canvas_id, "assistant:1")
        peer.rewrite(peer.text(), peer.text().replace("slow", "quick"))

    keystroke = write(persons, len("The coffee is slow and "), "really ")  # the old version
    await asyncio.gather(sync_to_async(assistant_edit)(),
                         person.send_to(sync_update(keystroke)))
    expected = "The coffee is quick and really cheap.\n"

    async def until_the_person_has_it() -> None:
        while text_of(persons) != expected:  # the echo, then the assistant's edit
            persons.apply_update(await next_sync(person, SyncStep.UPDATE))

    await asyncio.wait_for(until_the_person_has_it(), 10)
    for _ in range(500):  # the person has their own keystroke at once; the server soon
        if str(replica.doc.get("content", type=Text)) == expected:
            break
        await asyncio.sleep(0.01)
    assert str(replica.doc.get("content", type=Text)) == expected
    await replica.flush()
    assert await stored_text(canvas_id) == expected
    await person.disconnect()


def test_parking_again_follows_the_changes_made_decoded_and_keeps_taking_keystrokes():
    writer = Doc(client_id=5)
    parked, _ = changes_seen()
    parked.doc.apply_update(write(writer, 0, "Typed text."))
    parked.park()
    assert parked.take(write(writer, 5, " more")) is not None  # reads its structs once
    followed = parked._parked
    before = writer.get_state()
    writer.get("comments", type=Map)["c"] = {"text": "a comment"}
    comment = writer.get_update(before)
    with pytest.raises(Unsure):
        parked.take(comment)
    parked.doc.apply_update(comment)  # as the replica does: decoded for it, then parked
    parked.applied(comment, changed=True)
    parked.park()
    assert parked._parked is followed, "the encoded form followed the change: not re-read"
    assert parked.take(write(writer, 0, "New. ")) is not None, "keystrokes still taken"
    assert followed._roots.root_of(5, len("Typed text. more")) == "comments"
    reader = Doc()
    reader.apply_update(parked.diff(b"\x00"))
    assert text_of(reader) == "New. Typed more text."
    assert reader.get("comments", type=Map)["c"] == {"text": "a comment"}

