"""A Y document kept encoded that still takes keystrokes, without being decoded.

A decoded long-edited document costs several times its encoded state (the automerge-paper
canvas: 2.1 MiB decoded, 0.37 MB encoded: Yrs keeps about 200 bytes per struct). People
typing send small updates that only add text next to text the document has, and delete
text it has. Such an update can be taken on the encoded state: it is cut to what the state
lacks (pycrdt's ``get_update``, in Rust), checked struct by struct, and kept as it is
beside the state. The state and the kept updates are folded into one once they grow, or
when someone needs what the state lacks, by applying them to a fresh ``Doc`` that is
dropped at once: Yrs integrates a keystroke in about 5 us but takes about 19 us to merge
one (``merge_updates``), and the document then comes out with deleted text collected.

Only what is certain is taken this way; anything else is *unsure* and the caller decodes
the document and applies the update there, as before:

- every new struct is a string (or deleted content) that continues its client's clock
  exactly, and whose neighbours the document has (nothing waits for dependencies);
- every struct and every newly deleted item lives in one of the plain text roots it is
  given (``text_roots``): changes to the comments are checked and stamped on the decoded
  document;
- nothing is waiting for dependencies already (the caller keeps such updates aside).
"""

from __future__ import annotations

import asyncio

from pycrdt import Doc, get_update

from .delete_set import DeleteSet, encode_delete_set
from .item_roots import NESTED, ItemRoots
from .lib0 import write_var_uint
from .yjs_positions import (
    CONTENT_DELETED,
    CONTENT_STRING,
    EMPTY_UPDATE,
    GC,
    SKIP,
    Struct,
    read_state_vector,
    read_structs,
)

#: Kept updates are folded into the state once they reach this share of it (and at least
#: FOLD_MIN_BYTES): folding decodes the state (5 ms for the 0.37 MB paper). It goes in steps
#: a loop turn apart: the state, then FOLD_STEP kept updates at a time, then the encoding.
FOLD_SHARE = 4
FOLD_MIN_BYTES = 64 * 1024
FOLD_STEP = 128
#: Updates with more structs than this are not keystrokes (a reconnecting client's offline
#: edits): they are applied decoded, as checking them here would cost more.
MAX_STRUCTS = 64


#: New items of an update: (client, clock, length, root).
_Run = tuple[int, int, int, "str | None"]


class Unsure(Exception):
    """The update cannot be taken without decoding the document."""


class EncodedDoc:
    """A document's encoded state, the updates taken since, and what is needed to check
    the next one: its state vector, the root of each item and the delete set."""

    def __init__(self, encoded: bytes, state_vector: bytes,
                 text_roots: frozenset[str]) -> None:
        self._encoded = encoded
        self._text_roots = text_roots
        self._state_vector: bytes | None = state_vector
        self._state_parts: dict[int, bytes] = {}  # client → its encoded entry
        self._kept: list[bytes] = []
        self._kept_bytes = 0
        self._folding: _Fold | None = None
        # Read from the state at the first update that brings something: a document that
        # is only read never needs them (reading the paper's structs takes tens of ms).
        self._roots_read: ItemRoots | None = None
        self._deleted_read: DeleteSet | None = None

    @property
    def _roots(self) -> ItemRoots:
        if self._roots_read is None:
            self._read_state()
        return self._roots_read

    @property
    def _deleted(self) -> DeleteSet:
        if self._deleted_read is None:
            self._read_state()
        return self._deleted_read

    def _read_state(self) -> None:
        structs, deleted, _ = read_structs(self.whole())
        self._roots_read = ItemRoots.of(structs)
        self._deleted_read = DeleteSet.of(deleted)
        self._state_parts = {client: _state_entry(client, self._roots_read.end(client))
                             for client in self._roots_read.clients()}

    # --- reading --------------------------------------------------------------------------

    def whole(self) -> bytes:
        """The document as one update (folding what was kept into it, now)."""
        if self._kept:
            folding = self._folding or _Fold(Doc())
            self._folding = None
            folding.catch_up(self, len(self._kept))
            self._end_fold(folding)
        return self._encoded

    def _fold_soon(self) -> None:
        """Fold in steps a loop turn apart (at once outside an event loop): applying a few
        thousand keystrokes and encoding the result held the loop for 20-30 ms, every 10 s
        at 50 editors, the longest wait of any keystroke there."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.whole()
            return
        self._folding = _Fold(Doc())
        loop.call_soon(self._fold_step)

    def _fold_step(self) -> None:
        folding = self._folding
        if folding is None:  # finished by whole() meanwhile
            return
        folding.catch_up(self, folding.applied + FOLD_STEP)
        if folding.applied < len(self._kept):
            asyncio.get_running_loop().call_soon(self._fold_step)
        else:
            self._folding = None
            self._end_fold(folding)

    def _end_fold(self, folding: _Fold) -> None:
        self._encoded = folding.doc.get_update()
        self._kept, self._kept_bytes = [], 0

    def apply_to(self, doc: Doc) -> None:
        """Apply the document to ``doc`` (a fresh one, to decode it)."""
        doc.apply_update(self._encoded)
        for update in self._kept:
            doc.apply_update(update)

    def state_vector(self) -> bytes:
        if self._state_vector is None:
            self._state_vector = write_var_uint(len(self._state_parts)) + b"".join(
                self._state_parts.values())
        return self._state_vector

    def diff(self, state_vector: bytes) -> bytes:
        """What a peer with ``state_vector`` lacks. Raises ValueError (or IndexError, or a
        pycrdt error) for a malformed state vector."""
        if self._roots_read is not None and self._has_all(state_vector):
            # Only the delete set, which Yjs always sends: no fold needed (a reconnecting
            # client that has everything, or a peer checking it is up to date).
            return b"\x00" + self._deleted.encoded()
        return get_update(self.whole(), state_vector)

    def _has_all(self, state_vector: bytes) -> bool:
        theirs = read_state_vector(state_vector)
        return all(theirs.get(client, 0) >= self._roots.end(client)
                   for client in self._state_parts)

    # --- taking an update -------------------------------------------------------------------

    def take(self, update: bytes) -> bytes | None:
        """Take ``update`` if that is certain (see the module): returns what it changed, as
        an update, or None when it changed nothing. Raises Unsure, having changed nothing,
        when the document must be decoded for it."""
        try:
            rest = get_update(update, self.state_vector())  # what the state lacks
            if rest == EMPTY_UPDATE:
                return None  # nothing new (a reader's empty SyncStep2, a row read again)
            structs, deletes, deletes_at = read_structs(rest)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # not an update (pycrdt panics are BaseExceptions)
            raise Unsure("unreadable") from exc
        if len(structs) > MAX_STRUCTS:
            raise Unsure("many structs")
        new_roots = self._new_roots(structs, text_only=True)
        news = self._news(deletes, new_roots, text_only=True)
        if not structs and not news:
            return None
        change = rest[:deletes_at] + encode_delete_set(news)
        self._keep(change, new_roots, news)
        return change

    def follow(self, change: bytes) -> None:
        """Take ``change``, which the decoded form of this document made (its observer's
        update: anything, comments included, checked there). Raises Unsure, having changed
        nothing, when it does not simply continue this state (then encode the document
        anew)."""
        if self._roots_read is None:  # encoding the document anew costs no more
            raise Unsure("never read")
        structs, deletes, _ = read_structs(change)
        if len(structs) > MAX_STRUCTS:
            raise Unsure("many structs")
        new_roots = self._new_roots(structs, text_only=False)
        self._keep(change, new_roots, self._news(deletes, new_roots, text_only=False))

    def _new_roots(self, structs: list[Struct], text_only: bool) -> list[_Run]:
        """The root of each new struct; Unsure unless each continues its client's clock
        (and, ``text_only``, is a string in a text, next to items of that text)."""
        new_ends: dict[int, int] = {}
        new_roots: list[_Run] = []
        for struct in structs:
            if text_only and (struct.ref not in (CONTENT_STRING, CONTENT_DELETED)
                              or struct.parent_sub):
                raise Unsure("not text")
            end = new_ends.get(struct.client, self._roots.end(struct.client))
            if struct.clock != end or struct.ref == SKIP:
                raise Unsure("waits for earlier structs")
            root = self._root_of_struct(struct, new_roots, text_only)
            new_ends[struct.client] = struct.clock + struct.length
            new_roots.append((struct.client, struct.clock, struct.length, root))
        return new_roots

    def _news(self, deletes: dict[int, list[tuple[int, int]]], new_roots: list[_Run],
              text_only: bool) -> dict[int, list[tuple[int, int]]]:
        """The parts of ``deletes`` not deleted yet; Unsure unless the document has them
        (and, ``text_only``, they are in a text)."""
        news: dict[int, list[tuple[int, int]]] = {}
        for client, ranges in deletes.items():
            for clock, length in ranges:
                for part in self._deleted.missing(client, clock, length):
                    if not self._all_in(client, *part, new_roots, text_only):
                        raise Unsure("deletes outside the text, or what is not here")
                    news.setdefault(client, []).append(part)
        return news

    def _root_of_struct(self, struct: Struct, new_roots: list[_Run],
                        text_only: bool) -> str | None:
        """The root ``struct`` goes into: its named parent, else its left neighbour's root,
        else its right one's (as Yjs integrates it). ``text_only``: Unsure unless that is
        a text root and both neighbours are known to be in it."""
        if struct.ref in (GC, SKIP):
            root: str | None = None
        elif struct.parent is not None:
            root = struct.parent if isinstance(struct.parent, str) else NESTED
        else:
            root = self._root_of_item(struct.origin or struct.right_origin, new_roots)
        if not text_only:
            return root
        if root not in self._text_roots or (struct.parent is None and struct.origin and
                                      struct.right_origin and
                                      self._root_of_item(struct.right_origin,
                                                         new_roots) != root):
            raise Unsure("not in a text, or next to what is not here")
        return root

    def _root_of_item(self, item: tuple[int, int], new_roots: list[_Run]) -> str | None:
        client, clock = item
        for c, start, length, root in new_roots:  # an earlier struct of the same update
            if c == client and start <= clock < start + length:
                return root
        return self._roots.root_of(client, clock)

    def _all_in(self, client: int, clock: int, length: int, new_roots: list[_Run],
                text_only: bool) -> bool:
        """Whether the document has every item of the range (new items included) and,
        ``text_only``, each lives in a text root."""
        known_end = self._roots.end(client)
        if clock < known_end:
            roots = self._roots.roots_over(client, clock, min(length, known_end - clock))
            if (text_only and not roots <= self._text_roots) or None in roots:
                return False
        clock, length = max(clock, known_end), clock + length - max(clock, known_end)
        for c, start, n, _root in new_roots:  # new structs are contiguous per client
            if length <= 0:
                break
            if c == client and start <= clock < start + n:
                step = min(length, start + n - clock)
                clock, length = clock + step, length - step
        return length <= 0

    def _keep(self, change: bytes, new_roots: list[_Run],
              news: dict[int, list[tuple[int, int]]]) -> None:
        for client, clock, length, root in new_roots:
            self._roots.extend(client, clock, length, root)
            self._state_parts[client] = _state_entry(client, clock + length)
        for client, ranges in news.items():
            for clock, length in ranges:
                self._deleted.add(client, clock, length)
        if new_roots:
            self._state_vector = None
        if change != EMPTY_UPDATE:
            self._kept.append(change)
            self._kept_bytes += len(change)
        if self._folding is None and \
                self._kept_bytes >= max(FOLD_MIN_BYTES, len(self._encoded) // FOLD_SHARE):
            self._fold_soon()


class _Fold:
    """A fold under way: a throwaway ``Doc`` given the state, then the kept updates."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.started = False
        self.applied = 0  # kept updates applied so far

    def catch_up(self, encoded: EncodedDoc, until: int) -> None:
        """One step: the state, if not given yet, else the kept updates up to ``until``."""
        if not self.started:
            self.doc.apply_update(encoded._encoded)
            self.started = True
            if until != len(encoded._kept):
                return  # a step at a time: the state alone is the largest one
        for update in encoded._kept[self.applied:until]:
            self.doc.apply_update(update)
        self.applied = min(until, len(encoded._kept))


def _state_entry(client: int, clock: int) -> bytes:
    return write_var_uint(client) + write_var_uint(clock)
