"""lib0, the binary encoding of Yjs and y-protocols: the one reader and writer of it here.

The wire frames (collab/protocol.py) and the Y updates and state vectors read without
decoding a document (collab/yjs_positions.py) both use it. Reading never trusts the bytes:
anything truncated or malformed raises :class:`ProtocolError` (a ValueError). Numbers are
read on their fast path first: a keystroke's update is read on every one a busy document
takes, and most of its numbers fit one byte.
"""

from __future__ import annotations

#: Bytes of a varUint holding any 64-bit number (Yrs writes client ids and clocks as u64).
MAX_VAR_UINT_BYTES = 10


class ProtocolError(ValueError):
    """The bytes do not follow the encoding or the protocol."""


# --- writing -------------------------------------------------------------------------------


def write_var_uint(value: int) -> bytes:
    if value < 0:
        raise ValueError("varUint cannot be negative")
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def write_var_int(value: int) -> bytes:
    """A signed number as lib0 writes it: sign and six bits first, then seven at a time."""
    negative, value = value < 0, abs(value)
    out = bytearray([(0x40 if negative else 0) | (value & 0x3F)])
    value >>= 6
    while value:
        out[-1] |= 0x80
        out.append(value & 0x7F)
        value >>= 7
    return bytes(out)


def write_var_bytes(data: bytes) -> bytes:
    return write_var_uint(len(data)) + data


def write_var_string(text: str) -> bytes:
    """A string as lib0 writes it: its UTF-8 byte length, then the bytes."""
    return write_var_bytes(text.encode("utf-8"))


# --- reading -------------------------------------------------------------------------------


class Reader:
    """Reads lib0-encoded values from a byte string, refusing to read past its end."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def done(self) -> bool:
        return self.pos == len(self.data)

    def byte(self) -> int:
        try:
            value = self.data[self.pos]
        except IndexError:
            raise ProtocolError("truncated: a byte runs past the end") from None
        self.pos += 1
        return value

    def var_uint(self) -> int:
        data, pos = self.data, self.pos
        try:
            byte = data[pos]
            if byte < 0x80:  # most numbers (lengths, small clocks) fit one byte
                self.pos = pos + 1
                return byte
            value, shift = byte & 0x7F, 7
            while shift < 7 * MAX_VAR_UINT_BYTES:
                pos += 1
                byte = data[pos]
                value |= (byte & 0x7F) << shift
                if byte < 0x80:
                    self.pos = pos + 1
                    return value
                shift += 7
        except IndexError:
            raise ProtocolError("truncated varUint") from None
        raise ProtocolError("varUint too long")

    def var_int(self) -> int:
        byte = self.byte()
        value, negative, more, shift = byte & 0x3F, byte & 0x40, byte & 0x80, 6
        for _ in range(MAX_VAR_UINT_BYTES - 1):
            if not more:
                return -value if negative else value
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            shift += 7
            more = byte & 0x80
        raise ProtocolError("varInt too long")

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        end = self.pos + length
        if end > len(self.data):
            raise ProtocolError(f"length {length} runs past the end of the frame")
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def var_string(self, lenient: bool = False) -> str:
        """A string; ``lenient`` replaces bytes that are not UTF-8 instead of refusing
        them (reading someone's text for what it says, not checking their frame)."""
        data = self.var_bytes()
        if lenient:
            return data.decode("utf-8", errors="replace")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError("string is not UTF-8") from exc

    def skip(self, count: int) -> None:
        if self.pos + count > len(self.data):
            raise ProtocolError("truncated: a value runs past the end")
        self.pos += count

    def skip_any(self) -> None:
        """Step over one value of lib0's ``any`` encoding (a JSON-like value)."""
        kind = self.byte()
        if kind in (127, 126, 121, 120):  # undefined, null, true, false
            return
        if kind == 125:
            self.var_int()
        elif kind == 124:  # float32
            self.skip(4)
        elif kind in (123, 122):  # float64, bigint
            self.skip(8)
        elif kind in (119, 116):  # string, bytes
            self.var_bytes()
        elif kind == 118:  # object
            for _ in range(self.var_uint()):
                self.var_bytes()
                self.skip_any()
        elif kind == 117:  # array
            for _ in range(self.var_uint()):
                self.skip_any()
        else:
            raise ProtocolError(f"unknown Any type {kind}")
