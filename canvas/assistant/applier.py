"""Applying the model's tool calls to the version it read: place, fork, merge.

The ``Applier`` holds one turn's ``Fork``. Each edit, comment or rewrite is placed in the
fork's text (the snapshot the model read, plus the turn's own earlier changes), applied to the
fork, and, when a tool call completes, the fork's update since the snapshot is merged into the
live document in one piece. People's concurrent edits survive by construction: the model
deletes only characters it read and inserts beside them. An edit whose quoted characters
people have all deleted meanwhile is dropped and reported, never resurrected elsewhere.

Nothing here knows about Django views, Celery or a model: the live document is anything that
implements ``LiveDocument`` (the worker's ``AssistantPeer``, a test's plain ``pycrdt.Doc``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from pycrdt import Doc, IdMap, IdSet, Text

from collab.yjs_positions import Positions

from . import suggestions
from .fork import Fork, Region, Snapshot, deleted_ids, word_changes
from .guard import Guard
from .placement import Change, Placement, PlacementError, find_passage, place
from .room import passage_span

#: A rewrite that keeps less than this fraction of a non-empty canvas's length, without a
#: request that asks for it, is held back as a draft for a person to accept.
SHRINK_LIMIT = 0.4
#: Canvases shorter than this may be shortened freely (a heading, a line).
SHRINK_MIN_CHARS = 200
#: At most this many passages flash at once after a call.
FLASH_LIMIT = 50
#: Placement's time bound per edit (fuzzy search included): under the 200 ms the issue
#: asks for at 200k characters, with room for what follows.
PLACEMENT_BUDGET = 0.15

APPLIED, FAILED, SKIPPED, HELD = "applied", "failed", "skipped", "held"
#: Not applied: offered to people as a suggestion (the room policy, guard.py).
SUGGESTED = "suggested"


class LiveDocument(Protocol):
    """Where a turn's changes land: the canvas as it is now."""

    def deleted(self) -> IdSet:
        """Every item deleted in the live document now."""

    def size(self) -> int:
        """The live document's encoded size in bytes (what COLLAB_MAX_DOC limits)."""

    def merge(self, update: bytes) -> None:
        """Apply the turn's update as one change of the turn's own."""

    def changes_since(self, state_vector: bytes) -> bytes:
        """What the live document has that a document at ``state_vector`` has not (only
        needed with a ``Guard``: to see where people typed while the turn ran)."""


@dataclass(frozen=True)
class ItemResult:
    """What became of one edit, comment or rewrite; said back to the model as it is."""

    kind: str  # "edit" | "comment" | "rewrite"
    number: int
    status: str  # APPLIED | FAILED | SKIPPED | HELD | SUGGESTED
    error: str = ""
    how: str = ""
    places: int = 0
    candidates: tuple[str, ...] = ()
    proposal: str = ""  # a HELD rewrite: the whole text it would have made
    suggested: int = 0  # changes offered as suggestions instead of applied

    @property
    def applied(self) -> bool:
        return self.status == APPLIED

    def for_model(self) -> dict:
        out: dict = {self.kind: self.number, "status": self.status}
        if self.error:
            out["error"] = self.error
        if self.how:
            out["matched"] = self.how
        if self.places > 1:
            out["places"] = self.places
        if self.candidates:
            out["did_you_mean"] = list(self.candidates)
        if self.suggested:
            out["suggested"] = self.suggested
            out["note"] = ("people are working there, so "
                           + ("these changes" if self.suggested > 1 else "this change")
                           + " waits as a suggestion for them to accept; do not repeat it")
        return out


#: Bytes kept free below the size limit when text streams in (item headers, ids).
GROWTH_MARGIN = 256


@dataclass
class ApplyOptions:
    selection: tuple[int, int] | None = None  # code points of the snapshot text
    max_doc: int = 5 * 1024 * 1024
    may_shrink: bool = False  # the request asks to delete or shorten a lot
    author: str = "assistant"
    #: Said with each suggestion: {"turn": id, "askedBy": name, "request": text}.
    suggestion_meta: dict = field(default_factory=dict)
    heartbeat: Callable[[], None] = field(default=lambda: None)


class Applier:
    """One turn's changes: placed in its fork, merged into the live document."""

    def __init__(self, snapshot: Snapshot, client_id: int, live: LiveDocument,
                 options: ApplyOptions | None = None, guard: Guard | None = None) -> None:
        self.options = options or ApplyOptions()
        self.guard = guard
        self.fork = Fork(snapshot, client_id)
        self.live = live
        self._live = _RecentReads(live)
        self.window = Region(*snapshot.window)
        self.selection = Region(*self.options.selection) if self.options.selection else None
        self._snapshot_deleted = IdMap.from_set(deleted_ids(self.fork.doc), [])
        self._applied_edits: set[tuple[str, str]] = set()
        self._dirty = False  # the fork holds changes the live document has not had yet
        self._fresh: list[Region] = []  # what it wrote since the last flash, moving along
        self._written: list[Region] = []  # everything it changed in the text, moving along
        self.comments_added: list[str] = []
        self.counts = {"edits": 0, "comments": 0, "rewrite": 0}
        self.suggested = 0  # changes offered as suggestions
        self._touched: tuple[object, tuple[str, list[Change]]] | None = None

    # --- reading ---------------------------------------------------------------------------

    def text(self) -> str:
        return self.fork.text()

    def scope(self) -> tuple[int, int]:
        return self.selection.span() if self.selection else self.window.span()

    def _placement_error(self, exc: PlacementError) -> tuple[str, tuple[str, ...]]:
        """What the model is told. Without a selection the scope is the window of a long
        canvas: say so, and quote nothing from beyond it (the model was not shown that)."""
        if exc.outside_scope and not self.selection:
            start, end = self.window.span()
            return (f"`find` is outside the part of the canvas you were shown (characters "
                    f"{start}-{end} of {len(self.text())}); only that part may be changed. "
                    "Quote text from what you were shown.", ())
        return exc.message, tuple(exc.candidates)

    @property
    def changed(self) -> bool:
        """Whether the turn changed the canvas (suggestions leave it as it was)."""
        return any(self.counts.values())

    def update(self) -> bytes:
        """The turn's changes so far, relative to the snapshot (kept to undo the turn)."""
        return self.fork.update() if self.changed else b""

    # --- edits -------------------------------------------------------------------------------

    def edit(self, number: int, item: object) -> ItemResult:
        def failed(error: str, candidates: tuple[str, ...] = ()) -> ItemResult:
            return ItemResult("edit", number, FAILED, error, candidates=candidates)

        if not isinstance(item, dict) or not isinstance(item.get("find"), str) \
                or not isinstance(item.get("replace"), str):
            return failed("each edit needs `find` and `replace` strings")
        every = item.get("all", False)
        if not isinstance(every, bool):
            return failed("`all` must be the JSON boolean true or false; the edit was not "
                          "applied")
        find, replace = item["find"], item["replace"]
        if (find, replace) in self._applied_edits:
            return ItemResult("edit", number, SKIPPED, "this edit was already applied in this "
                              "turn; it was not applied again")
        self.options.heartbeat()
        try:
            placements = place(self.text(), find, replace, all_matches=every,
                               scope=self.scope(), time_budget=PLACEMENT_BUDGET)
        except PlacementError as exc:
            return failed(*self._placement_error(exc))
        kept = self._still_there(placements)
        if not kept:
            return failed("people deleted this passage while you were working; the edit was "
                          "dropped (do not resend it unless they ask)")
        changes = [change for p in kept for change in p.changes]
        if self._too_large(changes):
            return failed("the canvas would exceed its size limit; nothing was applied")
        direct, offered = self._split(changes, rewrite=False)
        self._suggest(offered)  # first: its positions are in the text as it is now
        self._apply(direct)
        self._applied_edits.add((find, replace))
        if direct:
            self.counts["edits"] += 1
        return ItemResult("edit", number, APPLIED if direct else SUGGESTED, how=kept[0].how,
                          places=len(kept), suggested=len(offered))

    def _still_there(self, placements: list[Placement]) -> list[Placement]:
        """The placements whose quoted characters people have not all deleted meanwhile."""
        newly_deleted = IdMap.from_set(self._live.deleted(), []) - self._snapshot_deleted
        if not newly_deleted:
            return placements  # nobody deleted anything since the snapshot: nothing to ask
        kept = []
        for placement in placements:
            quoted = self.fork.quote_ids(placement.start, placement.end)
            if not quoted or (quoted - newly_deleted):
                kept.append(placement)
        return kept

    def _too_large(self, changes: list[Change]) -> bool:
        growth = sum(len(c.insert.encode("utf-8")) for c in changes)
        return growth > 0 and self._live.size() + growth > self.options.max_doc

    def _apply(self, changes: list[Change]) -> None:
        if not changes:
            return
        regions = [self.window, *([self.selection] if self.selection else []), *self._fresh,
                   *self._written,
                   *(self.guard.regions() if self.guard else ())]
        self.fork.apply(changes, regions)
        self._fresh.extend(Region(a, b) for a, b in _ranges_after(changes) if a < b)
        self._written.extend(Region(a, b) for a, b in _ranges_after(changes))
        self._dirty = True

    def changed_beside_people(self, code: bool) -> list[str]:
        """The passages, as they read now (quoted short), where people changed text near what
        the turn changed since the snapshot: their typing merged with the model's."""
        if not self._written:
            return []
        mine = self.text()
        now, changes = self._people_changes()
        quotes, shift = [], 0
        for change in changes:
            start, end = passage_span(mine, change.start, change.end, code)
            at = change.start + shift  # where the change sits in the text as it is now
            shift += len(change.insert) - (change.end - change.start)
            if not any(start <= r.end and r.start <= end for r in self._written):
                continue
            a, b = passage_span(now, at, at + len(change.insert), code)
            quote = " ".join(now[a:b].split())
            quote = quote if len(quote) <= 80 else quote[:79] + "…"
            if quote not in quotes:
                quotes.append(quote)
        return quotes

    def take_fresh(self) -> list[tuple[int, int]]:
        """What the turn wrote since the last call, where it sits in the fork's text now."""
        fresh, self._fresh = self._fresh, []
        return [region.span() for region in fresh]

    # --- suggestions (the room policy) -------------------------------------------------------

    def _split(self, changes: list[Change], rewrite: bool) -> tuple[list[Change], list[Change]]:
        if self.guard is None:
            return changes, []
        return self.guard.split(changes, self.text(), rewrite, self._people_changed)

    def _people_changed(self) -> list[tuple[int, int]]:
        """Spans of the fork's text that people changed since the snapshot."""
        return [(c.start, c.end) for c in self._people_changes()[1]]

    def _people_changes(self) -> tuple[str, list[Change]]:
        """The text with people's changes since the snapshot (the fork, plus what the live
        document has beyond it), and those changes to the fork's text, word by word."""
        update = self.live.changes_since(self.fork.doc.get_state())
        key = (update, self.fork.doc.get_state())
        if self._touched is not None and self._touched[0] == key:
            return self._touched[1]
        theirs = Doc()
        theirs.apply_update(self.fork.doc.get_update())
        theirs.apply_update(update)
        text = str(theirs.get("content", type=Text))
        found = (text, [] if text == self.text() else word_changes(self.text(), text))
        self._touched = (key, found)
        return found

    def _suggest(self, changes: list[Change]) -> None:
        if not changes:
            return
        changes = whole_word_changes(self.text(), changes)  # "Come" → "Arrive", not "Com"
        replaced = self.fork.quote_ids_of([(c.start, c.end) for c in changes])
        with self.fork.doc.transaction():
            suggestions.write(self.fork.content, self.fork.suggestions, self.text(), changes,
                              replaced, f"{self.fork.client_id:x}",
                              {"author": self.options.author, **self.options.suggestion_meta})
        self._dirty = True
        self._fresh.extend(Region(c.start, c.end) for c in changes)
        self.suggested += len(changes)

    # --- comments ----------------------------------------------------------------------------

    def comment(self, number: int, item: object) -> ItemResult:
        if not isinstance(item, dict) or not isinstance(item.get("find"), str) \
                or not isinstance(item.get("comment"), str) or not item["comment"].strip():
            return ItemResult("comment", number, FAILED,
                              "each comment needs `find` and `comment` strings")
        suggestion = item.get("suggestion")
        if suggestion is not None and not isinstance(suggestion, str):
            return ItemResult("comment", number, FAILED, "`suggestion` must be a string")
        self.options.heartbeat()
        try:
            start, end, how = find_passage(self.text(), item["find"], scope=self.scope(),
                                           time_budget=PLACEMENT_BUDGET)
        except PlacementError as exc:
            message, candidates = self._placement_error(exc)
            return ItemResult("comment", number, FAILED, message, candidates=candidates)
        positions = Positions(self.fork.content)
        comment_id = f"{self.fork.client_id:x}-{len(self.comments_added) + 1}"
        text = self.text()
        with self.fork.doc.transaction():
            self.fork.comments[comment_id] = {
                "author": self.options.author,
                # Only server-side peers can write this flag: the sync server strips it from
                # what people send (collab.comment_stamps), so "✦" cannot be forged.
                "assistant": True,
                "body": item["comment"],
                "quote": text[start:end],
                "start": positions.encode(start, 0),
                "end": positions.encode(end, -1),
                "resolved": False,
                "suggestion": suggestion,
                "created": time.time(),
            }
        self._dirty = True
        self._fresh.append(Region(start, end))
        self.comments_added.append(comment_id)
        self.counts["comments"] += 1
        return ItemResult("comment", number, APPLIED, how=how)

    # --- rewrites ----------------------------------------------------------------------------

    def rewrite(self, content: object) -> ItemResult:
        """Replace what the model was shown (the window when windowed) by ``content``."""
        if not isinstance(content, str):
            return ItemResult("rewrite", 1, FAILED, "`content` must be a string")
        if self.selection is not None:
            return ItemResult("rewrite", 1, FAILED, "text is selected: change it with "
                              "edit_canvas inside the selection instead of rewriting")
        start, end = self.window.span()
        shown = self.text()[start:end]
        if self._destructive(shown, content):
            text = self.text()
            return ItemResult("rewrite", 1, HELD, "the rewrite would delete most of the "
                              "canvas, which the request did not ask for; it was not applied "
                              "but kept as a proposal a person can accept from the history",
                              proposal=text[:start] + content + text[end:])
        changes = word_changes(shown, content, offset=start)
        if self._too_large(changes):
            return ItemResult("rewrite", 1, FAILED, "the canvas would exceed its size limit; "
                              "nothing was applied")
        direct, offered = self._split(changes, rewrite=True)
        self._suggest(offered)  # first: its positions are in the text as it is now
        self._apply(direct)
        if direct or not offered:
            self.counts["rewrite"] += 1
        return ItemResult("rewrite", 1, APPLIED if direct or not offered else SUGGESTED,
                          suggested=len(offered))

    def _destructive(self, shown: str, content: str) -> bool:
        if not shown.strip() or self.options.may_shrink:
            return False
        if not content.strip():
            return True
        return len(shown) >= SHRINK_MIN_CHARS and len(content) < SHRINK_LIMIT * len(shown)

    def room_to_grow(self) -> int:
        """Bytes of text the live document may still take within its size limit (less a
        margin for the CRDT's own bookkeeping of each insertion)."""
        return max(0, self.options.max_doc - self._live.size() - GROWTH_MARGIN)

    def append_streamed(self, chunk: str) -> None:
        """A rewrite of an empty canvas is typed straight in as it streams."""
        end = self.window.end
        self._apply([Change(end, end, chunk)])

    # --- merging -----------------------------------------------------------------------------

    def merge(self) -> bool:
        """Hand the fork's changes to the live document; False when there was nothing new."""
        if not self._dirty:
            return False
        self.live.merge(self.fork.update())
        self._dirty = False
        return True

    def sticky_ranges(self, ranges: list[tuple[int, int]], limit: int = FLASH_LIMIT) -> list[dict]:
        """Yjs relative ranges (as y-codemirror.next reads them) for fork positions; their ids
        also exist in the live document once merged, so they show in the right place there.
        Reading the fork's blocks costs the document's size: once for all ranges, and at most
        ``limit`` of them (a flash of 500 places helps nobody)."""
        if not ranges:
            return []
        positions = Positions(self.fork.content)
        out = []
        for start, end in whole_words(self.text(), ranges)[:limit]:
            out.append({"anchor": positions.to_json(start, 0),
                        "head": positions.to_json(end, -1)})
        return out


class _RecentReads:
    """The live document's delete set and size, read at most every READ_EVERY seconds.

    Each read costs the whole document (and, in a worker, a query for what people wrote):
    read once per burst of edits, not 50 times for 50 edits. A person's deletion newer than
    that is a race any concurrent edit has; the CRDT merge still keeps every character."""

    READ_EVERY = 0.05

    def __init__(self, live: LiveDocument) -> None:
        self.live = live
        self._read: dict[str, tuple[float, object]] = {}

    def _recent(self, name: str, read: Callable[[], object]) -> object:
        now = time.monotonic()
        when, value = self._read.get(name, (0.0, None))
        if value is None or now - when > self.READ_EVERY:
            value = read()
            self._read[name] = (now, value)
        return value

    def deleted(self) -> IdSet:
        return self._recent("deleted", self.live.deleted)

    def size(self) -> int:
        return self._recent("size", self.live.size)


def whole_words(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges widened to whole words and merged: a changed letter flashes its word."""
    widened: list[list[int]] = []
    for start, end in sorted(ranges):
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
        if widened and start <= widened[-1][1]:
            widened[-1][1] = max(widened[-1][1], end)
        else:
            widened.append([start, end])
    return [(a, b) for a, b in widened]


def whole_word_changes(text: str, changes: list[Change]) -> list[Change]:
    """The changes widened to the whole words they touch (merged where they meet), with
    the same effect: what a person reads as a tracked change."""
    spans: list[list] = []  # [start, end, changes inside]
    for change in sorted(changes, key=lambda c: c.start):
        at = change.start
        inside_a_word = 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()
        start, end = whole_words(text, [(at, change.end)])[0] \
            if change.end > at or inside_a_word else (at, at)  # an insertion between words
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
            spans[-1][2].append(change)
        else:
            spans.append([start, end, [change]])
    widened = []
    for start, end, inside in spans:
        parts, at = [], start
        for change in inside:
            parts += [text[at:change.start], change.insert]
            at = change.end
        parts.append(text[at:end])
        widened.append(Change(start, end, "".join(parts)))
    return widened


def _ranges_after(changes: list[Change]) -> tuple[tuple[int, int], ...]:
    """Where each change's inserted text sits once all of them are applied."""
    ranges, shift = [], 0
    for change in sorted(changes, key=lambda c: c.start):
        start = change.start + shift
        ranges.append((start, start + len(change.insert)))
        shift += len(change.insert) - (change.end - change.start)
    return tuple(ranges)


__all__ = ["APPLIED", "FAILED", "HELD", "SKIPPED", "SUGGESTED", "Applier", "ApplyOptions",
           "ItemResult", "LiveDocument"]
