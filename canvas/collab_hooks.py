"""The canvas app's answers to the sync engine's questions (collab.access)."""

from __future__ import annotations

from collab.access import Access

from .access import membership_for
from .models import Role


def authorize(user: object, room: str) -> Access | None:
    """A canvas member's rights in its sync room: editors edit, commenters comment."""
    membership = membership_for(user, room)
    if membership is None:
        return None
    return Access(can_edit=membership.allows(Role.EDITOR),
                  can_comment=membership.allows(Role.COMMENTER))
