"""Who may do what in a room: the app answers, through the hook named in COLLAB_AUTHORIZE.

The engine knows no roles. The hook (``canvas.collab_hooks.authorize`` here) takes the
connection's user and the room id and returns an ``Access``, or None when the user may not
open the room at all; it runs in a thread (it may query the database). Like Hocuspocus's
``onAuthenticate``: the app plugs its permissions in, the engine enforces them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Access:
    can_edit: bool  # may change the text
    can_comment: bool  # may write comments (the "comments" map) even without can_edit


@cache
def _hook() -> Callable[[object, str], Access | None]:
    return import_string(settings.COLLAB_AUTHORIZE)


def authorize(user: object, room: str) -> Access | None:
    """What ``user`` may do in ``room``, or None: no access."""
    return _hook()(user, room)
