"""Shaping updates into channel-layer messages for the group ``canvas-<uuid>``.

Layer messages are small by contract: updates are batched up to a size, and an update too
large to travel is replaced by a "poke" that makes every replica read the log.
"""

from __future__ import annotations

#: Updates larger than this go to other processes as a "read the log" poke instead.
MAX_LAYER_PAYLOAD = 200_000


def group_name(canvas_id: object) -> str:
    return f"canvas-{canvas_id}"


def update_messages(updates: list[bytes], sender: str | None = None,
                    seqs: list[int] | None = None) -> list[dict]:
    """The layer messages that carry ``updates`` (already appended to the log), with their
    log ``seqs`` when known: a receiver that applied a row need not apply it again when its
    log poll reads it."""
    messages: list[dict] = []
    batch: list[bytes] = []
    batch_seqs: list[int] = []
    size = 0
    poke = False

    def message() -> dict:
        carried = {"seqs": batch_seqs} if seqs is not None else {}
        return {"type": "canvas.update", "updates": batch, "sender": sender, **carried}

    for index, update in enumerate(updates):
        if len(update) > MAX_LAYER_PAYLOAD:
            poke = True
            continue
        if batch and size + len(update) > MAX_LAYER_PAYLOAD:
            messages.append(message())
            batch, batch_seqs, size = [], [], 0
        batch.append(update)
        if seqs is not None:
            batch_seqs.append(seqs[index])
        size += len(update)
    if batch:
        messages.append(message())
    if poke:
        messages.append({"type": "canvas.poke", "sender": sender})
    return messages


def awareness_message(update: bytes, sender: str | None = None) -> dict:
    return {"type": "canvas.awareness", "update": update, "sender": sender}
