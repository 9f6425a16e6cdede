"""The version the model read, and the private copy of it that a turn edits.

A turn never places the model's quotes in the live text, which keeps moving while the model
thinks. It keeps a ``Snapshot`` of what it showed the model, edits a ``Fork`` loaded from that
snapshot under the turn's own Yjs client id, and hands the fork's update since the snapshot
to the live document, where it merges with whatever people typed meanwhile (the model only
deletes characters it read and inserts beside them). BlockNote AI forks its Yjs document the
same way (shared/research/canvas-products.md).

Positions here are Python code points; pycrdt counts UTF-8 bytes, so every change crosses
through ``codepoint_to_utf8``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from diff_match_patch import diff_match_patch
from pycrdt import Doc, IdMap, IdSet, Map, Text
from rapidfuzz.distance import Indel

from collab.positions import codepoint_to_utf8

from .placement import Change

#: Words, runs of white space, and single other characters: the units a rewrite is diffed in,
#: so "Last AI edit" shows whole words and a changed word is one deletion and one insertion.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Snapshot:
    """What the model was shown: the Y state, its text, and the window when only part fit."""

    state_vector: bytes
    update: bytes
    text: str
    window: tuple[int, int]  # code points of ``text`` the model saw

    @classmethod
    def of(cls, doc: Doc, window: tuple[int, int] | None = None) -> Snapshot:
        text = str(doc.get("content", type=Text))
        return cls(doc.get_state(), doc.get_update(), text, window or (0, len(text)))


class Region:
    """A span of the fork's text that follows the fork's own changes (a selection, the window)."""

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end

    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def follow(self, change: Change) -> None:
        delta = len(change.insert) - (change.end - change.start)
        if change.end <= self.start and change.start < self.start:
            self.start += delta
            self.end += delta
        elif change.start <= self.end:
            self.end = max(self.start, self.end + delta)


class Fork:
    """A private pycrdt document loaded from a snapshot, written under one turn's client id."""

    def __init__(self, snapshot: Snapshot, client_id: int) -> None:
        self.snapshot = snapshot
        self.doc = Doc(client_id=client_id)
        self.doc.apply_update(snapshot.update)
        self.content = self.doc.get("content", type=Text)
        self.comments = self.doc.get("comments", type=Map)
        self.suggestions = self.doc.get("suggestions", type=Map)
        self._text = snapshot.text  # kept in step with every change, so reads cost nothing

    @property
    def client_id(self) -> int:
        return self.doc.client_id

    def text(self) -> str:
        return self._text

    def apply(self, changes: Iterable[Change], regions: Iterable[Region] = ()) -> None:
        """Apply non-overlapping changes (any order) in one transaction."""
        ordered = sorted(changes, key=lambda c: c.start, reverse=True)
        if not ordered:
            return
        text = self._text
        with self.doc.transaction():
            for change in ordered:
                start = codepoint_to_utf8(text, change.start)
                end = start + len(text[change.start:change.end].encode("utf-8"))
                if end > start:
                    del self.content[start:end]
                if change.insert:
                    self.content.insert(start, change.insert)
                text = text[:change.start] + change.insert + text[change.end:]
        self._text = text
        regions = list(regions)
        for change in reversed(ordered):  # ascending, so each region moves by earlier ones
            for region in regions:
                region.follow(change)

    def update(self) -> bytes:
        """Everything the turn changed, as one update relative to the snapshot."""
        return self.doc.get_update(self.snapshot.state_vector)

    def quote_ids(self, start: int, end: int) -> IdMap:
        """The Yjs ids of the characters ``start:end`` (to ask whether people deleted them)."""
        return self.quote_ids_of([(start, end)])[0]

    def quote_ids_of(self, spans: list[tuple[int, int]]) -> list[IdMap]:
        """The Yjs ids of the characters of each span, from one copy of the document.

        Deleting a span in a scratch copy and reading that transaction's delete set gives
        exactly its ids, counted the way Yjs counts them; the spans go last to first, so each
        is still where it was.
        """
        scratch = Doc()
        scratch.apply_update(self.doc.get_update())
        content = scratch.get("content", type=Text)
        captured: list[bytes] = []
        scratch.observe(lambda event: captured.append(event.delete_set))
        found: dict[int, IdMap] = {}
        for i in sorted(range(len(spans)), key=lambda i: spans[i][0], reverse=True):
            start, end = spans[i]
            captured.clear()
            if end > start:
                del content[codepoint_to_utf8(self._text, start):
                            codepoint_to_utf8(self._text, end)]
            found[i] = IdMap.from_set(IdSet.decode(captured[0]) if captured else IdSet(), [])
        return [found[i] for i in range(len(spans))]


def deleted_ids(doc: Doc) -> IdSet:
    """Every item deleted in ``doc`` (a Yjs snapshot starts with the delete set)."""
    from pycrdt import Snapshot as YSnapshot

    return IdSet.decode(YSnapshot.from_doc(doc).encode())


def word_changes(old: str, new: str, offset: int = 0) -> list[Change]:
    """The changes turning ``old`` into ``new``, diffed word by word, at ``offset``.

    The diff of the word sequences comes from rapidfuzz (an exact, bit-parallel LCS in C++:
    40 ms for 20,000 words, where diff-match-patch's pure-Python bisect took seconds), then
    diff-match-patch's semantic cleanup merges scattered small equalities, so what a person
    sees changed are whole phrases.
    """
    if old == new:
        return []
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    dmp = diff_match_patch()
    diffs: list[tuple[int, str]] = []
    for tag, i1, i2, j1, j2 in Indel.opcodes(old_tokens, new_tokens).as_list():
        if tag == "equal":
            diffs.append((dmp.DIFF_EQUAL, "".join(old_tokens[i1:i2])))
            continue
        if i2 > i1:
            diffs.append((dmp.DIFF_DELETE, "".join(old_tokens[i1:i2])))
        if j2 > j1:
            diffs.append((dmp.DIFF_INSERT, "".join(new_tokens[j1:j2])))
    dmp.diff_cleanupSemantic(diffs)
    changes: list[Change] = []
    position = offset
    current: list | None = None  # [start, end, insert] of the change being gathered
    for op, chunk in diffs:
        if op == dmp.DIFF_EQUAL:
            if current:
                changes.append(Change(*current))
                current = None
            position += len(chunk)
            continue
        if current is None:
            current = [position, position, ""]
        if op == dmp.DIFF_DELETE:
            position += len(chunk)
            current[1] = position
        else:
            current[2] += chunk
    if current:
        changes.append(Change(*current))
    return changes
