"""The y-websocket wire protocol: framing of sync, awareness and auth messages.

A frame is ``varUint(outer type)`` then a payload (yjs/y-protocols PROTOCOL.md):

- ``0`` sync: ``varUint(step)`` then ``varByteArray(data)``; step 0 carries a state vector,
  steps 1 (SyncStep2) and 2 (update) carry a Y update.
- ``1`` awareness: ``varByteArray(update)``; the update lists ``(client, clock, JSON state)``.
- ``2`` auth: ``varUint(0)`` then ``varString(reason)`` means permission denied.
- ``3`` query awareness: no payload.

Parsing never trusts the peer: every length is checked and anything malformed raises
:class:`ProtocolError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum

from .lib0 import (
    ProtocolError,
    Reader,
    write_var_bytes,
    write_var_string,
    write_var_uint,
)


class Outer(IntEnum):
    SYNC = 0
    AWARENESS = 1
    AUTH = 2
    QUERY_AWARENESS = 3


class SyncStep(IntEnum):
    STEP1 = 0
    STEP2 = 1
    UPDATE = 2


#: The steps by number: indexing takes 11 ns, calling SyncStep 880 (every frame).
_SYNC_STEPS = tuple(SyncStep)


@dataclass(frozen=True)
class Frame:
    """One decoded message. ``step`` only for sync; ``payload`` is the state vector, the
    update, the awareness update or the auth reason (as UTF-8)."""

    outer: Outer
    step: SyncStep | None = None
    payload: bytes = b""


def parse_frame(data: bytes) -> Frame:
    """Decode one frame; raise ProtocolError for anything malformed or unknown."""
    if not data:
        raise ProtocolError("empty frame")
    reader = Reader(data)
    outer = reader.var_uint()
    if outer == Outer.SYNC:
        step = reader.var_uint()
        if step >= len(_SYNC_STEPS):
            raise ProtocolError(f"unknown sync step {step}")
        frame = Frame(Outer.SYNC, _SYNC_STEPS[step], reader.var_bytes())
    elif outer == Outer.AWARENESS:
        frame = Frame(Outer.AWARENESS, payload=reader.var_bytes())
    elif outer == Outer.AUTH:
        reader.var_uint()
        frame = Frame(Outer.AUTH, payload=reader.var_string().encode())
    elif outer == Outer.QUERY_AWARENESS:
        frame = Frame(Outer.QUERY_AWARENESS)
    else:
        raise ProtocolError(f"unknown message type {outer}")
    if not reader.done():
        raise ProtocolError("trailing bytes after the message")
    return frame


def sync_step1(state_vector: bytes) -> bytes:
    return bytes([Outer.SYNC, SyncStep.STEP1]) + write_var_bytes(state_vector)


def sync_step2(update: bytes) -> bytes:
    return bytes([Outer.SYNC, SyncStep.STEP2]) + write_var_bytes(update)


def sync_update(update: bytes) -> bytes:
    return bytes([Outer.SYNC, SyncStep.UPDATE]) + write_var_bytes(update)


def awareness_frame(update: bytes) -> bytes:
    return bytes([Outer.AWARENESS]) + write_var_bytes(update)


def permission_denied(reason: str) -> bytes:
    """The y-protocols auth message clients show as an error ("permission denied")."""
    return bytes([Outer.AUTH, 0]) + write_var_string(reason)


def query_awareness() -> bytes:
    return bytes([Outer.QUERY_AWARENESS])


# --- Awareness updates ----------------------------------------------------------------------

@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: str  # the JSON text; "null" means the client left


def parse_awareness(update: bytes, max_entries: int = 1000) -> list[AwarenessEntry]:
    reader = Reader(update)
    count = reader.var_uint()
    if count > max_entries:
        raise ProtocolError(f"awareness update lists {count} clients")
    entries = []
    for _ in range(count):
        client_id, clock, state = reader.var_uint(), reader.var_uint(), reader.var_string()
        try:
            json.loads(state)
        except ValueError as exc:
            raise ProtocolError("awareness state is not JSON") from exc
        except RecursionError as exc:
            raise ProtocolError("awareness state is nested too deeply") from exc
        entries.append(AwarenessEntry(client_id, clock, state))
    if not reader.done():
        raise ProtocolError("trailing bytes after the awareness update")
    return entries


def encode_awareness(entries: list[AwarenessEntry]) -> bytes:
    out = bytearray(write_var_uint(len(entries)))
    for entry in entries:
        out += write_var_uint(entry.client_id) + write_var_uint(entry.clock)
        out += write_var_string(entry.state)
    return bytes(out)
