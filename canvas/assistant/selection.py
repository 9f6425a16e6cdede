"""A person's selection, anchored in the document so it follows the text it covers.

The browser sends offsets in its own text (UTF-16 units) and the selected text. The server
finds that text nearest to the offsets and stores sticky indices: when people type before
the selection, it still covers the same words when the turn runs.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from pycrdt import Assoc, Doc, Text

from collab.positions import PositionError, utf16_to_codepoint

from .peer import decode_sticky, encode_sticky

MAX_QUOTE = 100_000
#: The selection's JSON as sent: the quote (each character escaped at worst as \uXXXX\uXXXX)
#: and two offsets.
MAX_RAW = 12 * MAX_QUOTE + 200


class SelectionError(ValueError):
    """The selection cannot be found in the canvas."""


@dataclass(frozen=True)
class Selection:
    start: int
    end: int
    quote: str
    sticky_start: bytes
    sticky_end: bytes


def anchor(doc: Doc, raw: dict) -> dict:
    """Validate a selection from the chat form and anchor it; the result goes in
    ``Message.selection``."""
    if not isinstance(raw, dict):
        raise SelectionError("The selection is not valid.")
    quote = raw.get("quote")
    offset = raw.get("from")
    if not isinstance(quote, str) or not quote or len(quote) > MAX_QUOTE:
        raise SelectionError("Select some text first (up to 100,000 characters).")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise SelectionError("The selection is not valid.")
    to = raw.get("to", offset + len(quote))
    if not isinstance(to, int) or isinstance(to, bool) or not offset <= to <= offset + \
            2 * len(quote):  # UTF-16 units: at most two per character
        raise SelectionError("The selection is not valid.")
    content = doc.get("content", type=Text)
    text = str(content)
    try:
        near = utf16_to_codepoint(text, offset)
    except PositionError:
        near = 0
    starts, found = [], text.find(quote)
    while found != -1:
        starts.append(found)
        found = text.find(quote, found + 1)
    if not starts:
        raise SelectionError("The selected text is no longer in the canvas; select it again.")
    start = min(starts, key=lambda s: abs(s - near))
    end = start + len(quote)
    return {
        "from": offset, "to": to, "quote": quote,
        "start": base64.b64encode(encode_sticky(content, start, Assoc.AFTER)).decode(),
        "end": base64.b64encode(encode_sticky(content, end, Assoc.BEFORE)).decode(),
    }


def resolve(peer, stored: dict | None) -> Selection | None:
    """The anchored selection as it stands now in ``peer``'s document."""
    if not stored or "start" not in stored:
        return None
    sticky_start = base64.b64decode(stored["start"])
    sticky_end = base64.b64decode(stored["end"])
    start, end = _span(peer, sticky_start, sticky_end)
    return Selection(start, end, peer.text()[start:end], sticky_start, sticky_end)


def _span(peer, sticky_start: bytes, sticky_end: bytes) -> tuple[int, int]:
    try:
        start = decode_sticky(peer.content, sticky_start)
        end = decode_sticky(peer.content, sticky_end)
    except (PositionError, ValueError) as exc:
        raise SelectionError("The selection could not be found any more.") from exc
    return (start, end) if start <= end else (end, start)
