"""The assistant as one more peer of a canvas's Y document, with its own presence."""

from __future__ import annotations

import json
import uuid

from pycrdt import IdSet

from canvas.provenance import ASSISTANT as ASSISTANT_NAME
from collab import broadcast, relay
from collab.peer import DocumentPeer, decode_sticky, encode_sticky
from collab.protocol import AwarenessEntry, encode_awareness
from collab.yjs_positions import Positions

from .fork import deleted_ids

ASSISTANT_COLOR = "#7c3aed"
ASSISTANT_COLOR_LIGHT = "#7c3aed33"

__all__ = ["AssistantPeer", "decode_sticky", "encode_sticky"]


def _sticky_json(positions: Positions, index: int) -> dict:
    """A relative position at code point ``index`` as y-codemirror.next reads it."""
    return positions.to_json(index, 0)


class AssistantPeer(DocumentPeer):
    def __init__(self, canvas_id: object, turn_id: object, name: str) -> None:
        super().__init__(canvas_id, f"assistant:{turn_id}")
        self.name = name
        #: What it is doing, shown with its avatar: {"request": ..., "askedBy": ...}.
        self.task: dict[str, str] | None = None
        self._awareness_clock = 0
        self._present = False

    def _user(self) -> dict:
        # One name for the assistant everywhere, its model as a detail (identity.js).
        user = {"id": "assistant", "name": ASSISTANT_NAME, "model": self.name,
                "color": ASSISTANT_COLOR, "colorLight": ASSISTANT_COLOR_LIGHT,
                "isAssistant": True}
        if self.task:
            user["task"] = self.task
        return user

    # --- presence ------------------------------------------------------------------------------

    def show_cursor(self, start: int, end: int | None = None,
                    flash: list[tuple[int, int]] | None = None) -> None:
        """Show the assistant's cursor (and flash the passages it just edited)."""
        length = len(self.text())
        positions = Positions(self.content)
        head = min(end if end is not None else start, length)
        state = {
            "user": self._user(),
            "cursor": {"anchor": _sticky_json(positions, min(start, length)),
                       "head": _sticky_json(positions, head)},
        }
        if flash:
            state["flash"] = {
                "id": uuid.uuid4().hex[:8],
                "ranges": [{"anchor": _sticky_json(positions, a),
                            "head": _sticky_json(positions, b)}
                           for a, b in flash if 0 <= a <= b <= length],
            }
        self._publish_presence(json.dumps(state, ensure_ascii=False))
        self._present = True

    def show_relative(self, cursor: dict, flash: list[dict] | None = None) -> None:
        """Like ``show_cursor``, with ranges already given as Yjs relative positions (a turn's
        fork computes them: its ids exist here too once merged)."""
        state = {"user": self._user(), "cursor": cursor}
        if flash:
            state["flash"] = {"id": uuid.uuid4().hex[:8], "ranges": flash}
        self._publish_presence(json.dumps(state, ensure_ascii=False))
        self._present = True

    # --- the live document a turn's fork merges into (applier.LiveDocument) ----------------

    def deleted(self) -> IdSet:
        self.refresh()
        return deleted_ids(self.doc)

    def size(self) -> int:
        return len(self.doc.get_update())

    def merge(self, update: bytes) -> None:
        self.refresh()
        with self.change():
            self.doc.apply_update(update)

    def changes_since(self, state_vector: bytes) -> bytes:
        self.refresh()
        return self.doc.get_update(state_vector)

    def show_presence(self) -> None:
        state = {"user": self._user()}
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
