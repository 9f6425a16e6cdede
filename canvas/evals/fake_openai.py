"""A scriptable fake of the OpenAI HTTP API, served on loopback for tests and eval replays.

Why a real HTTP server instead of mocking the SDK: the app talks to OpenAI
through the official ``openai`` client, and most production bugs live in the
parts a mock would skip (SSE parsing, tool-call delta assembly, retries,
timeouts, dropped connections).  This server speaks just enough of the wire
protocol for the real client to run unmodified against it.

Standard library only, so it works without Django or any extra dependency::

    with FakeOpenAI() as fake:
        fake.add_response(Reply(text="Hello!"))
        fake.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": []})]))
        fake.add_response(Error(429, retry_after=0.1))
        client = openai.OpenAI(base_url=fake.base_url, api_key="test-key")
        ...
        assert fake.requests[0].messages[-1]["content"] == "hi"

Endpoints: ``POST /v1/chat/completions`` (``stream`` true or false) and
``GET /v1/models`` (plus ``GET /v1/models/{id}``).  Each chat request pops the
next scripted response; when the queue is empty ``responder`` is asked, then
``default_response`` (a plain "OK") is used.

It is product code, not only a test double: ``manage.py canvas_eval --replay DIR`` serves a
model's recorded answers through it, so a replay crosses the same SDK and stream parsing as
the recorded run did. ``tests/fakes/openai_server.py`` re-exports it for the tests.
"""

from __future__ import annotations

import contextlib
import json
import math
import socket
import sys
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "DEFAULT_MODEL",
    "Error",
    "FakeOpenAI",
    "RecordedRequest",
    "Reply",
    "Responder",
    "ScriptedResponse",
    "ToolCall",
    "ToolCalls",
]

DEFAULT_MODEL = "gpt-4o-mini"

# What a garbage SSE event looks like: a ``data:`` line that is not JSON.
GARBAGE_EVENT = b"data: {this is not json <garbage>\n\n"
_DONE_EVENT = b"data: [DONE]\n\n"
_LAST_CHUNK = b"0\r\n\r\n"  # chunked transfer-encoding terminator
STALL_SECONDS = 60.0  # how long a stalled stream stays silent (clients time out first)


@dataclass
class ToolCall:
    """One function call the fake model makes.

    ``arguments`` is any JSON-serialisable value (normally a dict).  A ``str``
    is sent verbatim as the arguments text, which is how to script malformed
    arguments, e.g. ``ToolCall("edit_canvas", '{"edits": [1, 2')``.
    ``id`` defaults to a fresh ``call_...`` id per served response.
    """

    name: str
    arguments: Any = field(default_factory=dict)
    id: str | None = None

    def arguments_json(self) -> str:
        """Return the arguments exactly as they go on the wire."""
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, ensure_ascii=False)


@dataclass
class Reply:
    """A successful chat completion: optional text, then optional tool calls.

    Streaming shape: a role chunk, ``text`` split every ``chunk_size``
    characters, then each tool call (header chunk, then its arguments split
    every ``arguments_chunk_size`` characters), a ``finish_reason`` chunk, the
    usage chunk if asked for, and ``[DONE]``.

    Failure knobs (why: to test the app's handling of a misbehaving API):

    - ``delay``: seconds before the first byte (status line) is sent.
    - ``chunk_delay``: seconds between SSE events (a slow stream).
    - ``gate``: a ``threading.Event`` the answer waits for (at most 30 s) before its first
      byte, so a test can act between "the request (and its prompt) was made" and "the
      model answers" (a person typing while the model thinks).
    - ``drop_after``: close the socket abruptly after that many SSE events,
      never sending ``[DONE]`` nor the chunked terminator.  For a non-stream
      request the body is cut in half instead.
    - ``garbage``: insert a non-JSON ``data:`` line right after the role chunk
      (non-stream: the body is not JSON).
    - ``truncate``: streaming only; end the stream cleanly (valid HTTP) but
      without the ``finish_reason`` chunk, usage chunk and ``[DONE]``.
    - ``error_after``: streaming only; after that many events send an
      OpenAI-style ``data: {"error": ...}`` event and end the stream.
    - ``stall_after``: streaming only; after that many events go silent (the connection
      stays open) for up to ``STALL_SECONDS`` or until the server stops, then drop it:
      a timeout in the middle of a stream.
    - ``endless``: streaming only; after the text, keep sending ``endless_text`` every
      ``chunk_delay`` seconds (0.1 s when unset) and never finish, until the client hangs
      up or the server stops: a stream that never ends, yet never trips a read timeout.
    """

    text: str = ""
    tool_calls: Sequence[ToolCall] = ()
    finish_reason: str | None = None
    model: str | None = None
    chunk_size: int = 3
    arguments_chunk_size: int = 4
    delay: float = 0.0
    chunk_delay: float = 0.0
    drop_after: int | None = None
    garbage: bool = False
    truncate: bool = False
    error_after: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    gate: threading.Event | None = None
    stall_after: int | None = None
    endless: bool = False
    endless_text: str = "…"
    #: Token counts to report instead of the len/4 estimate (a replay reports what the
    #: recorded model reported): ``{"prompt_tokens": n, "completion_tokens": m}``.
    usage: Mapping[str, int] | None = None

    def resolved_finish_reason(self) -> str:
        """Finish reason the real API would send for this content."""
        if self.finish_reason is not None:
            return self.finish_reason
        return "tool_calls" if self.tool_calls else "stop"


class ToolCalls(Reply):
    """Shorthand for a :class:`Reply` made of tool calls (text optional)."""

    def __init__(self, calls: Sequence[ToolCall], text: str = "", **options: Any) -> None:
        super().__init__(text=text, tool_calls=list(calls), **options)


_ERROR_DEFAULTS: dict[int, tuple[str, str, str | None]] = {
    400: ("Invalid request.", "invalid_request_error", None),
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    403: ("You are not allowed to access this resource.", "invalid_request_error", None),
    404: ("The requested resource does not exist.", "invalid_request_error", None),
    429: ("Rate limit reached for requests.", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request.", "server_error", None),
    503: ("The engine is currently overloaded, please try again later.", "server_error", None),
}


@dataclass
class Error:
    """An HTTP error answer with an OpenAI-style ``{"error": {...}}`` body.

    ``retry_after`` (seconds, may be fractional) sets both ``Retry-After`` and
    ``retry-after-ms`` so the openai client's backoff can be kept short.
    """

    status: int = 500
    message: str | None = None
    error_type: str | None = None
    code: str | None = None
    retry_after: float | None = None
    delay: float = 0.0
    headers: Mapping[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        """The JSON body the real API sends for this status."""
        default_type = "server_error" if self.status >= 500 else "invalid_request_error"
        message, error_type, code = _ERROR_DEFAULTS.get(
            self.status, (f"Fake error {self.status}.", default_type, None)
        )
        return {
            "error": {
                "message": self.message if self.message is not None else message,
                "type": self.error_type if self.error_type is not None else error_type,
                "param": None,
                "code": self.code if self.code is not None else code,
            }
        }

    def all_headers(self) -> dict[str, str]:
        """Headers to send, including the retry hints."""
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            seconds = self.retry_after
            headers["Retry-After"] = (
                str(int(seconds)) if float(seconds).is_integer() else repr(float(seconds))
            )
            headers["retry-after-ms"] = str(round(seconds * 1000))
        headers.update(self.headers)
        return headers


ScriptedResponse = Reply | Error
Responder = Callable[[dict[str, Any]], Reply | Error | str | None]


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request as the fake received it, for assertions.

    ``headers`` keys are lower-cased; ``json`` is the parsed body (``None``
    when there was no body or it was not JSON).
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    json: Any
    client_port: int
    received_at: float

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup."""
        return self.headers.get(name.lower())

    def _get(self, key: str, default: Any) -> Any:
        return self.json.get(key, default) if isinstance(self.json, dict) else default

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat ``messages`` sent (empty list if none)."""
        return self._get("messages", [])

    @property
    def tools(self) -> list[dict[str, Any]]:
        """The ``tools`` sent (empty list if none)."""
        return self._get("tools", [])

    @property
    def model(self) -> str | None:
        """The ``model`` requested."""
        return self._get("model", None)

    @property
    def stream(self) -> bool:
        """Whether a streamed answer was requested."""
        return bool(self._get("stream", False))


def _split(text: str, size: int) -> list[str]:
    """Slice at str level (code points), so multi-byte UTF-8 is never split."""
    size = max(1, size)
    return [text[i : i + size] for i in range(0, len(text), size)]


def _approx_tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


def _coerce(response: ScriptedResponse | str) -> ScriptedResponse:
    if isinstance(response, str):
        return Reply(text=response)
    if not isinstance(response, (Reply, Error)):
        raise TypeError(f"expected Reply, Error or str, got {type(response).__name__}")
    return response


class _Server(ThreadingHTTPServer):
    """Threaded server that can be torn down even with requests in flight."""

    daemon_threads = True
    block_on_close = False  # stop() joins handler threads itself, with a deadline

    def __init__(self, fake: FakeOpenAI, host: str) -> None:
        self.fake = fake
        self.stopping = threading.Event()
        self._conn_lock = threading.Lock()
        self._open_connections: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()
        super().__init__((host, 0), _Handler)

    def register(self, conn: socket.socket) -> None:
        with self._conn_lock:
            if self.stopping.is_set():
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            self._open_connections.add(conn)
            self._handler_threads.add(threading.current_thread())

    def unregister(self, conn: socket.socket) -> None:
        with self._conn_lock:
            self._open_connections.discard(conn)
            self._handler_threads.discard(threading.current_thread())

    def close_connections(self) -> list[threading.Thread]:
        """Wake every handler blocked on a socket; return threads to join."""
        with self._conn_lock:
            for conn in self._open_connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            return list(self._handler_threads)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (timeouts, dropped streams) is expected here.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the openai client expects
    disable_nagle_algorithm = True  # small SSE chunks must not be batched
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.register(self.connection)

    def finish(self) -> None:
        try:
            with contextlib.suppress(OSError):
                super().finish()
        finally:
            self.server.unregister(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence per-request logging; tests assert on ``fake.requests``."""

    # ----------------------------------------------------------- dispatch
    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
            parsed: Any = None
            if body:
                with contextlib.suppress(ValueError):
                    parsed = json.loads(body)
            route = self.path.split("?", 1)[0].rstrip("/")
            if route.startswith("/v1"):
                route = route[3:]
            fake = self.server.fake
            fake._record(self, body, parsed)
            if self.command == "POST" and route == "/chat/completions":
                if not isinstance(parsed, dict):
                    self._send_error(Error(400, message="Request body must be a JSON object."))
                    return
                self._serve_chat(parsed, fake._next_response(parsed))
            elif self.command == "GET" and route == "/models":
                data = [fake._model_json(m) for m in fake.models]
                self._send_json(200, {"object": "list", "data": data})
            elif self.command == "GET" and route.startswith("/models/"):
                model_id = route[len("/models/") :]
                if model_id in fake.models:
                    self._send_json(200, fake._model_json(model_id))
                else:
                    self._send_error(
                        Error(
                            404,
                            message=f"The model '{model_id}' does not exist",
                            code="model_not_found",
                        )
                    )
            else:
                self._send_error(
                    Error(
                        404,
                        message=f"Unknown request URL: {self.command} {self.path}",
                        code="unknown_url",
                    )
                )
        except OSError:
            # Client went away (timeout, cancelled stream): nothing to answer.
            self.close_connection = True

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    # ---------------------------------------------------------- responses
    def _wait(self, seconds: float) -> bool:
        """Sleep unless the server stops first; True means "abort now"."""
        if seconds <= 0:
            return self.server.stopping.is_set()
        return self.server.stopping.wait(seconds)

    def _drop(self) -> None:
        """Abrupt close: FIN mid-body, so the client sees an incomplete response."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send_json(
        self,
        status: int,
        payload: Any,
        headers: Mapping[str, str] | None = None,
        *,
        raw: bytes | None = None,
        cut: bool = False,
    ) -> None:
        """Send a Content-Length framed body (``cut``: half of it, then drop)."""
        data = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", _new_id("req_"))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if cut:
            self.wfile.write(data[: len(data) // 2])
            self._drop()
        else:
            self.wfile.write(data)

    def _send_error(self, error: Error) -> None:
        self._send_json(error.status, error.body(), error.all_headers())

    def _serve_chat(self, request: dict[str, Any], response: ScriptedResponse) -> None:
        gate = getattr(response, "gate", None)
        if gate is not None:
            gate.wait(30)
        if self._wait(response.delay):
            self._drop()
            return
        if isinstance(response, Error):
            self._send_error(response)
        elif request.get("stream"):
            self._stream(request, response)
        else:
            self._complete(request, response)

    def _complete(self, request: dict[str, Any], reply: Reply) -> None:
        call_ids = [call.id or _new_id("call_") for call in reply.tool_calls]
        message: dict[str, Any] = {
            "role": "assistant",
            "content": reply.text if (reply.text or not reply.tool_calls) else None,
            "refusal": None,
            "annotations": [],
        }
        if reply.tool_calls:
            message["tool_calls"] = [
                {
                    "id": cid,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments_json()},
                }
                for cid, c in zip(call_ids, reply.tool_calls, strict=True)
            ]
        payload = {
            "id": _new_id("chatcmpl-"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model or request.get("model") or DEFAULT_MODEL,
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": reply.resolved_finish_reason(),
                }
            ],
            "usage": _usage(request, reply),
        }
        raw = b"<html>502 Bad Gateway - this is not JSON</html>" if reply.garbage else None
        self._send_json(200, payload, reply.headers, raw=raw, cut=reply.drop_after is not None)

    def _stream(self, request: dict[str, Any], reply: Reply) -> None:
        events = [
            b"data: " + json.dumps(c, ensure_ascii=False).encode() + b"\n\n"
            for c in _chunks(request, reply)
        ]
        if reply.garbage:
            events.insert(1, GARBAGE_EVENT)
        if reply.error_after is not None:
            error = Error(500, message="The server had an error while processing your request.")
            error_event = b"data: " + json.dumps(error.body()).encode() + b"\n\n"
            events = [*events[: reply.error_after], error_event]
        elif not reply.truncate and not reply.endless:
            events.append(_DONE_EVENT)

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-request-id", _new_id("req_"))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()

        for index, event in enumerate(events):
            if reply.drop_after is not None and (index >= reply.drop_after or event is _DONE_EVENT):
                self._drop()
                return
            if index and self._wait(reply.chunk_delay):
                self._drop()
                return
            if reply.stall_after is not None and index >= reply.stall_after:
                self._wait(STALL_SECONDS)
                self._drop()
                return
            frame = b"%x\r\n%s\r\n" % (len(event), event)
            if index == len(events) - 1 and reply.drop_after is None and not reply.endless:
                # Same write as the last event, so a client that stops reading
                # at [DONE] still sees a complete body and can reuse the socket.
                frame += _LAST_CHUNK
            self.wfile.write(frame)
        if reply.drop_after is not None:
            self._drop()
        elif reply.endless:
            self._stream_forever(request, reply)
        elif not events:
            self.wfile.write(_LAST_CHUNK)

    def _stream_forever(self, request: dict[str, Any], reply: Reply) -> None:
        piece = Reply(text=reply.endless_text, chunk_size=len(reply.endless_text) or 1,
                      model=reply.model, truncate=True)
        event = b"data: " + json.dumps(_chunks(request, piece)[1], ensure_ascii=False).encode()
        frame = b"%x\r\n%s\r\n" % (len(event) + 2, event + b"\n\n")
        while not self._wait(reply.chunk_delay or 0.1):
            self.wfile.write(frame)  # OSError once the client hangs up ends the handler
        self._drop()


def _chunks(request: dict[str, Any], reply: Reply) -> list[dict[str, Any]]:
    """Build ``chat.completion.chunk`` objects in the real API's shape."""
    include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
    base = {
        "id": _new_id("chatcmpl-"),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": reply.model or request.get("model") or DEFAULT_MODEL,
        "system_fingerprint": "fp_fake",
    }

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        out = {
            **base,
            "choices": [
                {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            ],
        }
        if include_usage:
            out["usage"] = None
        return out

    chunks = [chunk({"role": "assistant", "content": "", "refusal": None})]
    chunks += [chunk({"content": piece}) for piece in _split(reply.text, reply.chunk_size)]
    for index, call in enumerate(reply.tool_calls):
        header = {
            "index": index,
            "id": call.id or _new_id("call_"),
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
        chunks.append(chunk({"tool_calls": [header]}))
        for piece in _split(call.arguments_json(), reply.arguments_chunk_size):
            chunks.append(
                chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
            )
    if not reply.truncate and not reply.endless:
        chunks.append(chunk({}, reply.resolved_finish_reason()))
        if include_usage:
            chunks.append({**base, "choices": [], "usage": _usage(request, reply)})
    return chunks


def _usage(request: dict[str, Any], reply: Reply) -> dict[str, int]:
    """Rough token counts (len/4), unless the reply names its own: enough for code that sums
    or logs usage."""
    if reply.usage is not None:
        prompt = int(reply.usage.get("prompt_tokens", 0))
        completion = int(reply.usage.get("completion_tokens", 0))
        return {"prompt_tokens": prompt, "completion_tokens": completion,
                "total_tokens": prompt + completion}
    prompt = _approx_tokens(json.dumps(request.get("messages", []), ensure_ascii=False))
    completion = _approx_tokens(
        reply.text + "".join(c.name + c.arguments_json() for c in reply.tool_calls)
    )
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


class FakeOpenAI:
    """A fake OpenAI API server on 127.0.0.1 with a queue of scripted answers.

    Thread-safe: requests may arrive concurrently (each pops one response),
    and tests may script or inspect from any thread.  ``responder`` (called
    with the request JSON when the queue is empty; return ``None`` to fall
    back to ``default_response``) runs on server threads; if it raises, the
    client gets a 500 naming the exception.
    """

    def __init__(
        self,
        *,
        default_response: ScriptedResponse | str = "OK",
        models: Sequence[str] = (DEFAULT_MODEL, "gpt-4o", "gpt-4.1-mini"),
        host: str = "127.0.0.1",
    ) -> None:
        self.default_response: ScriptedResponse = _coerce(default_response)
        self.responder: Responder | None = None
        self.models: list[str] = list(models)
        self._host = host
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._queue: deque[ScriptedResponse] = deque()
        self._requests: list[RecordedRequest] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------- lifecycle
    def start(self) -> FakeOpenAI:
        """Bind a free loopback port and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeOpenAI is already running")
        server = _Server(self, self._host)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-openai",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving; in-flight slow/delayed responses are cut, not awaited."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = self._thread = None
        deadline = time.monotonic() + timeout
        server.stopping.set()  # wakes handlers sleeping in delay/chunk_delay
        server.shutdown()
        server.server_close()
        handlers = server.close_connections()  # wakes handlers blocked on sockets
        thread.join(max(0.0, deadline - time.monotonic()))
        for handler in handlers:
            if handler is not threading.current_thread():
                handler.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server is currently accepting connections."""
        return self._server is not None

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """What to pass as the openai client's ``base_url`` (ends with ``/v1``)."""
        return f"http://{self._host}:{self.port}/v1"

    # ---------------------------------------------------------- scripting
    def add_response(self, *responses: ScriptedResponse | str) -> None:
        """Queue answers for the next chat requests, in order (str = text reply)."""
        coerced = [_coerce(r) for r in responses]
        with self._lock:
            self._queue.extend(coerced)

    @property
    def pending(self) -> int:
        """How many scripted responses have not been consumed yet."""
        with self._lock:
            return len(self._queue)

    def reset(self) -> None:
        """Forget queued responses and recorded requests."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()

    def _next_response(self, request: dict[str, Any]) -> ScriptedResponse:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        responder = self.responder
        if responder is not None:
            try:
                answer = responder(request)
                if answer is not None:
                    return _coerce(answer)
            except Exception as exc:  # a broken test responder must be visible, not a hang
                traceback.print_exc()
                return Error(500, message=f"FakeOpenAI responder raised {exc!r}")
        return self.default_response

    # --------------------------------------------------------- inspection
    @property
    def requests(self) -> list[RecordedRequest]:
        """Snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Only the ``POST .../chat/completions`` requests."""
        return [
            r
            for r in self.requests
            if r.method == "POST" and r.path.split("?")[0].endswith("/chat/completions")
        ]

    @property
    def last_request(self) -> RecordedRequest:
        """The most recent request (AssertionError if none arrived)."""
        requests = self.requests
        assert requests, "FakeOpenAI received no requests"
        return requests[-1]

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until at least ``count`` requests arrived (for async app code)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._requests) >= count, timeout):
                raise TimeoutError(
                    f"expected {count} requests, got {len(self._requests)} within {timeout}s"
                )
            return list(self._requests)

    # ------------------------------------------------------------ helpers
    def _record(self, handler: _Handler, body: bytes, parsed: Any) -> None:
        headers: dict[str, str] = {}
        for name, value in handler.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        record = RecordedRequest(
            method=handler.command,
            path=handler.path,
            headers=headers,
            body=body,
            json=parsed,
            client_port=int(handler.client_address[1]),
            received_at=time.monotonic(),
        )
        with self._changed:
            self._requests.append(record)
            self._changed.notify_all()

    @staticmethod
    def _model_json(model_id: str) -> dict[str, Any]:
        return {
            "id": model_id,
            "object": "model",
            "created": 1_700_000_000,
            "owned_by": "fake-openai",
        }
