"""How the app is served: the uvicorn options `make run`, the tests and the benchmarks share
(the Makefile spells the same ones out)."""

from __future__ import annotations

#: WebSockets through the `websockets` library; no per-message deflate: sync frames are small
#: binary CRDT updates, and compressing each one for each connection cost 40% of the server's
#: CPU at 50 editors (bench/sync_latency.py: 5.0 s → 3.1 s), as y-websocket leaves it off too.
UVICORN_OPTIONS = ["--ws", "websockets", "--ws-per-message-deflate", "false", "--lifespan", "off"]


def uvicorn_command(python: str, port: int, log_level: str = "warning") -> list[str]:
    return [python, "-m", "uvicorn", "canvas.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), *UVICORN_OPTIONS, "--log-level", log_level]
