"""Sets of Yjs item ids as compact sorted clock ranges per client.

A document's deletions (collab/delete_set.py) and the items an update carries along
(yjs_positions.dependencies) are both such sets: ranges that touch fold together, and a
clock is looked up by bisection (a compacted state has hundreds of thousands of structs).
"""

from __future__ import annotations

import bisect
from array import array


class ClockRanges:
    """client → sorted, disjoint, non-touching [start, end) clock ranges."""

    def __init__(self) -> None:
        self._ranges: dict[int, tuple[array, array]] = {}

    def add(self, client: int, clock: int, length: int) -> None:
        if length <= 0:
            return
        starts, ends = self._ranges.setdefault(client, (array("q"), array("q")))
        end = clock + length
        if not starts or clock > ends[-1]:  # the usual case: past everything known
            starts.append(clock)
            ends.append(end)
            return
        if clock == ends[-1]:  # or right after it (a client's structs, read in order)
            ends[-1] = end
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

    def start_of(self, client: int, clock: int) -> int | None:
        """The start of the range that holds (client, clock); None when none does."""
        runs = self._ranges.get(client)
        if runs is None:
            return None
        starts, ends = runs
        index = bisect.bisect_right(starts, clock) - 1
        return starts[index] if index >= 0 and clock < ends[index] else None

    def missing(self, client: int, clock: int, length: int) -> list[tuple[int, int]]:
        """The parts of (client, clock … clock + length - 1) not in the set."""
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

    def items(self) -> dict[int, list[tuple[int, int]]]:
        """client → its (clock, length) ranges, in clock order."""
        return {client: [(start, end - start) for start, end in zip(starts, ends, strict=True)]
                for client, (starts, ends) in self._ranges.items()}
