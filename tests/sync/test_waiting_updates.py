"""Updates that arrive before what they build on are held back and applied once it is here:
the replica's text and what it tells its clients come out as if everything had arrived in
order, whatever the order (the stress test's faults deliver rows out of order, through the
channel layer and the log poll), parked or decoded."""

from __future__ import annotations

import random

import pytest
from pycrdt import Doc, Map, Text, merge_updates

from collab.comment_stamps import Writer
from collab.replica import Replica
from collab.waiting_updates import WaitingUpdates, builds_on_missing, read_needs
from collab.yjs_positions import dependencies, keystroke, read_state_vector


def text_of(doc: Doc) -> str:
    return str(doc.get("content", type=Text))


class Typist:
    """A person's document: what they type, as the updates their browser sends."""

    def __init__(self, client_id: int) -> None:
        self.doc = Doc(client_id=client_id)
        self.text = self.doc.get("content", type=Text)

    def receive(self, *updates: bytes) -> None:
        for update in updates:
            self.doc.apply_update(update)

    def insert(self, index: int, value: str) -> bytes:
        before = self.doc.get_state()
        self.text.insert(index, value)
        return self.doc.get_update(before)

    def delete(self, start: int, end: int) -> bytes:
        before = self.doc.get_state()
        del self.text[start:end]
        return self.doc.get_update(before)


def out_of_order_edits() -> tuple[list[bytes], str]:
    """Two people's keystrokes in the order that Yrs alone got wrong: "d" integrates only
    after "e", which arrives last. Returns them in that order, and the text in the end."""
    one, two = Typist(1), Typist(2)
    b = two.insert(0, "b")
    e = one.insert(0, "e")
    one.receive(b)
    h = one.insert(2, "h")  # after "b"
    two.receive(e, h)
    d = two.insert(1, "d")  # after "e"
    return [b, h, d, e], "edbh"


class Shown:
    """A replica and a client that receives every change it makes (as its browsers do)."""

    def __init__(self) -> None:
        self.replica = Replica("held-updates")
        self.client = Doc()

    def apply(self, update: bytes, writer: Writer | None = None) -> None:
        change = self.replica._apply(update, writer)
        if change is not None:
            self.client.apply_update(change)

    @property
    def texts(self) -> tuple[str, str]:
        return self.replica.document.text("content"), text_of(self.client)


@pytest.mark.parametrize("parked", [False, True])
def test_a_keystroke_that_arrives_before_its_neighbour_is_shown_once_the_neighbour_is(parked):
    updates, final = out_of_order_edits()
    shown = Shown()
    for update in updates:
        if parked:
            shown.replica.document.park()
        shown.apply(update)
    # pycrdt 0.14.13 given these in this order keeps "d" pending for good: "ebh".
    assert shown.texts == (final, final)


def test_held_updates_survive_parking_and_come_out_in_one_change():
    updates, final = out_of_order_edits()
    shown = Shown()
    for update in updates[:-1]:
        shown.apply(update)
    assert len(shown.replica.document._waiting) == 2, "'h' and 'd' wait for 'e'"
    assert shown.texts == ("b", "b")
    shown.replica.document.park()
    shown.apply(updates[-1])
    assert shown.texts == (final, final)
    assert len(shown.replica.document._waiting) == 0


def shuffled_session(seed: int) -> tuple[list[bytes], str]:
    """Three to five people typing and deleting, each seeing the others' edits late; then
    every update in a random order, with some merged into batches and some twice (a row the
    layer brought and the poll read again). Returns them and the text in the end."""
    rng = random.Random(seed)
    typists = [Typist(100 + i) for i in range(rng.randint(3, 5))]
    sent: list[bytes] = []
    seen = [0] * len(typists)  # how many of ``sent`` each has received
    for _ in range(rng.randint(30, 120)):
        i = rng.randrange(len(typists))
        person = typists[i]
        catch_up = rng.randint(seen[i], len(sent))
        person.receive(*sent[seen[i]:catch_up])
        seen[i] = catch_up
        length = len(text_of(person.doc))
        if length and rng.random() < 0.2:
            start = rng.randrange(length)
            sent.append(person.delete(start, min(length, start + rng.randint(1, 3))))
        else:
            sent.append(person.insert(rng.randint(0, length), rng.choice("abcdef")))
    everyone = Doc()
    for update in sent:
        everyone.apply_update(update)
    delivered = list(sent)
    for _ in range(rng.randint(0, 6)):
        start = rng.randrange(len(sent))
        delivered.append(merge_updates(*sent[start:start + rng.randint(2, 6)]))
    rng.shuffle(delivered)
    return delivered, text_of(everyone)


@pytest.mark.parametrize("seed", range(40))
def test_any_order_of_delivery_gives_the_same_text_to_the_replica_and_its_clients(seed):
    updates, final = shuffled_session(seed)
    shown = Shown()
    parking = random.Random(-seed)
    for update in updates:
        shown.apply(update)
        if parking.random() < 0.15:
            shown.replica.document.park()
    assert shown.texts == (final, final)


def test_a_held_update_is_applied_as_its_writers_with_its_comment_stamped_for_them():
    one, two = Typist(1), Typist(2)
    base = one.insert(0, "Text")
    two.receive(base)
    before = two.doc.get_state()
    two.text.insert(4, " more")
    two.doc.get("comments", type=Map)["c1"] = {"text": "a note", "author": "Mallory",
                                                "userId": 99}
    late = two.doc.get_update(before)
    alice, bob = Writer(1, "Alice", True), Writer(2, "Bob", True)
    shown = Shown()
    shown.apply(late, bob)  # before the text it builds on
    assert shown.texts == ("", "")
    shown.apply(base, alice)
    assert shown.texts == ("Text more", "Text more")
    comment = shown.client.get("comments", type=Map)["c1"]
    assert (comment["author"], comment["userId"]) == ("Bob", 2), "stamped as its writer's"


def test_what_an_update_builds_on_missing_may_change_anything_so_a_probe_says_it_would():
    updates, _ = out_of_order_edits()
    replica = Replica("probe")
    replica._apply(updates[0])
    assert builds_on_missing(updates[2], replica.document.state_vector())
    assert replica.would_change(updates[2], ignoring=frozenset({"content", "draft"})), \
        "a viewer's or commenter's update cannot be checked before what it builds on"
    assert not builds_on_missing(updates[0], replica.document.state_vector())


def test_dependencies_name_what_is_not_carried_along():
    one = Typist(7)
    first = one.insert(0, "ab")
    second = one.insert(1, "X")  # between a and b: after its own clock 1, origin a, right b
    assert dependencies(first) == {}
    assert dependencies(second) == {7: 2}, "its own earlier clocks and neighbours"
    assert dependencies(merge_updates(first, second)) == {}, "carried along"
    cut = one.delete(0, 1)
    assert dependencies(cut) == {7: 1}, "a deletion needs the item it deletes"


def test_held_updates_come_out_oldest_first_once_ready_and_only_then():
    waiting: WaitingUpdates[str] = WaitingUpdates()
    one = Typist(3)
    updates = [one.insert(i, c) for i, c in enumerate("abc")]
    doc = Doc()

    def hold(update: bytes, context: str) -> bool:
        return waiting.hold(update, read_needs(update, doc.get_state)[0],
                            read_state_vector(doc.get_state()), context)

    def clocks() -> dict[int, int]:
        return read_state_vector(doc.get_state())

    assert not hold(updates[0], "a")
    assert hold(updates[2], "c") and hold(updates[1], "b")
    assert waiting.bytes == len(updates[1]) + len(updates[2])
    doc.apply_update(updates[0])
    assert waiting.release(clocks()) == [(updates[1], "b")]
    doc.apply_update(updates[1])
    assert waiting.release(clocks()) == [(updates[2], "c")]
    assert len(waiting) == 0 and waiting.bytes == 0


def test_a_keystroke_is_read_fast_and_as_the_general_way_reads_it():
    one = Typist(7)
    one.insert(0, "ab")
    for update in (one.insert(1, "X"), one.insert(0, "😀"), one.delete(0, 2)):
        typed = keystroke(update)
        assert typed is not None and typed.needs == dependencies(update)
        assert typed.client == (None if update[0] == 0 else 7), "deletions alone: no writer"
    assert keystroke(merge_updates(one.insert(0, "a"), one.insert(5, "b"))) is None
    assert keystroke(b"\x01\x01garbage\x00") is None


def test_the_clocks_kept_through_keystrokes_match_the_document():
    typists = [Typist(20 + i) for i in range(3)]
    replica = Replica("clocks")
    assert replica.doc.get_state() == b"\x00"  # decoded, as under a flood; it stays so
    rng = random.Random(5)
    kept_up = 0
    for _ in range(200):
        person = rng.choice(typists)
        person.receive(replica.document.encoded())
        length = len(text_of(person.doc))
        replica._apply(person.insert(rng.randint(0, length), "x"))
        clocks = replica.document._clocks
        if clocks._read_at == clocks._transactions:  # kept up without reading
            kept_up += 1
            assert clocks._clocks == read_state_vector(replica.doc.get_state())
    assert kept_up > 150, "read anew only after the catch-ups"


def test_a_connections_held_update_released_by_another_is_stored_as_the_connections():
    updates, final = out_of_order_edits()
    b, h, d, e = updates
    shown = Shown()
    shown.apply(b)
    # "h" comes from a connection here, before "e" (from another process) arrives.
    assert shown.replica._apply(h, None, "connection-1") is None
    change = shown.replica._apply(e)  # from the log: only shown here, never stored again
    released = shown.replica._released
    assert [origin for _, origin in released] == ["connection-1"]
    for update in (change, *(c for c, _ in released)):
        shown.client.apply_update(update)
    assert text_of(shown.client) == "ebh"
    carried = Doc()
    for update in (b, e, released[0][0]):
        carried.apply_update(update)
    assert text_of(carried) == "ebh", "the connection's change is what it stores"
    shown.apply(d)
    assert shown.texts == (final, final)
