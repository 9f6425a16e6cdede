"""Static files under ASGI stream as they are read, whole and without Django's warning.

Requests go through Django's real ASGI handler (as uvicorn calls it), not the test client,
which empties HEAD and 304 bodies its own way."""

from __future__ import annotations

import warnings

from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.test import Client

from canvas import static_files

BUNDLE = "dist/editor.js"  # built by `make setup`; larger than a block


async def fetch(path: str, method: str = "GET", headers: tuple = ()):
    """(status, headers, body messages, warnings) of one request to the ASGI app."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        communicator = ApplicationCommunicator(get_asgi_application(), scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(10)
        bodies = []
        while True:
            message = await communicator.receive_output(10)
            bodies.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await communicator.wait(10)
    return (start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, bodies,
            [str(w.message) for w in caught if "StreamingHttpResponse" in str(w.message)])


async def test_a_bundle_streams_whole_in_blocks_without_a_warning():
    expected = (settings.STATICFILES_DIRS[0] / BUNDLE).read_bytes()
    assert len(expected) > 2 * static_files.BLOCK_SIZE, "the test needs several blocks"
    status, headers, bodies, caught = await fetch(f"/static/{BUNDLE}")
    assert status == 200 and int(headers["content-length"]) == len(expected)
    assert b"".join(bodies) == expected
    assert len([body for body in bodies if body]) > 2, "sent as it was read, not whole"
    assert caught == []


async def test_head_ranges_and_not_modified_without_a_warning():
    expected = (settings.STATICFILES_DIRS[0] / BUNDLE).read_bytes()
    status, headers, bodies, caught = await fetch(f"/static/{BUNDLE}", "HEAD")
    assert (status, b"".join(bodies), caught) == (200, b"", [])
    assert int(headers["content-length"]) == len(expected)
    status, _, bodies, caught = await fetch(f"/static/{BUNDLE}",
                                            headers=((b"range", b"bytes=10-99"),))
    assert (status, b"".join(bodies), caught) == (206, expected[10:100], [])
    status, _, bodies, caught = await fetch(f"/static/{BUNDLE}", headers=(
        (b"if-none-match", headers["etag"].encode()),))
    assert (status, b"".join(bodies), caught) == (304, b"", [])


def test_under_wsgi_the_file_is_served_as_before():
    expected = (settings.STATICFILES_DIRS[0] / "css/canvas.css").read_bytes()
    response = Client().get("/static/css/canvas.css")
    assert response.status_code == 200 and not response.is_async
    assert b"".join(response.streaming_content) == expected
