"""The items a document has deleted, as compact sorted ranges per client.

Yjs sends a document's whole delete set with every diff (a reconnecting client's SyncStep2
carries all of it), so a parked document must know what it deleted already to tell news
from repetition without decoding (collab/encoded_doc.py).
"""

from __future__ import annotations

import bisect
from array import array

from .lib0 import write_var_uint


class DeleteSet:
    """client → sorted, disjoint, non-touching [start, end) clock ranges."""

    def __init__(self) -> None:
        self._ranges: dict[int, tuple[array, array]] = {}
        self._encoded: bytes | None = None

    @classmethod
    def of(cls, deleted: dict[int, list[tuple[int, int]]]) -> DeleteSet:
        out = cls()
        for client, ranges in deleted.items():
            for clock, length in ranges:
                out.add(client, clock, length)
        return out

    def encoded(self) -> bytes:
        """All of it, as a v1 delete set (kept until the next change)."""
        if self._encoded is None:
            self._encoded = encode_delete_set({
                client: [(start, end - start) for start, end in zip(starts, ends, strict=True)]
                for client, (starts, ends) in self._ranges.items()})
        return self._encoded

    def add(self, client: int, clock: int, length: int) -> None:
        if length <= 0:
            return
        self._encoded = None
        starts, ends = self._ranges.setdefault(client, (array("q"), array("q")))
        end = clock + length
        if not starts or clock > ends[-1]:  # the usual case: past everything known
            starts.append(clock)
            ends.append(end)
            return
        # Ranges that touch or overlap [clock, end) fold into one.
        first = bisect.bisect_left(ends, clock)
        last = bisect.bisect_right(starts, end)
        if first < last:
            clock, end = min(clock, starts[first]), max(end, ends[last - 1])
        del starts[first:last]
        del ends[first:last]
        starts.insert(first, clock)
        ends.insert(first, end)

    def missing(self, client: int, clock: int, length: int) -> list[tuple[int, int]]:
        """The parts of (client, clock … clock + length - 1) not deleted yet."""
        runs = self._ranges.get(client)
        if runs is None:
            return [(clock, length)] if length > 0 else []
        starts, ends = runs
        out: list[tuple[int, int]] = []
        end = clock + length
        i = bisect.bisect_right(ends, clock)
        while clock < end:
            if i >= len(starts) or starts[i] >= end:
                out.append((clock, end - clock))
                break
            if starts[i] > clock:
                out.append((clock, starts[i] - clock))
            clock = max(clock, ends[i])
            i += 1
        return out


def encode_delete_set(deleted: dict[int, list[tuple[int, int]]]) -> bytes:
    """A v1 delete set (as the tail of a v1 update): clients, then their ranges."""
    out = bytearray(write_var_uint(len(deleted)))
    for client, ranges in deleted.items():
        out += write_var_uint(client) + write_var_uint(len(ranges))
        for clock, length in ranges:
            out += write_var_uint(clock) + write_var_uint(length)
    return bytes(out)
