"""Operations on canvases shared by views, commands and tests."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import LANGUAGES_BY_KIND, ROLE_RANK, Canvas, Membership, Role


@transaction.atomic
def create_canvas(owner: AbstractBaseUser, title: str, kind: str,
                  language: str | None = None) -> Canvas:
    """Create a canvas and its owner's membership together."""
    canvas = Canvas.objects.create(
        owner=owner, title=title, kind=kind,
        language=language or LANGUAGES_BY_KIND[kind][0],
    )
    Membership.objects.create(canvas=canvas, user=owner, role=Role.OWNER)
    return canvas


@transaction.atomic
def join_canvas(user: AbstractBaseUser, canvas: Canvas, role: str) -> tuple[Membership, bool]:
    """Give ``user`` at least ``role``; never lowers a role they already have.

    Returns the membership and whether it changed.
    """
    membership, created = Membership.objects.select_for_update().get_or_create(
        canvas=canvas, user=user, defaults={"role": role})
    if created:
        return membership, True
    if ROLE_RANK[role] > ROLE_RANK[membership.role]:
        membership.role = role
        membership.save(update_fields=["role"])
        return membership, True
    return membership, False
