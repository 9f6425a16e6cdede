"""Updates that arrived before what they build on, held until it is here.

An update can arrive before one it depends on: the channel layer lost a message and the log
poll brings it later, or a client's keystroke overtakes its own offline edits. Yrs keeps the
structs of such an update "pending" and is meant to integrate them when the dependencies
come. It does not always (pycrdt 0.14.13): say client 2 wrote "b", client 1 "e" and then "h"
after "b", and client 2 "d" after "e". Given b, h, d, e in that order, Yrs integrates "h"
across the gap in client 1's clocks, holds "d" and leaves it pending for good when "e"
arrives: the text stays "ebh". What it integrates from its pending structs is not always in
the update its observers see either, so people would not get it. The stress test's faults
showed both: one process's editors lacked the other's last keystrokes for as long as their
replica stayed open.

So Yrs is never given an update before what it builds on: such an update is held here, with
what it waits for, and given to the document once that arrived (as Yjs does with its pending
structs). Yrs then only ever integrates in causal order, the path everyone uses.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pycrdt import Doc, get_update

from .yjs_positions import Keystroke, dependencies, keystroke, read_state_vector

Context = TypeVar("Context")


def is_ready(needs: dict[int, int], clocks: dict[int, int]) -> bool:
    """Whether a document whose state vector is ``clocks`` has all of ``needs`` (see
    yjs_positions.dependencies)."""
    for client, clock in needs.items():  # a loop: all() over a generator costs twice this
        if clocks.get(client, 0) < clock:
            return False
    return True


def read_needs(update: bytes, state_vector: Callable[[], bytes]
               ) -> tuple[dict[int, int], Keystroke | None]:
    """What ``update`` builds on (yjs_positions.dependencies), and the keystroke it is, if
    one: a keystroke's needs are read from it as it is; another update is cut by Yrs to
    what a document with ``state_vector()`` lacks first (fast, in Rust; asked only then),
    and what is left is read. Raises ValueError (or IndexError, or a pycrdt error) for
    bytes that are not an update."""
    typed = keystroke(update)
    if typed is not None:
        return typed.needs, typed
    return dependencies(get_update(update, state_vector())), None


@dataclass
class _Held(Generic[Context]):
    update: bytes
    needs: dict[int, int]  # client → the clock the document must reach first
    context: Context  # what applying it needs besides the bytes (who wrote it)
    at: float = field(default_factory=time.monotonic)


class WaitingUpdates(Generic[Context]):
    """The updates a document holds back until it has what they build on, oldest first."""

    def __init__(self) -> None:
        self._held: list[_Held[Context]] = []
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._held)

    @property
    def since(self) -> float | None:
        """When the oldest update still held was held (time.monotonic)."""
        return self._held[0].at if self._held else None

    def hold(self, update: bytes, needs: dict[int, int], clocks: dict[int, int],
             context: Context) -> bool:
        """Hold ``update`` back if a document whose state vector is ``clocks`` lacks some of
        its ``needs``. Returns whether it was held."""
        if is_ready(needs, clocks):
            return False
        self._held.append(_Held(update, needs, context))
        self.bytes += len(update)
        return True

    def drop_older_than(self, seconds: float) -> int:
        """Let go of the updates held longer than ``seconds``: what they build on is in
        neither the log nor anyone's connection. Returns how many."""
        now = time.monotonic()
        old = [held for held in self._held if now - held.at > seconds]
        if old:
            self._held = [held for held in self._held if now - held.at <= seconds]
            self.bytes -= sum(len(held.update) for held in old)
        return len(old)

    def release_all(self) -> list[tuple[bytes, Context]]:
        """Let go of every held update, oldest first, ready or not."""
        held, self._held, self.bytes = self._held, [], 0
        return [(h.update, h.context) for h in held]

    def release(self, clocks: dict[int, int]) -> list[tuple[bytes, Context]]:
        """Let go of the updates whose needs a document whose state vector is ``clocks``
        has, oldest first, to be applied now."""
        if not self._held:
            return []
        ready = [held for held in self._held if is_ready(held.needs, clocks)]
        if ready:
            self._held = [held for held in self._held if not is_ready(held.needs, clocks)]
            self.bytes -= sum(len(held.update) for held in ready)
        return [(held.update, held.context) for held in ready]


def builds_on_missing(update: bytes, state_vector: bytes) -> bool:
    """Whether a document with ``state_vector`` lacks something ``update`` builds on.
    Raises ValueError (or IndexError, or a pycrdt error) for bytes that are not an update."""
    needs, _ = read_needs(update, lambda: state_vector)
    return not is_ready(needs, read_state_vector(state_vector))


class FollowedClocks:
    """A document's state vector as a dict, kept up to date through keystrokes instead of
    read anew before each update: reading it takes 16 us at 50 writers, more than Yrs
    takes to apply a keystroke. It is read anew after any other transaction: whoever holds
    it calls ``saw_transaction`` for each (the replica from its document's observer)."""

    def __init__(self) -> None:
        self._clocks: dict[int, int] = {}
        self._transactions = 0
        self._read_at = -1  # the transaction count the clocks are exact at
        # The update about to be applied, and what it is if a keystroke.
        self._expected: tuple[bytes, Keystroke | None] | None = None

    def saw_transaction(self) -> None:
        self._transactions += 1

    def of(self, doc: Doc) -> dict[int, int]:
        if self._read_at != self._transactions:
            self._clocks = read_state_vector(doc.get_state())
            self._read_at = self._transactions
        return self._clocks

    def will_integrate(self, update: bytes, typed: Keystroke | None) -> None:
        """``update``, applied next (in one transaction), has its dependencies here; it is
        the keystroke ``typed`` unless that is None."""
        self._expected = (update, typed)

    def integrated(self, update: bytes, changed: bool) -> bool:
        """``update`` was just applied. Returns whether it was the keystroke expected (not
        one that failed before it). If nothing else happened meanwhile, the clocks follow
        it: its client's clock moved to its end (deletions move none)."""
        expected, self._expected = self._expected, None
        if expected is None or expected[0] is not update or expected[1] is None:
            return False
        typed = expected[1]
        if changed and self._transactions == self._read_at + 1:
            if typed.client is not None and self._clocks.get(typed.client, 0) < typed.end:
                self._clocks[typed.client] = typed.end
            self._read_at = self._transactions
        return True
