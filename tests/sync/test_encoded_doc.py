"""A parked document takes people's keystrokes without being decoded, and changes exactly
what the decoded document would have: the same text, the same diffs, the same relayed
change, and nothing it is unsure of."""

from __future__ import annotations

import random

import pytest
from pycrdt import Doc, Map, Text

from collab import positions
from collab.encoded_doc import EncodedDoc, Unsure
from collab.lib0 import write_var_string, write_var_uint
from collab.parked_doc import ParkedDoc
from collab.replica import TEXT_ROOTS
from collab.yjs_positions import EMPTY_UPDATE, read_state_vector

ODD = "aé漢😀👍🏽\u200d\n"  # one to four UTF-8 bytes, two UTF-16 units, a joiner
# (edits at code points through collab.positions: pycrdt's own indexes are UTF-8 bytes)


def encoded(doc: Doc) -> EncodedDoc:
    return EncodedDoc(doc.get_update(), doc.get_state(), TEXT_ROOTS)


def edit(doc: Doc, change) -> bytes:
    """What ``change(doc)`` sends, as one update (one keystroke, one transaction)."""
    before = doc.get_state()
    with doc.transaction():
        change(doc)
    return doc.get_update(before)


def content(doc: Doc) -> Text:
    return doc.get("content", type=Text)


def text_after(document: EncodedDoc | ParkedDoc) -> str:
    reader = Doc()
    reader.apply_update(document.diff(b"\x00"))
    return str(content(reader))


def test_keystrokes_of_several_people_are_taken_as_the_decoded_document_takes_them():
    rng = random.Random(7)
    people = [Doc(client_id=100 + i) for i in range(3)]
    start = edit(people[0], lambda d: content(d).insert(0, "Shared text. " * 5))
    reference, listener = _doc_of(start), _doc_of(start)  # listener: hears only the relay
    parked = encoded(reference)
    for person in people[1:]:
        person.apply_update(start)
    for step in range(600):
        person = rng.choice(people)
        length = len(str(content(person)))
        if length > 3 and rng.random() < 0.35:  # someone's text, maybe a neighbour's
            at, n = rng.randrange(length - 2), rng.randint(1, 2)
            update = edit(person, lambda d, at=at, n=n: positions.delete(content(d), at, at + n))
        else:
            at = rng.randint(0, length)
            chunk = "".join(rng.choice(ODD) for _ in range(rng.randint(1, 3)))
            update = edit(person, lambda d, at=at, chunk=chunk: positions.insert(
                content(d), at, chunk))
        for other in people:
            other.apply_update(update)
        reference.apply_update(update)
        relayed = parked.take(update)
        assert relayed is not None, f"keystroke {step} was not taken"
        listener.apply_update(relayed)
        if step % 100 == 0:
            assert text_after(parked) == str(content(reference))
            assert read_state_vector(parked.state_vector()) == \
                read_state_vector(reference.get_state())
    assert text_after(parked) == str(content(reference)) == str(content(people[0]))
    assert str(content(listener)) == str(content(reference))
    midway = _doc_of(start)
    midway.apply_update(parked.diff(midway.get_state()))
    assert str(content(midway)) == str(content(reference))


def test_what_it_relays_changes_a_peer_as_the_decoded_documents_change_does():
    writer = Doc(client_id=5)
    first = edit(writer, lambda d: content(d).insert(0, "Hello world"))
    parked, reference, peer = encoded(_doc_of(first)), _doc_of(first), _doc_of(first)
    for change in (lambda d: content(d).insert(5, ","),
                   lambda d: content(d).__delitem__(slice(0, 1)),
                   lambda d: positions.insert(content(d), 0, "h😀")):
        update = edit(writer, change)
        peer.apply_update(parked.take(update))
        reference.apply_update(update)
        assert str(content(peer)) == str(content(reference))
    assert str(content(peer)) == "h😀ello, world"


def test_what_it_has_already_changes_nothing_and_is_not_relayed():
    writer = Doc(client_id=5)
    first = edit(writer, lambda d: content(d).insert(0, "Some text to hold."))
    second = edit(writer, lambda d: content(d).__delitem__(slice(0, 5)))
    third = edit(writer, lambda d: content(d).insert(0, "More "))
    parked = encoded(_doc_of(first, second, third))

    assert parked.take(EMPTY_UPDATE) is None, "a reader's empty SyncStep2"
    assert parked.take(first) is None, "a row the log poll reads again"
    assert parked.take(second) is None, "a deletion already made"
    # A reconnecting client's SyncStep2 carries its whole delete set: no news in it.
    assert parked.take(writer.get_update(parked.state_vector())) is None
    fourth = edit(writer, lambda d: content(d).__delitem__(slice(0, 5)))
    assert parked.take(fourth) is not None
    assert text_after(parked) == "text to hold."


def test_a_change_that_must_be_checked_or_waits_is_not_taken():
    writer = Doc(client_id=5)
    first = edit(writer, lambda d: content(d).insert(0, "Text with a comment."))
    comment = edit(writer, lambda d: d.get("comments", type=Map).__setitem__(
        "c1", {"text": "Nice", "author": "writer"}))
    document = _doc_of(first, comment)
    parked = encoded(document)
    whole = parked.whole()

    new_comment = edit(writer, lambda d: d.get("comments", type=Map).__setitem__(
        "c2", {"text": "Mine"}))
    changed_comment = edit(writer, lambda d: d.get("comments", type=Map).__setitem__(
        "c1", {"text": "Not yours any more"}))
    deleted_comment = edit(writer, lambda d: d.get("comments", type=Map).__delitem__("c1"))
    # A hand-made string struct whose left neighbour is the comment's item: Yrs would make
    # it the comment's new value, so it must go through the comment checks.
    comment_item = (5, len("Text with a comment."))
    string_on_comment = (write_var_uint(1) + write_var_uint(1) + write_var_uint(6)
                         + write_var_uint(0) + bytes([0x80 | 4]) + write_var_uint(comment_item[0])
                         + write_var_uint(comment_item[1]) + write_var_string("x") + b"\x00")
    skipped = Doc(client_id=9)
    skipped.apply_update(first)
    edit(skipped, lambda d: content(d).insert(0, "a"))
    waits = edit(skipped, lambda d: content(d).insert(0, "b"))  # its first keystroke is lost
    formatted = edit(writer, lambda d: content(d).insert(0, "bold", {"bold": True}))
    for update in (new_comment, changed_comment, deleted_comment, string_on_comment, waits,
                   formatted, b"\xff\x01garbage"):
        with pytest.raises(Unsure):
            parked.take(update)
    assert parked.whole() == whole, "an update it is unsure of changes nothing"


def test_the_draft_text_is_taken_too_and_anything_unknown_deleted_is_not():
    writer = Doc(client_id=5)
    first = edit(writer, lambda d: d.get("draft", type=Text).insert(0, "A draft."))
    parked = encoded(_doc_of(first))
    assert parked.take(edit(writer, lambda d: d.get("draft", type=Text).insert(0, "My "))) \
        is not None
    unknown = b"\x00" + write_var_uint(1) + write_var_uint(77) + write_var_uint(1) \
        + write_var_uint(0) + write_var_uint(3)  # deletes items of a client never seen
    with pytest.raises(Unsure):
        parked.take(unknown)


def test_kept_updates_are_folded_into_the_state_as_they_grow(monkeypatch):
    import collab.encoded_doc as module

    monkeypatch.setattr(module, "FOLD_MIN_BYTES", 200)
    writer = Doc(client_id=5)
    parked = encoded(_doc_of(edit(writer, lambda d: content(d).insert(0, "x"))))
    for i in range(100):
        parked.take(edit(writer, lambda d, i=i: content(d).insert(i + 1, "y")))
    assert len(parked._kept) < 20, "folded once they passed 200 bytes"
    assert text_after(parked) == "x" + "y" * 100


async def test_on_an_event_loop_the_fold_goes_in_steps_while_keystrokes_go_on(monkeypatch):
    import asyncio

    import collab.encoded_doc as module

    monkeypatch.setattr(module, "FOLD_MIN_BYTES", 1000)
    monkeypatch.setattr(module, "FOLD_STEP", 10)
    writer = Doc(client_id=5)
    parked = encoded(_doc_of(edit(writer, lambda d: content(d).insert(0, "x"))))
    typed = 0

    def type_one() -> None:
        nonlocal typed
        typed += 1
        parked.take(edit(writer, lambda d: content(d).insert(typed, "y")))

    while parked._folding is None:
        type_one()
    folding, kept = parked._folding, len(parked._kept)
    assert kept > 20, "nothing folded yet: the fold starts on the next loop turn"
    applied = [folding.applied]
    while parked._folding is folding:
        type_one()  # people go on typing while it folds
        await asyncio.sleep(0)
        applied.append(folding.applied)
    steps = [b - a for a, b in zip(applied, applied[1:], strict=False)]
    assert max(steps) <= 10 and steps.count(0) <= 2, "the state, then 10 updates a turn"
    assert not parked._kept, "the fold caught up with what was typed meanwhile"
    assert text_after(parked) == "x" + "y" * typed
    while parked._folding is None:
        type_one()
    await asyncio.sleep(0)
    assert parked.whole() and parked._folding is None and not parked._kept, \
        "asked for the whole document mid-fold, it finishes the fold at once"
    assert text_after(parked) == "x" + "y" * typed


def test_a_parked_document_takes_keystrokes_and_decodes_for_a_comment():
    seen: list[bytes] = []

    def attach(doc: Doc):
        subscription = doc.observe(lambda event: seen.append(event.update))
        return lambda: doc.unobserve(subscription)

    writer = Doc(client_id=5)
    parked = ParkedDoc(attach, TEXT_ROOTS)
    parked.doc.apply_update(edit(writer, lambda d: content(d).insert(0, "Hello")))
    parked.park()
    assert parked.take(edit(writer, lambda d: content(d).insert(5, "!"))) is not None
    assert parked.parked and parked.text("content") == "Hello!" and parked.parked
    with pytest.raises(Unsure):
        parked.take(edit(writer, lambda d: d.get("comments", type=Map).__setitem__("c", {})))
    assert parked.parked, "refused: the caller decodes it and applies it there"
    assert str(content(parked.doc)) == "Hello!"


def _doc_of(*updates: bytes) -> Doc:
    doc = Doc()
    for update in updates:
        doc.apply_update(update)
    return doc


def test_a_peer_with_every_struct_gets_the_deletions_it_missed():
    writer = Doc(client_id=5)
    first = edit(writer, lambda d: content(d).insert(0, "Keep this, not that."))
    parked = encoded(_doc_of(first))
    parked.take(edit(writer, lambda d: content(d).insert(0, "Now: ")))
    peer = _doc_of(first, writer.get_update())  # has every struct, then misses a deletion
    parked.take(edit(writer, lambda d: positions.delete(content(d), 14, 24)))
    answer = parked.diff(peer.get_state())
    assert answer == b"\x00" + parked._deleted.encoded(), "no fold for a peer up to date"
    peer.apply_update(answer)
    assert str(content(peer)) == str(content(writer)) == "Now: Keep this."
    assert parked._kept, "kept updates were not folded to answer it"
    newcomer = Doc()
    newcomer.apply_update(parked.diff(newcomer.get_state()))
    assert str(content(newcomer)) == "Now: Keep this."


def test_a_flood_of_updates_is_applied_decoded_where_it_costs_less(monkeypatch):
    import collab.parked_doc as module

    monkeypatch.setattr(module, "BUSY_UPDATES_PER_SECOND", 20)
    writer = Doc(client_id=5)
    parked = ParkedDoc(lambda doc: lambda: None, TEXT_ROOTS)
    now = [100.0]
    parked.clock = lambda: now[0]
    parked.doc.apply_update(edit(writer, lambda d: content(d).insert(0, "x")))
    parked.park()
    for i in range(20):
        assert parked.take(edit(writer, lambda d, i=i: content(d).insert(i + 1, "y"))) \
            is not None
    assert not parked.busy
    flood = edit(writer, lambda d: content(d).insert(0, "z"))
    with pytest.raises(Unsure):
        parked.take(flood)
    assert parked.busy and parked.parked, "refused: the caller decodes it for the flood"
    now[0] += 1.0
    assert not parked.busy
    assert parked.take(flood) is not None, "a second later: taken encoded again"
