"""Who may do what on a canvas. Every view and consumer asks here.

Non-members get 404 (a canvas they may not see does not exist for them); members whose
role is too low get 403.
"""

import uuid

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import ROLE_RANK, Canvas, Membership, Role


def membership_for(user: AbstractBaseUser | AnonymousUser, canvas_id: object) -> Membership | None:
    """The user's membership of the canvas, or None (also for anonymous users and bad ids)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        canvas_uuid = uuid.UUID(str(canvas_id))
    except ValueError:
        return None
    return (Membership.objects.select_related("canvas")
            .filter(canvas_id=canvas_uuid, user=user).first())


def require_role(user: AbstractBaseUser | AnonymousUser, canvas_id: object,
                 role: str = Role.VIEWER) -> tuple[Canvas, Membership]:
    """The canvas and membership if ``user`` has at least ``role``; else 404 or 403."""
    membership = membership_for(user, canvas_id)
    if membership is None:
        raise Http404("No such canvas.")
    if ROLE_RANK[membership.role] < ROLE_RANK[role]:
        raise PermissionDenied(f"This needs the {role} role; you are {membership.role}.")
    return membership.canvas, membership
