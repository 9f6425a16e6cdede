"""Invite links with an identity: made, listed and revoked by the owner; joining follows the
owner's later decisions.

A link is a row (``Invite``): the role it grants, who made it, when it expires, whether it
was revoked. Joining through a link never overrides what the owner decided after the link
was made: someone removed since cannot come back through it, and someone whose role was
changed since keeps that role (``AccessChange``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessChange, Canvas, Invite, Membership, Role
from .services import join_canvas

INVITE_ROLES = (Role.EDITOR, Role.COMMENTER, Role.VIEWER)


class InviteError(Exception):
    """The link cannot be used; the message says why, for the person holding it."""


def create_invite(canvas: Canvas, role: str, user: AbstractBaseUser) -> Invite:
    if role not in INVITE_ROLES:
        raise ValueError(f"invite links grant {', '.join(INVITE_ROLES)}, not {role!r}")
    expires = timezone.now() + timedelta(seconds=settings.CANVAS_INVITE_MAX_AGE)
    return Invite.objects.create(canvas=canvas, role=role, created_by=user, expires=expires)


def live_invites(canvas: Canvas) -> QuerySet[Invite]:
    return (Invite.objects.filter(canvas=canvas, revoked__isnull=True,
                                  expires__gt=timezone.now())
            .select_related("created_by"))


def find_invite(token: str) -> Invite:
    """The usable invite behind ``token``; InviteError with a readable reason otherwise."""
    invite = (Invite.objects.select_related("canvas", "created_by")
              .filter(token=token[:64]).first())
    if invite is None:
        raise InviteError("This invite link is not valid. Check that it was copied whole, or "
                          "ask the owner for a new one.")
    if invite.revoked is not None:
        raise InviteError("The owner revoked this invite link. Ask them for a new one.")
    if invite.expires <= timezone.now():
        raise InviteError("This invite link has expired. Ask the owner for a new one.")
    return invite


def revoke(invite: Invite) -> None:
    Invite.objects.filter(id=invite.id, revoked__isnull=True).update(revoked=timezone.now())


def record_change(canvas: Canvas, user_id: int, role: str) -> None:
    """The owner set someone's role (``""``: removed them); older links cannot undo it."""
    AccessChange.objects.create(canvas=canvas, user_id=user_id, role=role)


def accept(invite: Invite, user: AbstractBaseUser) -> tuple[Membership, bool, str]:
    """Join through ``invite``: the membership, whether it changed, and what to tell them."""
    with transaction.atomic():
        later = (AccessChange.objects.filter(canvas=invite.canvas, user=user,
                                             created__gt=invite.created).first())
        if later is not None and not later.role:
            raise InviteError("The owner removed you from this canvas after this link was "
                              "made. Ask them to invite you again.")
        if later is not None:
            membership = Membership.objects.filter(canvas=invite.canvas, user=user).first()
            if membership is not None:
                return membership, False, (f"The owner made you {membership.role} after this "
                                           "link was made, so your role stays.")
        membership, changed = join_canvas(user, invite.canvas, invite.role)
    said = (f"You joined “{invite.canvas.title}” as {membership.role}." if changed else "")
    return membership, changed, said
