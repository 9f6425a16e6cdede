"""Fixtures for the sync tests: a canvas with an owner, an editor, a viewer and a stranger."""

from dataclasses import dataclass

import pytest

from canvas.models import Canvas, Membership, Role
from canvas.services import create_canvas
from tests.sync.helpers import session_id, sync_url


@dataclass
class Cast:
    canvas: Canvas
    owner: object
    editor: object
    viewer: object
    stranger: object
    sessions: dict

    def url(self, base_url: str) -> str:
        return sync_url(base_url, self.canvas.id)


@pytest.fixture
def cast(make_user) -> Cast:
    owner, editor, viewer, stranger = (make_user(n) for n in ("owner", "editor", "viewer",
                                                               "stranger"))
    canvas = create_canvas(owner, "Sync test", "document")
    Membership.objects.create(canvas=canvas, user=editor, role=Role.EDITOR)
    Membership.objects.create(canvas=canvas, user=viewer, role=Role.VIEWER)
    sessions = {name: session_id(user) for name, user in
                (("owner", owner), ("editor", editor), ("viewer", viewer),
                 ("stranger", stranger))}
    return Cast(canvas, owner, editor, viewer, stranger, sessions)
