"""A server-side peer of a canvas's Y document: the assistant, a restore, a script.

It loads the document like a server replica, changes it in its own transactions, and
handles its updates exactly like a person's: appended to the log with its origin, then
published to the canvas group. It never writes the text as a whole, so people typing
meanwhile keep every character.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from diff_match_patch import diff_match_patch
from pycrdt import Assoc, Doc, Map, Text

from . import broadcast, persistence, relay
from .yjs_positions import EMPTY_UPDATE, Positions


def encode_sticky(text: Text, index: int, assoc: Assoc) -> bytes:
    """A relative position at code point ``index``, encoded exactly as Yjs encodes it (the
    browser decodes it with Y.decodeRelativePosition)."""
    return Positions(text).encode(index, 0 if assoc == Assoc.AFTER else -1)


def decode_sticky(text: Text, data: bytes | bytearray) -> int:
    """A stored relative position (from Yjs or encode_sticky) as a code point index."""
    try:
        return Positions(text).decode(bytes(data))
    except (LookupError, IndexError, ValueError) as exc:
        raise ValueError(f"the position no longer resolves: {exc}") from exc


class DocumentPeer:
    """One peer of a canvas document; ``origin`` tags its rows in the log."""

    def __init__(self, canvas_id: object, origin: str) -> None:
        self.canvas_id = str(canvas_id)
        self.origin = origin
        self.group = relay.group_name(self.canvas_id)
        self.doc = Doc()
        self.content = self.doc.get("content", type=Text)
        self.draft = self.doc.get("draft", type=Text)
        self.comments = self.doc.get("comments", type=Map)
        self._local = False
        self._pending: list[bytes] = []
        self.doc.observe(self._capture)
        loaded = persistence.load(self.canvas_id)
        persistence.apply_all(self.doc, loaded.updates, whole=loaded.whole)
        self.max_seq = loaded.max_seq

    # --- reading ---------------------------------------------------------------------------

    def text(self) -> str:
        return str(self.content)

    def refresh(self) -> None:
        """Take in what people (and other processes) changed since we last looked."""
        missed = persistence.updates_since(self.canvas_id, self.max_seq)
        persistence.apply_all(self.doc, missed.updates, whole=missed.whole)
        self.max_seq = max(self.max_seq, missed.max_seq)

    # --- writing -----------------------------------------------------------------------------

    def _capture(self, event) -> None:
        if self._local and event.update != EMPTY_UPDATE:
            self._pending.append(event.update)

    @contextlib.contextmanager
    def change(self) -> Iterator[None]:
        """One transaction of ours: on exit it is logged, then published."""
        self._local = True
        try:
            with self.doc.transaction(origin=self.origin):
                yield
        finally:
            self._local = False
        self._commit()

    def _commit(self) -> None:
        updates, self._pending = self._pending, []
        if not updates:
            return
        seqs = persistence.append_updates(self.canvas_id, [(u, self.origin) for u in updates])
        self.max_seq = max(self.max_seq, *seqs)
        for message in relay.update_messages(updates, seqs=seqs):
            broadcast.group_send(self.group, message)

    def rewrite(self, base: str, new: str) -> None:
        """Turn ``base`` (the text this peer holds) into ``new`` with minimal changes."""
        with self.change():
            self._apply_diff(base, new, 0)

    def _apply_diff(self, old: str, new: str, byte_pos: int) -> None:
        dmp = diff_match_patch()
        dmp.Diff_Timeout = 2.0
        diffs = dmp.diff_main(old, new)
        dmp.diff_cleanupSemantic(diffs)
        for op, chunk in diffs:
            size = len(chunk.encode("utf-8"))
            if op == dmp.DIFF_EQUAL:
                byte_pos += size
            elif op == dmp.DIFF_DELETE:
                del self.content[byte_pos:byte_pos + size]
            else:
                self.content.insert(byte_pos, chunk)
                byte_pos += size

    def append(self, target: Text, chunk: str) -> None:
        with self.change():
            target.insert(len(target), chunk)

    def clear_draft(self) -> None:
        if len(self.draft):
            with self.change():
                del self.draft[0:len(self.draft)]
