"""How the app is served: the uvicorn options `make run`, the tests and the benchmarks share.

`python -m canvas.serving [--host H] [--port P]` serves with them (what `make run` does).
"""

from __future__ import annotations

import argparse
import os
import sys

#: WebSockets through uvicorn's `websockets` Sans-I/O protocol, with a short way in for sync
#: frames (collab/socket_protocol.py); no per-message deflate: sync frames are small
#: binary CRDT updates, and compressing each one for each connection cost 40% of the server's
#: CPU at 50 editors (bench/sync_latency.py: 5.0 s → 3.1 s), as y-websocket leaves it off too.
UVICORN_OPTIONS = ["--ws", "collab.socket_protocol:SyncSocketProtocol",
                   "--ws-per-message-deflate", "false", "--lifespan", "off"]


def uvicorn_command(python: str, port: int, log_level: str = "warning",
                    host: str = "127.0.0.1") -> list[str]:
    return [python, "-m", "uvicorn", "canvas.asgi:application", "--host", host,
            "--port", str(port), *UVICORN_OPTIONS, "--log-level", log_level]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Serve Canvas with uvicorn.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    command = uvicorn_command(sys.executable, args.port, log_level="info", host=args.host)
    os.execv(sys.executable, command)
