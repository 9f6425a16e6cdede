"""Shaping updates into channel-layer messages for the group ``canvas-<uuid>``.

Layer messages are small by contract: updates are batched up to a size, and an update too
large to travel is replaced by a "poke" that makes every replica read the log.
"""

from __future__ import annotations

#: Updates larger than this go to other processes as a "read the log" poke instead.
MAX_LAYER_PAYLOAD = 200_000


def group_name(canvas_id: object) -> str:
    return f"canvas-{canvas_id}"


def update_messages(updates: list[bytes], sender: str | None = None) -> list[dict]:
    """The layer messages that carry ``updates`` (already appended to the log)."""
    messages: list[dict] = []
    batch: list[bytes] = []
    size = 0
    poke = False
    for update in updates:
        if len(update) > MAX_LAYER_PAYLOAD:
            poke = True
            continue
        if batch and size + len(update) > MAX_LAYER_PAYLOAD:
            messages.append({"type": "canvas.update", "updates": batch, "sender": sender})
            batch, size = [], 0
        batch.append(update)
        size += len(update)
    if batch:
        messages.append({"type": "canvas.update", "updates": batch, "sender": sender})
    if poke:
        messages.append({"type": "canvas.poke", "sender": sender})
    return messages


def awareness_message(update: bytes, sender: str | None = None) -> dict:
    return {"type": "canvas.awareness", "update": update, "sender": sender}
