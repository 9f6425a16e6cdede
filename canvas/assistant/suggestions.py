"""The assistant's suggestions: changes kept beside the text until a person accepts them.

They live in the Y document, in the map "suggestions" beside "comments", so they survive
reconnects and every client sees the same. An entry is a plain map:

    {"author", "assistant": True, "turn", "askedBy", "request",
     "quote", "ids", "insert", "start", "end", "created"}

``ids`` are the Yjs ids of the characters the suggestion would replace (runs of
``[client, clock, length]``), ``quote`` those characters as they read then, ``insert`` what
would replace them, and ``start``/``end`` encoded Yjs relative positions around them (start
sticks to the character after it, end to the one before, as for comments): where an
insertion goes and where the suggestion shows.

Accepting (in the browser, frontend/src/editor/assistant/suggestions.js) deletes exactly
those characters, wherever they are now, inserts ``insert`` where the first of them was,
and deletes the entry, in one transaction: the same change the model's edit would have been,
so text people typed inside the range meanwhile stays. Rejecting deletes the entry. Once
any of those characters is deleted (someone rewrote the words it would replace), the
suggestion is stale: browsers hide it and the next turn removes it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from pycrdt import ContentAttribute, IdMap, IdSet, Map, Text

from collab.peer import DocumentPeer
from collab.yjs_positions import Positions

from .fork import deleted_ids
from .placement import Change

MAP = "suggestions"


def id_runs(ids: IdMap) -> list[list[int]]:
    """``[[client, clock, length], ...]``: the ids as JSON (the browser reads them)."""
    return [[client, run.start, run.end - run.start] for client, run in ids.entries()]


#: IdMap.insert ignores ranges without attributes: the runs carry this one.
_MARK = [ContentAttribute("replaced", True)]


def _ids(runs: object) -> IdMap:
    ids = IdMap.from_set(IdSet(), [])
    for client, clock, length in runs:  # ValueError / TypeError when malformed
        ids.insert(int(client), int(clock), int(length), _MARK)
    return ids


def write(content: Text, suggestions: Map, text: str, changes: Iterable[Change],
          ids: Iterable[IdMap], key_prefix: str, meta: dict) -> list[str]:
    """Add one entry per change (positions in ``text``, the current value of ``content``;
    ``ids``: each change's replaced characters); the caller holds the transaction."""
    positions = Positions(content)
    keys = []
    for change, replaced in zip(changes, ids, strict=True):
        key = f"{key_prefix}-{len(suggestions) + 1}"
        while key in suggestions:
            key += "'"
        suggestions[key] = {
            **meta,
            # Only server-side peers can write this flag (collab.comment_stamps strips it
            # from what people send), so "✦" marks the assistant's suggestions alone.
            "assistant": True,
            "quote": text[change.start:change.end],
            "ids": id_runs(replaced),
            "insert": change.insert,
            "start": positions.encode(change.start, 0),
            "end": positions.encode(change.end, -1),
            "created": time.time(),
        }
        keys.append(key)
    return keys


def stale_keys(content: Text, suggestions: Map) -> list[str]:
    """The suggestions some of whose characters are gone (or that cannot be read)."""
    if not len(suggestions):
        return []
    deleted = IdMap.from_set(deleted_ids(content.doc), [])  # outside the map's transaction
    stale = []
    for key, entry in list(suggestions.items()):
        try:
            replaced = _ids(entry["ids"])
            bytes(entry["start"]), bytes(entry["end"])
            str(entry["insert"])
        except (KeyError, TypeError, ValueError):
            stale.append(key)
            continue
        if replaced.is_empty():
            continue  # an insertion: nothing of it can be deleted
        replaced.intersect_with(deleted)
        if not replaced.is_empty():
            stale.append(key)
    return stale


def prune_stale(peer: DocumentPeer) -> int:
    """Remove the stale suggestions of the canvas ``peer`` holds; how many went."""
    suggestions = peer.doc.get(MAP, type=Map)
    stale = stale_keys(peer.content, suggestions)
    if stale:
        with peer.change():
            for key in stale:
                del suggestions[key]
    return len(stale)
