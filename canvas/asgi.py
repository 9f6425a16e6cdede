"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import gc
import os
import sys

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canvas.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from canvas.origin import SameOriginValidator  # noqa: E402
from canvas.routing import websocket_urlpatterns  # noqa: E402
from canvas.unavailable import UnavailableGuard  # noqa: E402
from collab.broadcast import RememberLoopMiddleware  # noqa: E402

application = RememberLoopMiddleware(ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(UnavailableGuard(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        )),
    }
))

# What is loaded by now lives as long as the process: keep it out of the garbage
# collector's full passes, which scan every tracked object. One such pass held the event
# loop for 92 ms at 50 editors (bench/sync_latency.py: the slowest keystroke, 7x
# y-websocket's); with this, the slowest was 11 ms.
gc.freeze()

# The event loop shares the GIL with the threads that store, poll and compact the log. A
# thread running Python (compaction folds 2,000 rows: 40-90 ms) keeps it until the switch
# interval has passed: a keystroke arriving meanwhile waited up to 5 ms, the default.
# Measured at 50 editors (bench/sync_latency.py with a 1 ms timer on the loop): the loop's
# 99.9th percentile lateness was ~5 ms in 8 of 10 windows; with 0.5 ms, 1.6-5.6 ms, and
# keystroke p99 2.6-2.7 ms against 2.9. Shorter intervals cost throughput when the loop
# and the store thread are both busy (bench/trace_replay.py: 12.7-13.1k edits/s at
# 0.5 ms, 13.1-16.0k at 1 ms, 14.5-20.1k at 5 ms on a noisy machine); at 1 ms the
# latency ratios were the same as at 0.5 ms.
SWITCH_INTERVAL = 0.001
sys.setswitchinterval(SWITCH_INTERVAL)
