"""Comments carry an author the server vouches for.

A comment is a plain object in ``Y.Map("comments")`` that any writer could fill in, so the
sync server corrects what a connection's update did to the map, in the same step as applying
it (before anyone else sees it, see ``Replica.receive_update``):

- a new comment is stamped with the writer's name and id; ``assistant`` is removed (only
  server-side peers, which never pass through here, may set it);
- someone else's comment (or one written before authors were stamped) may only be resolved
  or reopened: any other change is put back;
- deleting a comment is for its author and for people who may edit the text; otherwise it
  comes back.

Corrections are ordinary CRDT writes, so every client, the writer's included, converges on
them; an honest client writes its own name and id and causes none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pycrdt import Map


@dataclass(frozen=True)
class Writer:
    """Who sent an update: the signed-in user behind a connection."""

    user_id: int
    name: str
    may_edit: bool  # editors and owners may delete anyone's comment, as they may the text


def _is_by(value: Any, writer: Writer) -> bool:
    if not isinstance(value, dict) or value.get("assistant") is True:
        return False
    user_id = value.get("userId")
    return isinstance(user_id, (int, float)) and int(user_id) == writer.user_id


def _stamped(value: dict, writer: Writer) -> dict:
    stamped = {key: item for key, item in value.items() if key != "assistant"}
    stamped.update(author=writer.name, userId=writer.user_id)
    return stamped


def _same(a: Any, b: Any) -> bool:
    """Equal as stored (Yjs numbers may come back as floats)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            not isinstance(a, bool) and not isinstance(b, bool):
        return float(a) == float(b)
    return a == b


def _unless_same(new: Any, wanted: dict) -> tuple[bool, Any]:
    return (False, None) if _same(new, wanted) else (True, wanted)


def correction(change: dict, writer: Writer) -> tuple[bool, Any]:
    """What one key's change should have been: (True, value) to write, (True, None) to
    delete, (False, None) when the change stands."""
    action = change.get("action")
    old, new = change.get("oldValue"), change.get("newValue")
    if action == "add":
        if not isinstance(new, dict):
            return True, None  # not a comment: nothing reads it, nothing keeps it
        return _unless_same(new, _stamped(new, writer))
    if action == "update":
        if _is_by(old, writer):
            return _unless_same(new, _stamped(new, writer) if isinstance(new, dict) else old)
        if isinstance(old, dict):
            resolved = isinstance(new, dict) and new.get("resolved") is True
            return _unless_same(new, {**old, "resolved": resolved})
        return False, None  # replacing something that was never a comment
    if action == "delete":
        if writer.may_edit or _is_by(old, writer) or not isinstance(old, dict):
            return False, None
        return True, old
    return False, None


def stamp(comments: Map, changes: dict[str, dict], writer: Writer) -> int:
    """Apply the corrections of ``changes`` (a MapEvent's ``keys``) to ``comments``, inside
    the caller's transaction. Returns how many keys were corrected."""
    corrected = 0
    for key, change in changes.items():
        needed, value = correction(change, writer)
        if not needed:
            continue
        corrected += 1
        if value is None:
            if key in comments:
                del comments[key]
        else:
            comments[key] = value
    return corrected
