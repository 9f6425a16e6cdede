"""An update less the deletions it would make outside some shared types.

A commenter may change the comments, not the text. Its answer to our SyncStep1 carries
every deletion its document knows of, and after a crash that can include an editor's
deletion of text that was relayed and then lost before it was stored: the whole answer
was refused, the commenter's own offline comments with it, on every reconnect, for as
long as that editor stayed away. The editor's own document still has the deletion (and
restores it when it reconnects); the commenter's answer goes in without it.
"""

from __future__ import annotations

from pycrdt import merge_updates

from .delete_set import DeleteSet, encode_delete_set
from .item_roots import ItemRoots
from .yjs_positions import deletions_of_update, read_structs


def without_deletions_outside(state: bytes, update: bytes, roots: frozenset[str]) -> bytes:
    """``update`` with only those of its deletions that a document whose encoded state is
    ``state`` has not made yet and that delete items of the root types ``roots`` (of the
    document, or inserted by ``update``); its structs as they are. Items whose root is not
    known (gone from the state, or inside a nested type) count as outside.

    Raises ValueError (or IndexError, or a pycrdt error) for bytes that are not updates."""
    _, deleted, deletes_at = read_structs(update)
    if not deleted:
        return update
    done = DeleteSet.of(deletions_of_update(state))
    news = {client: [part for clock, length in ranges
                     for part in done.missing(client, clock, length)]
            for client, ranges in deleted.items()}
    news = {client: parts for client, parts in news.items() if parts}
    kept: dict[int, list[tuple[int, int]]] = {}
    if news:
        where = ItemRoots.of(read_structs(merge_updates(state, update))[0])
        for client, parts in news.items():
            inside = [(clock, length) for clock, length in parts
                      if where.roots_over(client, clock, length) <= roots]
            if inside:
                kept[client] = inside
    return update[:deletes_at] + encode_delete_set(kept)
