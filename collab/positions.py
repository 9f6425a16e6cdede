"""Converting text positions between the three ways of counting them.

pycrdt's ``Text`` counts UTF-8 bytes, the browser (Yjs, CodeMirror) counts UTF-16 code
units, and Python strings count code points. An index that falls inside a multi-byte
character is silently treated as "end of text" by pycrdt, and a range delete ending inside
one can delete the rest of the document: every position crossing a boundary goes through
here, and positions inside a character are refused.
"""

from __future__ import annotations

from pycrdt import Text


class PositionError(ValueError):
    """The position is outside the text or inside a character."""


def _check(text: str, index: int) -> None:
    if not 0 <= index <= len(text):
        raise PositionError(f"position {index} is outside a text of {len(text)} characters")


def codepoint_to_utf8(text: str, index: int) -> int:
    _check(text, index)
    return len(text[:index].encode("utf-8"))


def codepoint_to_utf16(text: str, index: int) -> int:
    _check(text, index)
    return len(text[:index].encode("utf-16-le")) // 2


def utf16_to_codepoint(text: str, index: int) -> int:
    """The code-point index of a UTF-16 offset; refuses one between surrogate halves."""
    if index < 0:
        raise PositionError(f"negative position {index}")
    units = 0
    for position, char in enumerate(text):
        if units == index:
            return position
        units += 2 if ord(char) > 0xFFFF else 1
        if units > index:
            raise PositionError(f"UTF-16 position {index} is inside the character {char!r}")
    if units == index:
        return len(text)
    raise PositionError(f"UTF-16 position {index} is past the end of the text")


def utf8_to_codepoint(text: str, index: int) -> int:
    """The code-point index of a UTF-8 byte offset; refuses one inside a character."""
    data = text.encode("utf-8")
    if not 0 <= index <= len(data):
        raise PositionError(f"byte position {index} is outside the text")
    head = data[:index]
    try:
        return len(head.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PositionError(f"byte position {index} is inside a character") from exc


def insert(ytext: Text, index: int, value: str) -> None:
    """Insert ``value`` at code-point ``index`` of a pycrdt Text."""
    ytext.insert(codepoint_to_utf8(str(ytext), index), value)


def delete(ytext: Text, start: int, end: int) -> None:
    """Delete code points ``start:end`` of a pycrdt Text."""
    text = str(ytext)
    if start > end:
        raise PositionError(f"range {start}:{end} is reversed")
    begin, stop = codepoint_to_utf8(text, start), codepoint_to_utf8(text, end)
    if stop > begin:
        del ytext[begin:stop]


def replace(ytext: Text, start: int, end: int, value: str) -> None:
    """Replace code points ``start:end`` with ``value`` (one delete, one insert)."""
    delete(ytext, start, end)
    if value:
        insert(ytext, start, value)
