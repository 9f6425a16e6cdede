"""The wire format and position conversions, without a network."""

import json

import pytest
from pycrdt import Decoder, Doc, Text, write_var_uint

from collab import positions
from collab.protocol import (
    AwarenessEntry,
    Outer,
    ProtocolError,
    Reader,
    SyncStep,
    awareness_frame,
    encode_awareness,
    parse_awareness,
    parse_frame,
    permission_denied,
    sync_step1,
    sync_step2,
    sync_update,
    write_var_bytes,
)
from collab.protocol import write_var_uint as our_var_uint


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 2**32 - 1, 2**53 - 1])
def test_var_uint_round_trip_and_matches_pycrdt(value):
    encoded = our_var_uint(value)
    assert encoded == write_var_uint(value)
    assert Reader(encoded).var_uint() == value
    assert Decoder(encoded).read_var_uint() == value


def test_golden_frames():
    assert our_var_uint(300) == bytes([172, 2])
    empty = Doc()
    assert sync_step1(empty.get_state()) == bytes([0, 0, 1, 0])
    assert sync_step2(empty.get_update(empty.get_state())) == bytes([0, 1, 2, 0, 0])
    offline = awareness_frame(encode_awareness([AwarenessEntry(5, 1, "null")]))
    assert offline == bytes([1, 8, 1, 5, 1, 4]) + b"null"


def test_parse_sync_and_awareness_frames():
    frame = parse_frame(sync_update(b"\x01\x02"))
    assert (frame.outer, frame.step, frame.payload) == (Outer.SYNC, SyncStep.UPDATE, b"\x01\x02")
    state = json.dumps({"user": {"name": "Zoë 😀"}})
    update = encode_awareness([AwarenessEntry(2**40, 7, state)])
    frame = parse_frame(awareness_frame(update))
    assert parse_awareness(frame.payload) == [AwarenessEntry(2**40, 7, state)]
    assert parse_frame(permission_denied("nope é")).payload.decode() == "nope é"
    assert parse_frame(bytes([3])).outer == Outer.QUERY_AWARENESS


@pytest.mark.parametrize("data, problem", [
    (b"", "empty"),
    (bytes([9]), "unknown message type"),
    (bytes([0, 7, 0]), "unknown sync step"),
    (bytes([0, 2, 5, 1]), "runs past the end"),
    (bytes([0, 2]), "truncated"),
    (bytes([0, 2, 1, 0, 0]), "trailing"),
    (bytes([0, 2]) + b"\xff" * 12, "too long"),
    (bytes([1]) + write_var_bytes(bytes([1, 1, 1, 3]) + b"{x}"), "not JSON"),
    (bytes([1]) + write_var_bytes(bytes([1, 1, 1, 2]) + b"\xff\xfe"), "not UTF-8"),
])
def test_malformed_frames_are_refused(data, problem):
    with pytest.raises(ProtocolError, match=problem):
        frame = parse_frame(data)
        if frame.outer == Outer.AWARENESS:
            parse_awareness(frame.payload)


TEXT = "a😀b\né漢"


def test_position_conversions_round_trip():
    utf16 = [positions.codepoint_to_utf16(TEXT, i) for i in range(len(TEXT) + 1)]
    assert utf16 == [0, 1, 3, 4, 5, 6, 7]
    for cp, u16 in enumerate(utf16):
        assert positions.utf16_to_codepoint(TEXT, u16) == cp
        assert positions.utf8_to_codepoint(TEXT, positions.codepoint_to_utf8(TEXT, cp)) == cp
    with pytest.raises(positions.PositionError, match="inside"):
        positions.utf16_to_codepoint(TEXT, 2)  # between the emoji's surrogate halves
    with pytest.raises(positions.PositionError, match="inside"):
        positions.utf8_to_codepoint(TEXT, 2)
    with pytest.raises(positions.PositionError):
        positions.codepoint_to_utf8(TEXT, len(TEXT) + 1)


@pytest.mark.parametrize("index", range(len(TEXT) + 1))
def test_inserts_and_deletes_at_every_code_point(index):
    doc = Doc()
    text = doc.get("content", type=Text)
    text += TEXT
    positions.insert(text, index, "X😀")
    assert str(text) == TEXT[:index] + "X😀" + TEXT[index:]
    positions.delete(text, index, index + 2)
    assert str(text) == TEXT
    if index < len(TEXT):
        positions.replace(text, index, index + 1, "ü")
        assert str(text) == TEXT[:index] + "ü" + TEXT[index + 1:]


def test_pycrdt_still_counts_utf8_bytes():
    """If this fails, pycrdt changed its offsets (y-crdt/pycrdt#379): revisit positions.py."""
    doc = Doc()
    text = doc.get("content", type=Text)
    text += "A😀B"
    assert len(text) == 6
    del text[1:2]
    assert str(text) == "A"
