"""Which root shared type each item of a document lives in, found from encoded updates.

A struct names its parent only when it was inserted with no neighbours; otherwise it lives
where its left neighbour at insertion (its origin) does, or else its right one (Yjs's
``Item.integrate``). So the root of every item follows from the structs alone, without
decoding the document: a parked document uses this to tell a keystroke in the text from a
change to the comments, which must be decoded to be checked (collab/encoded_doc.py).

Roots are kept as runs of consecutive clocks of one client in one root: a person typing
in one text makes one run, whatever the number of structs.
"""

from __future__ import annotations

import bisect
from array import array

from .yjs_positions import GC, SKIP, Struct

#: The root of items inside a nested type (their parent is a type's item, not a root).
NESTED = "\x00nested"


class ItemRoots:
    """Item id ranges → root name (``NESTED`` inside nested types, None where unknown:
    garbage-collected structs, or items whose neighbours were)."""

    def __init__(self) -> None:
        # client → (run starts, run roots); a client's runs end at its _ends clock.
        self._runs: dict[int, tuple[array, list[str | None]]] = {}
        self._ends: dict[int, int] = {}

    @classmethod
    def of(cls, structs: list[Struct]) -> ItemRoots:
        """The roots of a whole document's structs (as its encoded state lists them)."""
        roots = cls()
        for struct, root in zip(structs, _resolve(structs), strict=True):
            if struct.ref != SKIP:  # a gap: the next struct after it starts unknown
                roots.extend(struct.client, struct.clock, struct.length, root)
        return roots

    def clients(self) -> list[int]:
        return list(self._ends)

    def end(self, client: int) -> int:
        return self._ends.get(client, 0)

    def root_of(self, client: int, clock: int) -> str | None:
        """The root of item (client, clock); None when unknown or not there."""
        runs = self._runs.get(client)
        if runs is None or clock >= self._ends[client]:
            return None
        starts, roots = runs
        return roots[bisect.bisect_right(starts, clock) - 1] if clock >= starts[0] else None

    def roots_over(self, client: int, clock: int, length: int) -> set[str | None]:
        """The roots of items (client, clock) … (client, clock + length - 1); None among
        them where some are unknown or not there."""
        runs = self._runs.get(client)
        if runs is None:
            return {None}
        starts, roots = runs
        found: set[str | None] = set()
        if clock < starts[0] or clock + length > self._ends[client]:
            found.add(None)
        first = max(bisect.bisect_right(starts, clock) - 1, 0)
        last = bisect.bisect_left(starts, clock + length)
        found.update(roots[first:last])
        return found

    def extend(self, client: int, clock: int, length: int, root: str | None) -> None:
        """Items (client, clock …) live in ``root``. A gap before ``clock`` is unknown."""
        runs = self._runs.get(client)
        if runs is None:
            runs = self._runs[client] = (array("q"), [])
        starts, roots = runs
        end = self._ends.get(client, clock)
        if clock < end:
            raise ValueError(f"items of {client} from {clock} are known already")
        if clock > end:
            starts.append(end)
            roots.append(None)
        if not roots or roots[-1] != root or clock > end:
            starts.append(clock)
            roots.append(root)
        self._ends[client] = clock + length


def _resolve(structs: list[Struct]) -> list[str | None]:
    """The root of each struct: its named parent, or else its origin's (or right origin's)
    root. Neighbours may come later in the update, so a struct whose neighbour is not
    resolved yet waits for it (no recursion: origin chains can be as long as the text)."""
    clocks: dict[int, list[int]] = {}
    index: dict[int, list[int]] = {}
    for k, struct in enumerate(structs):
        clocks.setdefault(struct.client, []).append(struct.clock)
        index.setdefault(struct.client, []).append(k)

    def struct_at(item: tuple[int, int]) -> int | None:
        client, clock = item
        i = bisect.bisect_right(clocks.get(client, ()), clock) - 1
        if i < 0:
            return None
        k = index[client][i]
        return k if clock < structs[k].clock + structs[k].length else None

    unresolved = object()
    roots: list[object] = [unresolved] * len(structs)
    waiting: dict[int, list[int]] = {}
    for start in range(len(structs)):
        stack = [start]
        while stack:
            k = stack.pop()
            if roots[k] is not unresolved:
                continue
            struct = structs[k]
            if struct.ref in (GC, SKIP):
                root: object = None
            elif isinstance(struct.parent, str):
                root = struct.parent
            elif struct.parent is not None:
                root = NESTED
            else:
                neighbour = struct.origin or struct.right_origin
                j = None if neighbour is None else struct_at(neighbour)
                if j is not None and roots[j] is unresolved:
                    waiting.setdefault(j, []).append(k)
                    continue
                root = None if j is None else roots[j]
            roots[k] = root
            stack.extend(waiting.pop(k, ()))
    # Structs still waiting sit on a cycle of neighbours, which no real document has.
    return [None if root is unresolved else root for root in roots]  # type: ignore[misc]
