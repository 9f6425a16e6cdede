"""The ASGI entry point: what it loads is left out of the garbage collector's full passes."""

from __future__ import annotations

import gc


def test_loading_the_app_freezes_what_it_loaded():
    import canvas.asgi  # noqa: F401

    assert gc.get_freeze_count() > 10_000, "Django, Channels and the app, frozen"
