"""An update keeps only the new deletions it makes inside the given shared types."""

from __future__ import annotations

from pycrdt import Doc, Map, Text

from collab.scoped_deletions import without_deletions_outside
from collab.yjs_positions import deletions_of_update

COMMENTS = frozenset({"comments"})


def _pair() -> tuple[Doc, Doc]:
    """A server document with text and a comment, and a peer that has all of it."""
    server = Doc(client_id=1)
    server.get("content", type=Text).insert(0, "Opening hours: nine to five.")
    server.get("comments", type=Map)["c1"] = {"body": "Which days?"}
    server.get("content", type=Text).insert(0, "Hours. ")
    del server.get("content", type=Text)[0:7]  # a deletion both already have
    peer = Doc(client_id=2)
    peer.apply_update(server.get_update())
    return server, peer


def test_text_deletions_go_comment_changes_stay():
    server, peer = _pair()
    del peer.get("content", type=Text)[13:27]  # someone's deletion of text
    peer.get("comments", type=Map)["c1"] = {"body": "Which holidays?"}  # replaces the entry
    peer.get("comments", type=Map)["c2"] = {"body": "Typo?"}
    del peer.get("comments", type=Map)["c2"]  # written and deleted offline
    update = peer.get_update(Doc().get_state())  # all it has, as its SyncStep2 would be

    kept = without_deletions_outside(server.get_update(), update, COMMENTS)
    # Left: the old c1 entry (server's clock 28, after the 28 characters of text) and the
    # short-lived c2 (the peer's clock 1); not the text, nor the deletion made already.
    assert deletions_of_update(kept) == {1: [(28, 1)], 2: [(1, 1)]}
    server.apply_update(kept)
    assert str(server.get("content", type=Text)) == "Opening hours: nine to five."
    assert server.get("comments", type=Map).to_py() == {"c1": {"body": "Which holidays?"}}


def test_deletions_made_already_are_dropped_and_the_structs_kept():
    server, peer = _pair()
    before = peer.get_state()
    peer.get("content", type=Text).insert(0, "Note: ")
    update = peer.get_update(before)
    assert deletions_of_update(update) == {1: [(29, 7)]}, "Yrs sends its whole delete set"
    kept = without_deletions_outside(server.get_update(), update, COMMENTS)
    assert deletions_of_update(kept) == {}
    server.apply_update(kept)
    assert str(server.get("content", type=Text)) == "Note: Opening hours: nine to five."
