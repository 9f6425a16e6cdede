"""A document's deleted ranges fold together and tell what a delete set adds."""

from __future__ import annotations

from pycrdt import Doc, Text

from collab.delete_set import DeleteSet, encode_delete_set
from collab.yjs_positions import deletions_of_update


def test_ranges_fold_together_and_missing_parts_are_found():
    deleted = DeleteSet()
    for clock, length in ((10, 2), (20, 5), (12, 3), (0, 1), (26, 2)):
        deleted.add(1, clock, length)
    assert deleted.missing(1, 0, 30) == [(1, 9), (15, 5), (25, 1), (28, 2)]
    deleted.add(1, 14, 13)  # bridges three ranges
    assert deleted.missing(1, 0, 30) == [(1, 9), (28, 2)]
    assert deleted.missing(1, 10, 18) == []
    assert deleted.missing(2, 3, 2) == [(3, 2)], "another client's items"


def test_an_encoded_delete_set_is_what_yjs_writes():
    doc = Doc(client_id=5)
    text = doc.get("content", type=Text)
    text.insert(0, "abcdefghij")
    del text[6:8]
    del text[1:3]
    written = deletions_of_update(doc.get_update())
    assert written == {5: [(1, 2), (6, 2)]}
    assert encode_delete_set(written) == doc.get_update()[-len(encode_delete_set(written)):]
