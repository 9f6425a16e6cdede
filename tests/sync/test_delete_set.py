"""A document's deleted ranges, encoded as Yjs writes a delete set."""

from __future__ import annotations

from pycrdt import Doc, Text

from collab.delete_set import DeleteSet, encode_delete_set
from collab.yjs_positions import deletions_of_update


def test_the_encoding_follows_what_is_added():
    deleted = DeleteSet.of({3: [(0, 2)]})
    assert deleted.encoded() == encode_delete_set({3: [(0, 2)]})
    deleted.add(3, 2, 1)
    deleted.add(4, 9, 1)
    assert deleted.encoded() == encode_delete_set({3: [(0, 3)], 4: [(9, 1)]})
    assert deleted.missing(3, 0, 5) == [(3, 2)]


def test_an_encoded_delete_set_is_what_yjs_writes():
    doc = Doc(client_id=5)
    text = doc.get("content", type=Text)
    text.insert(0, "abcdefghij")
    del text[6:8]
    del text[1:3]
    written = deletions_of_update(doc.get_update())
    assert written == {5: [(1, 2), (6, 2)]}
    assert encode_delete_set(written) == doc.get_update()[-len(encode_delete_set(written)):]
