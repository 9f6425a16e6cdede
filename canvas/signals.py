"""Telling open connections that someone's access changed, so it takes effect at once."""

import time

from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from collab import broadcast
from collab.relay import group_name
from collab.signals import editing_paused, updates_appended

from . import versions
from .chat import chat_group
from .models import Canvas, Membership

#: How long an access change is sent again while the channel layer is away: a socket of
#: someone removed must not keep editing because Redis was restarting when it happened.
ACCESS_NOTICE_RETRY_FOR = 600.0


def notify_access_change(canvas_id: object, user_id: int | None,
                         ended_session: str | None = None) -> None:
    """Open sync and chat sockets of ``user_id`` (everyone when None) re-check their role;
    those opened with ``ended_session`` close (their person signed out there)."""
    def send() -> None:
        for group, kind in ((group_name(canvas_id), "canvas.access"),
                            (chat_group(canvas_id), "chat.access")):
            broadcast.group_send(group, {"type": kind, "user_id": user_id,
                                         "ended_session": ended_session},
                                 retry_for=ACCESS_NOTICE_RETRY_FOR)

    transaction.on_commit(send)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs) -> None:
    """Signing out ends that session's sockets too, so nothing more is sent under it."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if user is None or not session_key:
        return
    for canvas_id in Membership.objects.filter(user=user).values_list("canvas_id", flat=True):
        notify_access_change(canvas_id, user.pk, ended_session=session_key)


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance: Membership, created: bool, **kwargs) -> None:
    if not created:
        notify_access_change(instance.canvas_id, instance.user_id)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance: Membership, **kwargs) -> None:
    notify_access_change(instance.canvas_id, instance.user_id)


@receiver(post_delete, sender=Canvas)
def canvas_deleted(sender, instance: Canvas, **kwargs) -> None:
    notify_access_change(instance.id, None)


@receiver(editing_paused)
def checkpoint_after_pause(sender, canvas_id: str, text: str, user_id: int | None,
                           **kwargs) -> None:
    versions.checkpoint(canvas_id, text, user_id)


#: The canvas list's "last changed" needs no finer grain than this: an UPDATE per stored
#: batch was a fifth of the write loop's work with fifty people typing.
TOUCH_EVERY = 1.0
_touched: dict[str, float] = {}


@receiver(updates_appended)
def canvas_changed(sender, room: str, **kwargs) -> None:
    """The canvas list sorts by the last change: the text's too (to the second)."""
    now = time.monotonic()
    if now - _touched.get(room, now - TOUCH_EVERY) < TOUCH_EVERY:
        return
    if len(_touched) > 10_000:
        _touched.clear()
    _touched[room] = now
    Canvas.objects.filter(id=room).update(updated=timezone.now())
