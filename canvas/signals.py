"""Telling open connections that someone's access changed, so it takes effect at once."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from collab.relay import group_name
from collab.signals import editing_paused

from . import broadcast, versions
from .chat import chat_group
from .models import Canvas, Membership


def notify_access_change(canvas_id: object, user_id: int | None) -> None:
    """Open sync and chat sockets of ``user_id`` (everyone when None) re-check their role."""
    def send() -> None:
        broadcast.group_send(group_name(canvas_id), {"type": "canvas.access",
                                                     "user_id": user_id})
        broadcast.group_send(chat_group(canvas_id), {"type": "chat.access",
                                                     "user_id": user_id})

    transaction.on_commit(send)


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
