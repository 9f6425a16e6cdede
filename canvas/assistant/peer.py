"""The assistant as one more peer of a canvas's Y document, with its own presence."""

from __future__ import annotations

import json
import uuid

from pycrdt import Assoc, Text

from canvas import broadcast
from collab import relay
from collab.peer import DocumentPeer, decode_sticky, encode_sticky
from collab.positions import codepoint_to_utf8
from collab.protocol import AwarenessEntry, encode_awareness

ASSISTANT_COLOR = "#7c3aed"
ASSISTANT_COLOR_LIGHT = "#7c3aed33"

__all__ = ["AssistantPeer", "decode_sticky", "encode_sticky"]


def _sticky_json(text: Text, byte_index: int) -> dict:
    """A relative position as y-codemirror.next reads it from awareness."""
    # Assoc.AFTER at the very end of the text panics in pycrdt; BEFORE is safe there.
    assoc = Assoc.BEFORE if byte_index >= len(text) else Assoc.AFTER
    return text.sticky_index(byte_index, assoc).to_json()


class AssistantPeer(DocumentPeer):
    def __init__(self, canvas_id: object, turn_id: object, name: str) -> None:
        super().__init__(canvas_id, f"assistant:{turn_id}")
        self.name = name
        self._awareness_clock = 0
        self._present = False

    # --- presence ------------------------------------------------------------------------------

    def show_cursor(self, start: int, end: int | None = None,
                    flash: list[tuple[int, int]] | None = None) -> None:
        """Show the assistant's cursor (and flash the passages it just edited)."""
        text = self.text()
        head = codepoint_to_utf8(text, min(end if end is not None else start, len(text)))
        anchor = codepoint_to_utf8(text, min(start, len(text)))
        state = {
            "user": {"id": "assistant", "name": self.name, "color": ASSISTANT_COLOR,
                     "colorLight": ASSISTANT_COLOR_LIGHT, "isAssistant": True},
            "cursor": {"anchor": _sticky_json(self.content, anchor),
                       "head": _sticky_json(self.content, head)},
        }
        if flash:
            state["flash"] = {
                "id": uuid.uuid4().hex[:8],
                "ranges": [{"anchor": _sticky_json(self.content, codepoint_to_utf8(text, a)),
                            "head": _sticky_json(self.content, codepoint_to_utf8(text, b))}
                           for a, b in flash if 0 <= a <= b <= len(text)],
            }
        self._publish_presence(json.dumps(state, ensure_ascii=False))
        self._present = True

    def show_presence(self) -> None:
        state = {"user": {"id": "assistant", "name": self.name, "color": ASSISTANT_COLOR,
                          "colorLight": ASSISTANT_COLOR_LIGHT, "isAssistant": True}}
        self._publish_presence(json.dumps(state, ensure_ascii=False))
        self._present = True

    def leave(self) -> None:
        if self._present:
            self._publish_presence("null")
            self._present = False

    def _publish_presence(self, state: str) -> None:
        self._awareness_clock += 1
        update = encode_awareness([AwarenessEntry(self.doc.client_id, self._awareness_clock,
                                                  state)])
        broadcast.group_send(self.group, relay.awareness_message(update))
