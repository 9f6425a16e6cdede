"""The items a document has deleted, as compact sorted ranges per client.

Yjs sends a document's whole delete set with every diff (a reconnecting client's SyncStep2
carries all of it), so a parked document must know what it deleted already to tell news
from repetition without decoding (collab/encoded_doc.py).
"""

from __future__ import annotations

from .clock_ranges import ClockRanges
from .lib0 import write_var_uint


class DeleteSet(ClockRanges):
    """The deleted ranges (``add``, ``missing``), and their v1 encoding."""

    def __init__(self) -> None:
        super().__init__()
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
            self._encoded = encode_delete_set(self.items())
        return self._encoded

    def add(self, client: int, clock: int, length: int) -> None:
        self._encoded = None
        super().add(client, clock, length)


def encode_delete_set(deleted: dict[int, list[tuple[int, int]]]) -> bytes:
    """A v1 delete set (as the tail of a v1 update): clients, then their ranges."""
    out = bytearray(write_var_uint(len(deleted)))
    for client, ranges in deleted.items():
        out += write_var_uint(client) + write_var_uint(len(ranges))
        for clock, length in ranges:
            out += write_var_uint(clock) + write_var_uint(length)
    return bytes(out)
