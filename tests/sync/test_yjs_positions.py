"""Relative positions written by Python must mean the same characters to Yjs, and back.

pycrdt 0.14 builds sticky indices from UTF-8 offsets (y-crdt/pycrdt#382) where Yjs counts
UTF-16 units; collab.yjs_positions computes the Yjs ids itself. Checked against the real
yjs package of the frontend, run by Node.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pycrdt import Assoc, Doc, Text

from collab import positions
from collab.peer import decode_sticky, encode_sticky

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"

NODE_CHECK = r"""
const Y = require("yjs");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const doc = new Y.Doc();
Y.applyUpdate(doc, Buffer.from(input.update, "base64"));
const text = doc.getText("content");
const out = { resolved: [], made: [] };
for (const p of input.positions) {
  const rel = Y.decodeRelativePosition(Buffer.from(p, "base64"));
  out.resolved.push(Y.createAbsolutePositionFromRelativePosition(rel, doc).index);
}
for (const [index, assoc] of input.make) {
  const rel = Y.createRelativePositionFromTypeIndex(text, index, assoc);
  out.made.push(Buffer.from(Y.encodeRelativePosition(rel)).toString("base64"));
}
process.stdout.write(JSON.stringify(out));
"""


def build_doc() -> tuple[Doc, Text]:
    """A text written by three peers in several blocks, with deletions and wide characters."""
    doc = Doc(client_id=1)
    text = doc.get("content", type=Text)
    positions.insert(text, 0, "Intro 世界世界 — Zoë 😀 👩‍👩‍👧 café\n")
    other = Doc(client_id=2)
    other.apply_update(doc.get_update())
    other_text = other.get("content", type=Text)
    positions.insert(other_text, 6, "插入🎉 ")
    positions.insert(other_text, len(str(other_text)), "tail ünïcode ✓\n")
    doc.apply_update(other.get_update())
    positions.delete(text, 2, 4)
    positions.insert(text, 10, "X")
    return doc, text


@pytest.mark.skipif(not shutil.which("node") or not (FRONTEND / "node_modules" / "yjs")
                    .exists(), reason="needs Node and the frontend's yjs (make builds them)")
def test_positions_agree_with_yjs_both_ways():
    doc, text = build_doc()
    value = str(text)
    indexes = list(range(len(value) + 1))
    encoded = [encode_sticky(text, i, Assoc.AFTER) for i in indexes]
    make = [[positions.codepoint_to_utf16(value, i), 0] for i in indexes]
    payload = {"update": base64.b64encode(doc.get_update()).decode(),
               "positions": [base64.b64encode(e).decode() for e in encoded], "make": make}
    result = json.loads(subprocess.run(["node", "-e", NODE_CHECK], input=json.dumps(payload),
                                       capture_output=True, text=True, check=True,
                                       cwd=FRONTEND).stdout)
    # Ours, read by Yjs: the same characters.
    assert result["resolved"] == [positions.codepoint_to_utf16(value, i) for i in indexes]
    # Yjs's, read by us: the same characters.
    assert [decode_sticky(text, base64.b64decode(p)) for p in result["made"]] == indexes


def test_positions_follow_their_characters_as_text_moves():
    doc, text = build_doc()
    value = str(text)
    at = value.index("café")
    start = encode_sticky(text, at, Assoc.AFTER)
    end = encode_sticky(text, at + 4, Assoc.BEFORE)
    positions.insert(text, 0, "新しい 😀 prefix ")
    now = str(text)
    assert now[decode_sticky(text, start):decode_sticky(text, end)] == "café"


def test_without_clients_cuts_their_structs_and_keeps_the_rest_and_the_delete_set():
    from collab.yjs_positions import read_state_vector, without_clients

    alice, bob = Doc(client_id=11), Doc(client_id=22)
    alice.get("content", type=Text).insert(0, "Alice's line. ")
    bob.apply_update(alice.get_update())
    bob.get("content", type=Text).insert(14, "Bob's line.")
    alice.apply_update(bob.get_update())
    alice.get("content", type=Text).insert(0, "Alice again. ")
    del bob.get("content", type=Text)[0:8]  # bob deletes "Alice's "
    bob.apply_update(alice.get_update())
    everything = bob.get_update()

    only_bob = Doc()
    only_bob.apply_update(without_clients(everything, {11}))
    # Bob's structs wait for alice's (his line follows hers); nothing of alice's is there.
    assert str(only_bob.get("content", type=Text)) == ""
    assert read_state_vector(only_bob.get_state()) == {}
    only_bob.apply_update(alice.get_update())  # alice's own answer brings hers
    assert str(only_bob.get("content", type=Text)) == str(bob.get("content", type=Text))
    assert without_clients(everything, set()) == everything
