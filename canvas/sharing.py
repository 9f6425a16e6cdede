"""Invite links: a signed, expiring token that grants a role on a canvas."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from .models import Canvas, Role

_SALT = "canvas.invite"
INVITE_ROLES = (Role.EDITOR, Role.VIEWER)


class InviteError(Exception):
    """The token cannot be used; the message says why, for the person holding it."""


@dataclass(frozen=True)
class Invite:
    canvas_id: str
    role: str


def make_invite_token(canvas: Canvas, role: str) -> str:
    if role not in INVITE_ROLES:
        raise ValueError(f"invite links grant editor or viewer, not {role!r}")
    return signing.dumps({"c": str(canvas.id), "r": role}, salt=_SALT, compress=True)


def read_invite_token(token: str, max_age: int | None = None) -> Invite:
    """Check the signature and age of ``token``; raise InviteError with a readable reason."""
    age = settings.CANVAS_INVITE_MAX_AGE if max_age is None else max_age
    try:
        data = signing.loads(token, salt=_SALT, max_age=age)
    except signing.SignatureExpired as exc:
        raise InviteError("This invite link has expired. Ask the owner for a new one.") from exc
    except signing.BadSignature as exc:
        raise InviteError("This invite link is not valid. Check that it was copied whole.") \
            from exc
    if not isinstance(data, dict) or data.get("r") not in INVITE_ROLES or "c" not in data:
        raise InviteError("This invite link is not valid.")
    return Invite(canvas_id=str(data["c"]), role=data["r"])
