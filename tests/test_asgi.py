"""The ASGI entry point: what it loads is left out of the garbage collector's full passes,
and the event loop waits little for the GIL."""

from __future__ import annotations

import gc
import sys


def test_loading_the_app_freezes_what_it_loaded():
    import canvas.asgi  # noqa: F401

    assert gc.get_freeze_count() > 10_000, "Django, Channels and the app, frozen"


def test_loading_the_app_shortens_the_gil_switch_interval():
    import canvas.asgi

    assert sys.getswitchinterval() == canvas.asgi.SWITCH_INTERVAL < 0.005
