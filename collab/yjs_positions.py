"""Yjs-compatible relative positions (sticky indices) for pycrdt 0.14 texts.

pycrdt 0.14.13 (UTF-8 offsets, y-crdt/pycrdt#382) builds a StickyIndex as
(client, block_start + byte_offset),
but item ids count UTF-16 units: past a multi-byte character the clock is wrong for Yjs and
may even name another block or no block at all (then get_index() panics with
pyo3_runtime.PanicException, a BaseException). Here the true ids are computed from the
document's own blocks, read from its v1 update; pycrdt is only used for what it gets right:
which client wrote a character, and where a block starts (offset 0 needs no unit).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import NamedTuple

from pycrdt import Assoc, Doc, StickyIndex, Text, get_update

from .clock_ranges import ClockRanges
from .lib0 import Reader
from .lib0 import write_var_int as _int
from .lib0 import write_var_uint as _uint


def _u16(s: str) -> int:
    """Its length in UTF-16 units, as Yjs counts (ASCII, the common case, without encoding
    it: 1.8% of the event loop at 50 editors went to encoding keystrokes)."""
    return len(s) if s.isascii() else len(s.encode("utf-16-le")) // 2


#: A v1 update with no structs and no deletions (what an observer sees for a no-op change).
EMPTY_UPDATE = b"\x00\x00"


def read_state_vector(data: bytes) -> dict[int, int]:
    """A Yjs state vector (client → next clock), as ``Doc.get_state()`` encodes it."""
    r = Reader(bytes(data))
    return {r.var_uint(): r.var_uint() for _ in range(r.var_uint())}


# --- the blocks of a document -----------------------------------------------------------------


@dataclass
class Block:
    clock: int
    text: str | None  # None: not a string, or deleted
    length: int  # in clock units (UTF-16 for strings)
    kind: str = "item"  # or "gc" (garbage-collected), "skip" (a gap in an update)


def blocks_of(doc: Doc) -> dict[int, list[Block]]:
    """Every block of every client, sorted by clock; deleted ones have text None."""
    return blocks_of_update(doc.get_update())


def writer_clients(update: bytes) -> set[int]:
    """The client ids an update carries content under (new or not). A keystroke's update
    has one group of structs: its header names the client, nothing else is read.

    Raises ValueError (or IndexError) for bytes that are not a v1 update."""
    r = Reader(bytes(update))
    if r.var_uint() == 1:
        count, client = r.var_uint(), r.var_uint()
        return {client} if count else set()
    return {client for client, blocks in blocks_of_update(update).items()
            if any(b.kind != "skip" for b in blocks)}


def new_writers(update: bytes, state_vector: dict[int, int]) -> set[int]:
    """The client ids under which ``update`` writes something a document with
    ``state_vector`` does not have yet (deletions name others' items: they do not count).

    Raises ValueError (or IndexError) for bytes that are not a v1 update."""
    return {client for client, blocks in blocks_of_update(update).items()
            if any(b.kind != "skip" and b.clock + b.length > state_vector.get(client, 0)
                   for b in blocks)}


#: Past any clock a client reaches (Yrs counts clocks in 32 bits).
_PAST_EVERY_CLOCK = 2**32 - 1


def without_clients(update: bytes, clients: set[int]) -> bytes:
    """``update`` less every struct written under ``clients`` (its delete set stays whole):
    cut by Yrs, as for a peer that has everything those clients ever wrote."""
    if not clients:
        return update
    state = _uint(len(clients)) + b"".join(_uint(c) + _uint(_PAST_EVERY_CLOCK)
                                           for c in sorted(clients))
    return get_update(update, state)


def reaches_past(rest: bytes, state_vector: bytes) -> bool:
    """Whether ``rest``, an update already cut to a document's state (pycrdt's
    ``get_update(update, state_vector)``), still carries structs or deletes items past that
    state: applied to the document, that part waits for its dependencies. The state vector
    is read only when ``rest`` deletes something (a cut update keeps its whole delete set)."""
    blocks, deleted = _read_update(rest)
    if any(b.kind != "skip" for client_blocks in blocks.values() for b in client_blocks):
        return True
    if not deleted:
        return False
    have = read_state_vector(state_vector)
    return any(clock + length > have.get(client, 0)
               for client, ranges in deleted.items() for clock, length in ranges)


class Keystroke(NamedTuple):
    """What a keystroke's update writes and needs: one string (or deleted run) and no
    deletions, or deletions alone (a backspace)."""

    client: int | None  # the writer of its string; None for deletions alone
    end: int  # that client's clock after it
    needs: dict[int, int]  # as ``dependencies`` says


#: Deletions alone with more ranges than this are read the general way.
_KEYSTROKE_RANGES = 16


def keystroke(update: bytes) -> Keystroke | None:
    """``update`` read fast when it is a keystroke (the common update, read on every one a
    busy document takes); None for any other update, or bytes that are not one."""
    r = Reader(bytes(update))
    try:
        if update[:1] == b"\x00":
            return _deletions_alone(r)
        if update[:2] != b"\x01\x01" or update[-1:] != b"\x00":
            return None
        r.pos = 2
        client, clock = r.var_uint(), r.var_uint()
        info = r.byte()
        needs: dict[int, int] = {client: clock} if clock else {}
        if info & 0x80:  # its origin
            other, at = r.var_uint(), r.var_uint()
            if needs.get(other, 0) <= at:
                needs[other] = at + 1
        if info & 0x40:  # its right origin
            other, at = r.var_uint(), r.var_uint()
            if needs.get(other, 0) <= at:
                needs[other] = at + 1
        if not info & 0xC0:
            if r.var_uint() != 1 or info & 0x20:  # in a nested type, or a map's: read generally
                return None
            r.var_bytes()  # the root's name
        ref = info & 0x1F
        if ref == CONTENT_STRING:
            text = r.var_bytes()
            length = len(text) if text.isascii() else _u16(text.decode("utf-8", "replace"))
        elif ref == CONTENT_DELETED:
            length = r.var_uint()
        else:
            return None
    except (ValueError, IndexError):
        return None
    if r.pos != len(update) - 1:  # more than one struct after all
        return None
    return Keystroke(client, clock + length, needs)


def _deletions_alone(r: Reader) -> Keystroke | None:
    r.var_uint()
    needs: dict[int, int] = {}
    ranges = 0
    for _ in range(r.var_uint()):
        client = r.var_uint()
        count = r.var_uint()
        ranges += count
        if ranges > _KEYSTROKE_RANGES:
            return None
        for _ in range(count):
            clock, length = r.var_uint(), r.var_uint()
            if length and needs.get(client, 0) < clock + length:
                needs[client] = clock + length
    if r.pos != len(r.data):
        return None
    return Keystroke(None, 0, needs)


def dependencies(rest: bytes) -> dict[int, int]:
    """What ``rest``, an update cut to a document's state, waits for: client → the clock
    that client's entry in the document's state vector must reach before every struct and
    deletion of ``rest`` can integrate (its own items not counted: they come with it).

    Raises ValueError (or IndexError) for bytes that are not a v1 update."""
    structs, deleted, _ = read_structs(rest)
    carried = ClockRanges()
    for s in structs:
        if s.ref != SKIP:
            carried.add(s.client, s.clock, s.length)
    start_of = carried.start_of

    needs: dict[int, int] = {}

    def need(client: int, clock: int) -> None:  # item (client, clock) must be there
        if start_of(client, clock) is None and needs.get(client, 0) <= clock:
            needs[client] = clock + 1

    for s in structs:
        if s.ref == SKIP:
            continue
        if s.clock:
            need(s.client, s.clock - 1)  # a client's structs integrate in clock order
        for item in (s.origin, s.right_origin,
                     s.parent if isinstance(s.parent, tuple) else None):
            if item is not None:
                need(*item)
    for client, ranges in deleted.items():
        for clock, length in ranges:  # the last deleted item it does not carry
            if lacking := carried.missing(client, clock, length):
                last, last_length = lacking[-1]
                need(client, last + last_length - 1)
    return needs


def blocks_of_update(update: bytes) -> dict[int, list[Block]]:
    """The blocks a v1 update carries, per client, sorted by clock."""
    return _read_update(update)[0]


def deletions_of_update(update: bytes) -> dict[int, list[tuple[int, int]]]:
    """The delete set a v1 update carries: client → [(clock, length)] of the items it
    deletes (anyone's). Empty for an update that only inserts.

    Raises ValueError (or IndexError) for bytes that are not a v1 update."""
    return _read_update(update)[1]


class Struct(NamedTuple):
    """One struct of a v1 update, as written: where it sits and what it holds."""

    client: int
    clock: int
    length: int  # in clock units (UTF-16 for strings)
    ref: int  # the content kind (CONTENT_*), or GC / SKIP
    text: str | None  # a string's text
    origin: tuple[int, int] | None  # the item left of it when it was inserted
    right_origin: tuple[int, int] | None
    parent: str | tuple[int, int] | None  # a root's name or a type's item id; None:
    # the same as its origin's (written only when it has neither origin)
    parent_sub: str | None  # a map entry's key (written with the parent)


#: Struct kinds (Yjs's content refs) that this code reads for what they hold.
GC, CONTENT_DELETED, CONTENT_STRING, SKIP = 0, 1, 4, 10


def read_structs(update: bytes) -> tuple[list[Struct], dict[int, list[tuple[int, int]]],
                                         int]:
    """The structs and the delete set of a v1 update, and where its delete set starts.

    Raises ValueError (or IndexError) for bytes that are not a v1 update."""
    r = Reader(bytes(update))
    structs: list[Struct] = []
    append = structs.append
    for _ in range(r.var_uint()):
        count, client, clock = r.var_uint(), r.var_uint(), r.var_uint()
        for _ in range(count):
            info = r.byte()
            ref = info & 0x1F
            if ref in (GC, SKIP):
                n = r.var_uint()
                append(Struct(client, clock, n, ref, None, None, None, None, None))
                clock += n
                continue
            origin = (r.var_uint(), r.var_uint()) if info & 0x80 else None
            right = (r.var_uint(), r.var_uint()) if info & 0x40 else None
            parent = parent_sub = None
            if not info & 0xC0:
                parent = r.var_string(lenient=True) if r.var_uint() == 1 \
                    else (r.var_uint(), r.var_uint())
                if info & 0x20:
                    parent_sub = r.var_string(lenient=True)
            text, n = None, 1
            if ref == CONTENT_DELETED:
                n = r.var_uint()
            elif ref == 2:
                n = r.var_uint()
                for _ in range(n):
                    r.var_string(lenient=True)
            elif ref == 3:
                r.var_bytes()
            elif ref == CONTENT_STRING:
                text = r.var_string(lenient=True)
                n = _u16(text)
            elif ref == 5:
                r.var_string(lenient=True)
            elif ref == 6:
                r.var_string(lenient=True), r.var_string(lenient=True)
            elif ref == 7:
                if r.var_uint() in (3, 5):
                    r.var_string(lenient=True)
            elif ref == 8:
                n = r.var_uint()
                for _ in range(n):
                    r.skip_any()
            elif ref == 9:
                r.var_string(lenient=True)
                r.skip_any()
            else:
                raise ValueError(f"unknown content {ref}")
            append(Struct(client, clock, n, ref, text, origin, right, parent, parent_sub))
            clock += n
    deletes_at = r.pos
    deleted: dict[int, list[tuple[int, int]]] = {}
    for _ in range(r.var_uint()):
        client = r.var_uint()
        deleted[client] = [(r.var_uint(), r.var_uint()) for _ in range(r.var_uint())]
    return structs, deleted, deletes_at


def _read_update(update: bytes) -> tuple[dict[int, list[Block]],
                                         dict[int, list[tuple[int, int]]]]:
    structs, deleted, _ = read_structs(update)
    clients: dict[int, list[Block]] = {}
    for s in structs:
        kind = "skip" if s.ref == SKIP else "gc" if s.ref == GC else "item"
        clients.setdefault(s.client, []).append(Block(s.clock, s.text, s.length, kind))
    for client, ranges in deleted.items():
        blocks = clients.get(client)
        if not blocks:
            continue
        if any(a.clock > b.clock for a, b in zip(blocks, blocks[1:], strict=False)):
            blocks.sort(key=lambda b: b.clock)  # a hand-written update, in two sections
        clocks = [b.clock for b in blocks]
        for clock, length in ranges:  # each deleted range marks the blocks starting in it
            for i in range(bisect.bisect_left(clocks, clock),
                           bisect.bisect_left(clocks, clock + length)):
                blocks[i].text = None
    return clients, deleted


# --- positions ---------------------------------------------------------------------------------


class Positions:
    """Yjs relative positions for ``text`` (built for one state of its document)."""

    def __init__(self, text: Text) -> None:
        self.text = text
        self.value = str(text)
        self.blocks = blocks_of(text.doc)
        self.clocks = {c: [b.clock for b in bs] for c, bs in self.blocks.items()}

    def _byte(self, cp: int) -> int:
        return len(self.value[:cp].encode("utf-8"))

    def _block_start_byte(self, client: int, clock: int) -> int:
        probe = b"\x00" + _uint(client) + _uint(clock) + _int(0)
        return StickyIndex.decode(probe, self.text).get_index()

    def char_id(self, cp: int) -> tuple[int, int]:
        """The Yjs id (client, clock) of the character at code point ``cp``."""
        at = self._byte(cp)
        item = self.text.sticky_index(at, Assoc.AFTER).to_json()["item"]
        client, raw = item["client"], item["clock"]  # raw = block start + byte offset
        blocks = self.blocks.get(client, [])
        i = bisect.bisect_right(self.clocks.get(client, []), raw)
        for block in reversed(blocks[:i]):
            if block.text is None:
                continue
            data = block.text.encode("utf-8")
            offset = raw - block.clock
            if offset >= len(data):
                continue
            try:
                k = len(data[:offset].decode("utf-8"))
            except UnicodeDecodeError:
                continue
            start = cp - k
            if start < 0 or self.value[start:start + len(block.text)] != block.text:
                continue
            if self._block_start_byte(client, block.clock) != at - offset:
                continue
            return client, block.clock + _u16(block.text[:k])
        raise LookupError(f"no block holds the character at {cp}")

    def to_json(self, cp: int, assoc: int, tname: str = "content") -> dict:
        """Like Yjs createRelativePositionFromTypeIndex(text, utf16(cp), assoc)."""
        if assoc < 0:
            if cp == 0:
                return {"type": None, "tname": tname, "item": None, "assoc": assoc}
            client, clock = self.char_id(cp - 1)
            clock += _u16(self.value[cp - 1]) - 1  # its last UTF-16 unit
        else:
            if cp >= len(self.value):
                return {"type": None, "tname": tname, "item": None, "assoc": assoc}
            client, clock = self.char_id(cp)
        return {"type": None, "tname": None, "item": {"client": client, "clock": clock},
                "assoc": assoc}

    def encode(self, cp: int, assoc: int, tname: str = "content") -> bytes:
        """Like Yjs encodeRelativePosition(createRelativePositionFromTypeIndex(...))."""
        j = self.to_json(cp, assoc, tname)
        if j["item"] is None:
            name = tname.encode("utf-8")
            return b"\x01" + _uint(len(name)) + name + _int(assoc)
        return b"\x00" + _uint(j["item"]["client"]) + _uint(j["item"]["clock"]) + _int(assoc)

    def index_of(self, client: int, clock: int) -> int | None:
        """The code point index of the character with Yjs id (client, clock) in this text,
        or None when it was deleted or is not a character of this text."""
        blocks = self.blocks.get(client, [])
        i = bisect.bisect_right(self.clocks.get(client, []), clock) - 1
        if i < 0 or clock >= blocks[i].clock + blocks[i].length or blocks[i].text is None:
            return None
        try:
            return self.decode(b"\x00" + _uint(client) + _uint(clock) + _int(0))
        except BaseException as exc:  # LookupError, or a pycrdt panic on a foreign id
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return None

    def decode(self, data: bytes) -> int:
        """A Yjs relative position as a code point index (Yjs createAbsolutePosition...)."""
        r = Reader(bytes(data))
        kind = r.var_uint()
        if kind != 0:
            if kind == 1:
                r.var_string(lenient=True)
            else:
                r.var_uint(), r.var_uint()
            assoc = r.var_int() if r.pos < len(r.data) else 0
            return len(self.value) if assoc >= 0 else 0
        client, clock = r.var_uint(), r.var_uint()
        assoc = r.var_int() if r.pos < len(r.data) else 0
        blocks = self.blocks.get(client, [])
        i = bisect.bisect_right(self.clocks.get(client, []), clock) - 1
        if i < 0 or clock >= blocks[i].clock + blocks[i].length:
            raise LookupError("unknown position")
        block = blocks[i]
        start_byte = self._block_start_byte(client, block.clock)
        start = len(self.value.encode("utf-8")[:start_byte].decode("utf-8", errors="ignore"))
        if block.text is None:
            return start  # deleted: where it was
        units, k = clock - block.clock, 0
        while k < len(block.text) and units >= _u16(block.text[k]):
            units -= _u16(block.text[k])
            k += 1
        return start + k + (1 if assoc < 0 else 0)
