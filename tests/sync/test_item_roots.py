"""Every item's root is found from the encoded structs alone, in whatever order the
update lists them."""

from __future__ import annotations

from pycrdt import Doc, Map, Text

from collab.item_roots import NESTED, ItemRoots
from collab.yjs_positions import read_state_vector, read_structs


def test_the_root_of_every_item_follows_from_its_parent_or_its_neighbours():
    people = [Doc(client_id=c) for c in (1, 2)]
    for turn in range(40):  # two people typing into each other's words, in turns
        doc, other = people[turn % 2], people[1 - turn % 2]
        text = doc.get("content", type=Text)
        text.insert(len(str(text)) // 2, f"w{turn} ")
        if turn % 5 == 4:
            del text[1:3]
        other.apply_update(doc.get_update(other.get_state()))
    doc = people[0]
    commenter = Doc(client_id=3)
    commenter.apply_update(doc.get_update())
    comments = commenter.get("comments", type=Map)
    comments["c1"] = {"text": "first"}
    comments["c1"] = {"text": "changed"}  # its origin is the first value: no parent named
    comments["c2"] = {"text": "second"}
    doc.apply_update(commenter.get_update(doc.get_state()))
    nester = Doc(client_id=4)
    nester.apply_update(doc.get_update())
    nester.get("suggestions", type=Map)["s1"] = Map({"from": "a", "to": "b"})
    doc.apply_update(nester.get_update(doc.get_state()))

    roots = ItemRoots.of(read_structs(doc.get_update())[0])
    state = {c: roots.end(c) for c in roots.clients()}
    assert state == read_state_vector(doc.get_state())
    assert roots.roots_over(1, 0, state[1]) == {"content"}
    assert roots.roots_over(2, 0, state[2]) == {"content"}
    assert roots.roots_over(3, 0, state[3]) == {"comments"}
    assert roots.roots_over(4, 0, state[4]) == {"suggestions", NESTED}
    assert roots.root_of(3, state[3]) is None, "past what the document has"
    assert None in roots.roots_over(2, state[2] - 1, 2)


def test_runs_grow_as_structs_arrive_and_gaps_are_unknown():
    roots = ItemRoots()
    roots.extend(7, 0, 5, "content")
    roots.extend(7, 5, 3, "content")
    roots.extend(7, 10, 2, "comments")
    assert roots._runs[7][1] == ["content", None, "comments"], "one run per root and gap"
    assert roots.root_of(7, 7) == "content" and roots.root_of(7, 8) is None
    assert roots.roots_over(7, 6, 5) == {"content", None, "comments"}
    assert roots.end(7) == 12
