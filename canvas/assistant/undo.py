"""Undoing one assistant turn, also after people edited since, as a new edit.

The turn's own changes were kept (``Message.edit_update``) and the canvas before it (its
"before" Version). Replaying them into a scratch document under a Y UndoManager that tracks
only the turn, then bringing that document up to now, lets the UndoManager compute the
inverse that respects everything done since; the inverse is applied as a new edit.
"""

from __future__ import annotations

from pycrdt import Doc, Map, Text, UndoManager

from canvas.models import Message, Version

from . import config
from .peer import AssistantPeer


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
    scratch.apply_update(bytes(before.state))
    manager = UndoManager(scopes=[content, comments], capture_timeout_millis=2**31 - 1)
    manager.include_origin("turn")
    with scratch.transaction(origin="turn"):
        scratch.apply_update(bytes(message.edit_update))
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
