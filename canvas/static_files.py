"""Static files: WhiteNoise, with file responses an ASGI server streams as they are read.

WhiteNoise answers with a FileResponse over a synchronous file. Under ASGI Django cannot
iterate that from the event loop: it read each file whole in a thread first and warned
("StreamingHttpResponse must consume synchronous iterators") on every static request of
`make run`. Served under ASGI, the file is read here in blocks, each in a thread, as the
response is sent; under WSGI (and Django's test client) nothing changes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import IO

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest
from whitenoise.middleware import WhiteNoiseMiddleware

#: Bytes read per thread hop: the frontend bundle is about a megabyte.
BLOCK_SIZE = 256 * 1024


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    @staticmethod
    def serve(static_file, request: HttpRequest):
        response = WhiteNoiseMiddleware.serve(static_file, request)
        if isinstance(request, ASGIRequest):
            # The file (None for HEAD and 304) stays the response's to close.
            response.streaming_content = read_in_threads(response.file_to_stream)
        return response


async def read_in_threads(file: IO[bytes] | None) -> AsyncIterator[bytes]:
    if file is None:
        return
    read = sync_to_async(file.read, thread_sensitive=False)
    while chunk := await read(BLOCK_SIZE):
        yield chunk
