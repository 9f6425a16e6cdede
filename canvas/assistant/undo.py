"""Undoing one assistant turn by its items, also after people edited since, as a new edit.

The turn wrote under its own Yjs client id, relative to the version it read (its "before"
Version holds that snapshot, ``Message.edit_update`` the turn's update). Replaying both into
a scratch document under a Y UndoManager that tracks only the turn, then bringing it up to
now, lets the UndoManager compute the inverse that respects everything done since: delete
what the turn inserted that still exists, restore what it deleted in place.

When later changes rewrote text the turn wrote and the turn also deleted something,
restoring the deleted text would splice the old version into the new one ("meets on
MondayE the team gathers…"). Then the undo is refused, and the person is pointed to the
version before the turn in the history. Never garble.
"""

from __future__ import annotations

from pycrdt import ContentAttribute, Doc, IdMap, IdSet, Map, Text, UndoManager

from canvas.models import Message, Version
from collab.yjs_positions import read_state_vector

from . import config
from .fork import deleted_ids
from .peer import AssistantPeer

_MARK = [ContentAttribute("turn", True)]


class UndoError(Exception):
    pass


def undo_turn(message: Message) -> None:
    if message.undone:
        raise UndoError("This edit was already undone.")
    if not message.edit_update:
        raise UndoError("This answer changed nothing in the canvas.")
    before = (Version.objects.filter(turn=message, reason=Version.Reason.ASSISTANT_BEFORE)
              .order_by("created").first())
    if before is None:
        raise UndoError("The version before this edit is gone; use the history instead.")
    target = message.linked_canvas_id or message.canvas_id
    peer = AssistantPeer(target, f"{message.id}:undo", config.model_name())
    scratch = Doc()
    content = scratch.get("content", type=Text)
    comments = scratch.get("comments", type=Map)
    offered = scratch.get("suggestions", type=Map)
    scratch.apply_update(bytes(before.state))
    manager = UndoManager(scopes=[content, comments, offered], capture_timeout_millis=2**31 - 1)
    manager.include_origin("turn")
    seen: list[tuple[bytes, bytes, bytes]] = []
    subscription = scratch.observe(
        lambda event: seen.append((event.before_state, event.after_state, event.delete_set)))
    with scratch.transaction(origin="turn"):
        scratch.apply_update(bytes(message.edit_update))
    scratch.unobserve(subscription)
    if seen and _overlapped(seen[0], peer.doc):
        label = before.label or "Before"
        raise UndoError("People or a later answer changed what this edit wrote, so undoing it "
                        "now would mix two versions. Open the history and restore "
                        f"“{label}” instead.")
    scratch.apply_update(peer.doc.get_update())
    inverse: list[bytes] = []
    scratch.observe(lambda event: inverse.append(event.update))
    while manager.can_undo():
        manager.undo()
    with peer.change():
        for update in inverse:
            peer.doc.apply_update(update)
    Message.objects.filter(id=message.id).update(undone=True)
    message.undone = True


def _overlapped(turn: tuple[bytes, bytes, bytes], live: Doc) -> bool:
    """Did the turn delete something, and was any of what it inserted deleted since?"""
    before_state, after_state, turn_deleted = turn
    if not IdMap.from_set(IdSet.decode(turn_deleted), _MARK):
        return False  # it only inserted: removing what is left of that never mixes versions
    before = read_state_vector(before_state)
    inserted = IdMap()
    for client, clock in read_state_vector(after_state).items():
        start = before.get(client, 0)
        if clock > start:
            inserted.insert(client, start, clock - start, _MARK)
    return bool(inserted & IdMap.from_set(deleted_ids(live), _MARK))
