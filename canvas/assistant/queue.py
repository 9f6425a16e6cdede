"""The per-canvas request queue: requests made while a turn runs wait, visibly, in order.

An answer waits while its ``queue_position`` is set; turns on a canvas run one at a time
(the cache lock in turns.py), and only the first in line may take the lock. A waiting
request can be cancelled or edited by the person who made it, and reordered by the owner;
everyone in the canvas sees the queue change (the chat socket renders it per person, with
the controls that person may use).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from canvas.models import Message
from collab import broadcast

#: Longest a queued request may be edited to (as the chat form allows).
MAX_TEXT = 8000


class QueueError(Exception):
    """The change cannot be made; the message says why."""


def waiting(canvas_id: object) -> QuerySet[Message]:
    """The answers waiting to run, in the order they will run."""
    return (Message.objects.filter(canvas_id=canvas_id, is_assistant=True,
                                   status=Message.Status.STREAMING,
                                   queue_position__isnull=False)
            .select_related("reply_to__author").order_by("queue_position", "id"))


def shown(canvas_id: object) -> list[Message]:
    """The queue as people see it: when no turn runs, the first in line is starting now
    and is not shown as waiting."""
    line = list(waiting(canvas_id))
    running = Message.objects.filter(canvas_id=canvas_id, is_assistant=True,
                                     status=Message.Status.STREAMING,
                                     queue_position__isnull=True).exists()
    return line if running else line[1:]


def render(canvas_id: object, user, can_reorder: bool) -> str:
    """The queue fragment for one person (their own requests get Edit and Cancel)."""
    from django.template.loader import render_to_string

    return render_to_string("canvas/_queue.html", {
        "canvas_id": canvas_id, "queue": shown(canvas_id), "user": user,
        "can_reorder": can_reorder})


def enqueue(answer: Message) -> None:
    Message.objects.filter(id=answer.id).update(queue_position=answer.id)
    answer.queue_position = answer.id


def first_in_line(answer: Message) -> bool:
    first = waiting(answer.canvas_id).values_list("id", flat=True).first()
    return first is None or first == answer.id


def leave(answer: Message) -> bool:
    """The answer's turn starts (or ends before starting): out of the queue. False when it
    had already left."""
    answer.queue_position = None  # so a later save() of this object does not put it back
    return bool(Message.objects.filter(id=answer.id, queue_position__isnull=False)
                .update(queue_position=None))


def edit(answer: Message, text: str) -> Message:
    """Change a waiting request's text; QueueError once its turn has started."""
    text = text.strip()
    if not text:
        raise QueueError("Write something, or cancel the request.")
    if len(text) > MAX_TEXT:
        raise QueueError(f"Messages are limited to {MAX_TEXT} characters.")
    with transaction.atomic():
        if not Message.objects.select_for_update().filter(
                id=answer.id, queue_position__isnull=False,
                status=Message.Status.STREAMING).exists():
            raise QueueError("This request has already started; it can no longer be edited.")
        request = answer.reply_to
        request.text = text
        request.save(update_fields=["text"])
    return request


def move(answer: Message, step: int) -> None:
    """Swap the answer with its neighbour before (step -1) or after (+1) it in the queue."""
    with transaction.atomic():
        line = list(waiting(answer.canvas_id).select_for_update())
        ids = [m.id for m in line]
        if answer.id not in ids:
            raise QueueError("This request is no longer waiting.")
        i = ids.index(answer.id)
        j = i + step
        if not 0 <= j < len(line):
            return
        a, b = line[i], line[j]
        Message.objects.filter(id=a.id).update(queue_position=b.queue_position)
        Message.objects.filter(id=b.id).update(queue_position=a.queue_position)


def announce(canvas_id: object) -> None:
    """Everyone in the canvas re-renders the queue (each with their own controls)."""
    from canvas.chat import chat_group

    broadcast.group_send(chat_group(canvas_id), {"type": "chat.queue"})
