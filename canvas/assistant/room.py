"""What the model is told about the room: who is here, where their cursors are, and which
passages people edited in the last few minutes, so it can leave them alone unless asked.

Cursors come from the presence board (collab.presence_board), recent edits from the update
log (rows of the last RECENT_SECONDS written by people); both are placed in the text the
turn shows the model through the Yjs ids of their characters (collab.yjs_positions).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from pycrdt import Doc, Text

from collab import persistence, presence_board
from collab.yjs_positions import Positions, blocks_of_update

RECENT_SECONDS = 300
QUOTE_CHARS = 80
MAX_PASSAGES = 3  # per person


@dataclass
class Person:
    """One person's activity, in the coordinates of the document it was read from."""

    name: str
    here: bool = False  # has the canvas open now
    cursor: tuple[int | None, int | None] | None = None  # (anchor, head) code points
    edited: list[tuple[int, int, float]] = field(default_factory=list)  # start, end, seconds ago


@dataclass
class Room:
    """Who has the canvas open, where their cursors are, and where people inserted text in
    the last ``since`` seconds (newest first)."""

    text: str
    people: dict[object, Person]  # user id (or an origin naming no user) → activity

    def others(self, besides: object) -> list[Person]:
        return [p for key, p in self.people.items() if key != besides]

    def others_present(self, besides: object) -> bool:
        return any(p.here for p in self.others(besides))


def _passage_span(text: str, at: int, code: bool) -> tuple[int, int]:
    """The line (code) or paragraph (prose) around ``at``."""
    if code:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
    else:
        start = text.rfind("\n\n", 0, at)
        start = 0 if start < 0 else start + 2
        end = text.find("\n\n", at)
    return start, len(text) if end < 0 else end


def passage_span(text: str, start: int, end: int, code: bool) -> tuple[int, int]:
    """``start:end`` widened to the whole lines (code) or paragraphs (prose) it touches."""
    return _passage_span(text, start, code)[0], _passage_span(text, end, code)[1]


def _passage(text: str, at: int, code: bool) -> str:
    """The line (code) or paragraph (prose) around ``at``, quoted short."""
    start, end = _passage_span(text, at, code)
    passage = " ".join(text[start:end].split())
    return passage if len(passage) <= QUOTE_CHARS else passage[:QUOTE_CHARS - 1] + "…"


def _ago(seconds: float) -> str:
    if seconds < 10:
        return "just now"
    if seconds < 90:
        return f"{int(seconds)} s ago"
    return f"{round(seconds / 60)} min ago"


def _index(positions: Positions, end: object) -> int | None:
    """Where a Yjs relative position (as y-codemirror.next puts it in presence) points."""
    if not isinstance(end, dict):
        return None
    item = end.get("item")
    if item is None:
        return len(positions.value) if end.get("tname") else None  # the end of the text
    try:
        return positions.index_of(int(item["client"]), int(item["clock"]))
    except (KeyError, TypeError, ValueError):
        return None


def _cursor(positions: Positions, cursor: object) -> tuple[int | None, int | None] | None:
    if not isinstance(cursor, dict):
        return None
    anchor, head = _index(positions, cursor.get("anchor")), _index(positions, cursor.get("head"))
    return None if anchor is None and head is None else (anchor, head)


def observe(canvas_id: str, doc: Doc, since: float = RECENT_SECONDS) -> Room:
    """The room as the presence board and the update log tell it, placed in ``doc``."""
    board = presence_board.read(canvas_id)
    after = timezone.now() - timedelta(seconds=since)
    rows = [(e.origin, e.data, e.created) for e in persistence.log_entries(
        canvas_id, after=after, origin_prefix="user:", newest_first=True, limit=500)]
    if not board and not rows:
        return Room("", {})  # nobody here, nothing recent: spare reading the document's blocks
    positions = Positions(doc.get("content", type=Text))
    people: dict[object, Person] = {}
    for state in board.values():
        user = state.get("user")
        if not isinstance(user, dict) or user.get("isAssistant") or "id" not in user:
            continue
        person = people.setdefault(user["id"], Person(str(user.get("name") or "someone")))
        person.here = True
        person.cursor = person.cursor or _cursor(positions, state.get("cursor"))
    now = time.time()
    for origin, data, created in rows:
        user_id = int(origin.split(":", 1)[1]) if origin[5:].isdigit() else origin
        try:
            blocks = blocks_of_update(bytes(data))
        except (ValueError, IndexError):
            continue
        for client, client_blocks in blocks.items():
            for block in client_blocks:
                at = positions.index_of(client, block.clock) if block.text else None
                if at is None:
                    continue
                person = people.setdefault(user_id, Person(""))
                person.edited.append((at, min(at + len(block.text), len(positions.value)),
                                      now - created.timestamp()))
    _name_people(people)
    return Room(positions.value, people)


def _cursor_words(text: str, cursor: tuple[int | None, int | None] | None, code: bool,
                  window: tuple[int, int]) -> str:
    if cursor is None:
        return ""
    anchor, head = cursor
    at = anchor if anchor is not None else head
    if not window[0] <= at <= window[1]:
        return ""
    if anchor is not None and head is not None and anchor != head:
        start, end = sorted((anchor, head))
        selected = " ".join(text[start:end].split())
        if len(selected) > QUOTE_CHARS:
            selected = selected[:QUOTE_CHARS - 1] + "…"
        return f"has selected “{selected}”"
    return f"has the cursor in “{_passage(text, at, code)}”"


def tell(room: Room, code: bool, asker_id: int | None = None,
         window: tuple[int, int] | None = None) -> str:
    """A few lines for the prompt, or "" when nobody else is here or edited lately. Only
    what lies in ``window`` (the part of the text the model is shown) is mentioned."""
    text = room.text
    low, high = window if window is not None else (0, len(text))
    lines = []
    for key, person in room.people.items():
        parts = []
        cursor = _cursor_words(text, person.cursor, code, (low, high))
        if cursor:
            parts.append(cursor)
        passages: list[tuple[str, float]] = []
        for at, _end, ago in person.edited:
            if not low <= at <= high or len(passages) == MAX_PASSAGES:
                continue
            passage = _passage(text, at, code)
            if passage and passage not in (p for p, _ in passages):
                passages.append((passage, ago))
        if passages:
            parts.append("edited " + "; ".join(f"“{p}” ({_ago(s)})" for p, s in passages))
        if not parts:
            continue
        asking = " (asking you now)" if key == asker_id else ""
        lines.append(f"- {person.name}{asking}: " + ", ".join(parts))
    if not lines:
        return ""
    return ("People in the room and where they are working. Do not rewrite or edit these "
            "passages unless the request is about them; their typing merges with yours:\n"
            + "\n".join(lines))


def describe(canvas_id: str, doc: Doc, code: bool, asker_id: int | None = None,
             window: tuple[int, int] | None = None) -> str:
    """``tell`` what ``observe`` sees, in one call."""
    return tell(observe(canvas_id, doc), code, asker_id, window)


def writers_since(canvas_id: str, since: datetime) -> list[str]:
    """The names of the people whose edits reached the canvas since ``since``."""
    ids = {int(origin[5:]) for origin in persistence.log_origins(
        canvas_id, after=since, origin_prefix="user:") if origin[5:].isdigit()}
    return sorted(get_user_model().objects.filter(pk__in=ids).values_list("username", flat=True))


def _name_people(people: dict[object, Person]) -> None:
    unnamed = [k for k, p in people.items() if not p.name and isinstance(k, int)]
    if not unnamed:
        return
    names = dict(get_user_model().objects.filter(pk__in=unnamed).values_list("pk", "username"))
    for key, person in people.items():
        person.name = person.name or names.get(key, "someone")
