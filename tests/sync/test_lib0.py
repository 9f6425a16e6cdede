"""The one lib0 reader and writer: what Yjs writes reads back, and nothing malformed reads."""

from __future__ import annotations

import pytest
from pycrdt import Doc, Map, Text

from collab.lib0 import (
    ProtocolError,
    Reader,
    write_var_bytes,
    write_var_int,
    write_var_string,
    write_var_uint,
)
from collab.yjs_positions import read_state_vector, read_structs


@pytest.mark.parametrize("value", [0, 1, -1, 63, -64, 64, 8191, -8192, 2**31, -(2**40)])
def test_var_int_round_trip(value):
    reader = Reader(write_var_int(value))
    assert reader.var_int() == value and reader.done()


def test_values_read_back_in_order_and_any_values_are_stepped_over():
    any_values = bytes([127, 126, 121, 120, 125]) + write_var_int(-5) + \
        bytes([124]) + b"\0" * 4 + bytes([123]) + b"\0" * 8 + \
        bytes([119]) + write_var_string("é") + \
        bytes([118, 1]) + write_var_string("k") + bytes([126]) + bytes([117, 2, 120, 121])
    data = write_var_uint(2**53 - 1) + write_var_bytes(b"\x01\x02") + \
        write_var_string("Zoë 😀") + any_values + bytes([7])
    reader = Reader(data)
    assert reader.var_uint() == 2**53 - 1
    assert reader.var_bytes() == b"\x01\x02"
    assert reader.var_string() == "Zoë 😀"
    for _ in range(10):
        reader.skip_any()
    assert reader.byte() == 7 and reader.done()


@pytest.mark.parametrize("data, read", [
    (b"", Reader.byte),
    (b"\x80", Reader.var_uint),
    (b"\xff" * 11, Reader.var_uint),
    (b"\x05ab", Reader.var_bytes),
    (b"\x02\xff\xfe", Reader.var_string),
    (b"\x7c\x00", Reader.skip_any),
    (b"\x10", Reader.skip_any),
])
def test_malformed_bytes_raise_a_protocol_error_not_an_index_error(data, read):
    with pytest.raises(ProtocolError):
        read(Reader(data))


def test_updates_and_state_vectors_of_pycrdt_read_whole():
    doc = Doc(client_id=2**40 + 7)
    doc.get("content", type=Text).insert(0, "a😀b")
    doc.get("comments", type=Map)["c"] = {"text": "x", "n": 1.5, "ok": True}
    structs, deleted, deletes_at = read_structs(doc.get_update())
    assert {s.client for s in structs} == {2**40 + 7}
    assert deleted == {} and deletes_at == len(doc.get_update()) - 1
    assert read_state_vector(doc.get_state()) == {2**40 + 7: sum(s.length for s in structs)}
    with pytest.raises(ValueError):
        read_structs(doc.get_update()[:-3])
