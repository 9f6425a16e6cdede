"""Fixtures of the preview tests: pages on `localhost` whose preview comes from 127.0.0.1."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from tests.preview.helpers import app_base, open_canvas


@pytest.fixture
def preview_page(browser, live_server_url):
    """Open canvases with their preview on the session server; contexts close after the test."""
    contexts = []

    def open_(user, canvas, mode: str = "split", base: str | None = None, **options):
        viewport = options.pop("viewport", {"width": 1400, "height": 900})
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return open_canvas(context, user, canvas, base or app_base(live_server_url), mode)

    yield open_
    for context in contexts:
        context.close()


class Listener(http.server.ThreadingHTTPServer):
    """A local HTTP server that records every request: the target of exfiltration probes."""

    daemon_threads = True

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.pages: dict[str, str] = {}
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self) -> None:
                listener.hits.append(f"{self.command} {self.path}")
                listener.headers.append(dict(self.headers.items()))
                body = listener.pages.get(self.path.split("?")[0], "ok").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if self.path in listener.pages else
                                 "text/plain")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_OPTIONS = _any  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def probe_hits(self) -> list[str]:
        """Requests other than the pages the test itself opened."""
        return [hit for hit in self.hits if hit.split()[1].split("?")[0] not in self.pages]


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
