"""Tests for the fake OpenAI server, driven through the real ``openai`` client.

Why through the real client: the fake is only useful if the SDK parses what
it sends exactly like real API traffic (SSE framing, tool-call deltas, error
mapping, retries, timeouts).  The ``fake_openai`` fixture comes from
``tests.fakes.fixtures``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.fakes.openai_server import Error, FakeOpenAI, Reply, ToolCall, ToolCalls

MODEL = "gpt-4o-mini"
MESSAGES: list[dict[str, Any]] = [
    {"role": "system", "content": "You edit a shared canvas."},
    {"role": "user", "content": "Draw a red circle"},
]
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "edit_canvas",
            "description": "Apply edits to the canvas.",
            "parameters": {
                "type": "object",
                "properties": {"edits": {"type": "array", "items": {"type": "object"}}},
                "required": ["edits"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "add_note",
            "parameters": {"type": "object", "properties": {"text": {"type": "string"}}},
        },
    },
]
UNICODE_TEXT = "Café déjà vu — naïve façade. 漢字とかな、한국어. Emoji: 🎨🖌️👩‍🎨 ✓ done!"


def sync_client(fake: FakeOpenAI, **options: Any) -> openai.OpenAI:
    """Real sync client aimed at the fake; no retries unless a test asks."""
    options.setdefault("max_retries", 0)
    options.setdefault("timeout", 10.0)
    return openai.OpenAI(base_url=fake.base_url, api_key="test-key", **options)


def async_client(fake: FakeOpenAI, **options: Any) -> openai.AsyncOpenAI:
    """Real async client aimed at the fake; no retries unless a test asks."""
    options.setdefault("max_retries", 0)
    options.setdefault("timeout", 10.0)
    return openai.AsyncOpenAI(base_url=fake.base_url, api_key="test-key", **options)


def assemble_tool_calls(chunks: list[Any]) -> dict[int, dict[str, Any]]:
    """Merge tool-call deltas by index, the way a client app has to."""
    calls: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        for choice in chunk.choices:
            for delta in choice.delta.tool_calls or []:
                call = calls.setdefault(
                    delta.index, {"id": None, "name": None, "arguments": "", "pieces": 0}
                )
                if delta.id:
                    call["id"] = delta.id
                if delta.function and delta.function.name:
                    call["name"] = delta.function.name
                if delta.function and delta.function.arguments:
                    call["arguments"] += delta.function.arguments
                    call["pieces"] += 1
    return calls


# --------------------------------------------------------------- happy paths


@pytest.mark.timeout(30)
def test_non_streaming_reply(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text=UNICODE_TEXT))
    with sync_client(fake_openai) as client:
        completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)

    assert completion.object == "chat.completion"
    assert completion.model == MODEL
    choice = completion.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == UNICODE_TEXT
    assert choice.message.tool_calls is None
    assert choice.finish_reason == "stop"
    assert completion.usage is not None
    assert (
        completion.usage.total_tokens
        == completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    assert completion.usage.completion_tokens > 0


@pytest.mark.timeout(30)
def test_non_streaming_tool_calls(fake_openai: FakeOpenAI) -> None:
    edits = {"edits": [{"op": "add", "shape": "circle", "color": "rouge foncé"}]}
    fake_openai.add_response(ToolCalls([ToolCall("edit_canvas", edits, id="call_abc")]))
    with sync_client(fake_openai) as client:
        completion = client.chat.completions.create(model=MODEL, messages=MESSAGES, tools=TOOLS)

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert choice.message.tool_calls is not None
    [call] = choice.message.tool_calls
    assert call.id == "call_abc"
    assert call.function.name == "edit_canvas"
    assert json.loads(call.function.arguments) == edits


@pytest.mark.timeout(30)
def test_streaming_text_reassembles_unicode_exactly(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text=UNICODE_TEXT, chunk_size=2))
    with sync_client(fake_openai) as client:
        chunks = list(client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True))

    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    first = chunks[0].choices[0].delta
    assert first.role == "assistant"
    assert first.content == ""
    pieces = [c.choices[0].delta.content for c in chunks[1:-1]]
    assert len(pieces) > 10
    assert "".join(p or "" for p in pieces) == UNICODE_TEXT
    last = chunks[-1].choices[0]
    assert last.finish_reason == "stop"
    assert last.delta.content is None and last.delta.tool_calls is None
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])
    assert all(c.usage is None for c in chunks)


@pytest.mark.timeout(30)
@pytest.mark.asyncio
async def test_async_streaming_text(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text=UNICODE_TEXT, chunk_size=1))
    async with async_client(fake_openai) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == UNICODE_TEXT


@pytest.mark.timeout(30)
@pytest.mark.asyncio
async def test_streaming_two_tool_calls_reassemble_to_scripted_json(
    fake_openai: FakeOpenAI,
) -> None:
    edits = {
        "edits": [
            {"op": "add", "shape": "circle", "x": 10.5, "y": -3, "label": "Café ☕ — 漢字 🎨"},
            {"op": "delete", "id": "n-42", "nested": {"a": [1, 2, {"b": None, "c": True}]}},
        ]
    }
    note = {"text": 'Quote "inside" and back\\slash, newline\nend'}
    fake_openai.add_response(
        ToolCalls(
            [ToolCall("edit_canvas", edits), ToolCall("add_note", note, id="call_note")],
            text="Working on it…",
            arguments_chunk_size=3,
        )
    )
    async with async_client(fake_openai) as client:
        stream = await client.chat.completions.create(
            model=MODEL, messages=MESSAGES, tools=TOOLS, stream=True
        )
        chunks = [c async for c in stream]

    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == "Working on it…"
    calls = assemble_tool_calls(chunks)
    assert sorted(calls) == [0, 1]
    assert calls[0]["name"] == "edit_canvas"
    assert calls[1]["name"] == "add_note"
    assert calls[0]["id"].startswith("call_")
    assert calls[1]["id"] == "call_note"
    assert json.loads(calls[0]["arguments"]) == edits
    assert json.loads(calls[1]["arguments"]) == note
    assert calls[0]["pieces"] > 10 and calls[1]["pieces"] > 5

    # Shape: header chunk carries id/type/name with "" arguments, later ones only index+arguments.
    tool_deltas = [d for c in chunks for d in (c.choices[0].delta.tool_calls or [])]
    headers = [d for d in tool_deltas if d.id]
    assert [h.index for h in headers] == [0, 1]
    assert all(h.type == "function" and h.function and h.function.arguments == "" for h in headers)
    for delta in tool_deltas:
        if not delta.id:
            assert delta.type is None and delta.function is not None and delta.function.name is None
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    assert chunks[-1].choices[0].delta.tool_calls is None


@pytest.mark.timeout(30)
def test_sdk_stream_helper_accumulates_tool_calls(fake_openai: FakeOpenAI) -> None:
    """The SDK's own delta accumulator must agree with what was scripted."""
    args = {"edits": [{"op": "move", "id": "n-1", "dx": 5}]}
    fake_openai.add_response(
        ToolCalls([ToolCall("edit_canvas", args), ToolCall("add_note", {"text": "ok"})])
    )
    with (
        sync_client(fake_openai) as client,
        client.chat.completions.stream(model=MODEL, messages=MESSAGES, tools=TOOLS) as stream,
    ):
        final = stream.get_final_completion()

    calls = final.choices[0].message.tool_calls
    assert calls is not None
    assert [c.function.name for c in calls] == ["edit_canvas", "add_note"]
    assert json.loads(calls[0].function.arguments) == args
    assert final.choices[0].finish_reason == "tool_calls"


@pytest.mark.timeout(30)
def test_usage_chunk_only_when_include_usage(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text="Hello there, canvas!"), Reply(text="Hello there, canvas!"))
    with sync_client(fake_openai) as client:
        with_usage = list(
            client.chat.completions.create(
                model=MODEL, messages=MESSAGES, stream=True, stream_options={"include_usage": True}
            )
        )
        without = list(client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True))

    last = with_usage[-1]
    assert last.choices == []
    assert last.usage is not None
    assert last.usage.prompt_tokens > 0 and last.usage.completion_tokens > 0
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens
    assert with_usage[-2].choices[0].finish_reason == "stop"
    assert all(c.usage is None for c in with_usage[:-1])
    assert all(c.usage is None and c.choices for c in without)


# ------------------------------------------------------------ error statuses


@pytest.mark.timeout(30)
def test_rate_limit_raises_rate_limit_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Error(429, retry_after=0.1))
    with sync_client(fake_openai) as client, pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model=MODEL, messages=MESSAGES)

    assert info.value.status_code == 429
    assert info.value.response.headers["retry-after"] == "0.1"
    assert info.value.response.headers["retry-after-ms"] == "100"
    assert info.value.code == "rate_limit_exceeded"
    assert isinstance(info.value.body, dict) and info.value.body["type"] == "requests"
    assert len(fake_openai.requests) == 1


@pytest.mark.timeout(30)
def test_rate_limit_is_retried_then_succeeds(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Error(429, retry_after=0.1), Reply(text="after retry"))
    started = time.monotonic()
    with sync_client(fake_openai, max_retries=1) as client:
        completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)

    assert completion.choices[0].message.content == "after retry"
    assert time.monotonic() - started < 5
    first, second = fake_openai.requests
    assert first.header("x-stainless-retry-count") == "0"
    assert second.header("x-stainless-retry-count") == "1"
    assert second.json == first.json
    assert fake_openai.pending == 0


@pytest.mark.timeout(30)
def test_retry_after_header_is_honoured(fake_openai: FakeOpenAI) -> None:
    """0.8s is longer than the SDK's own first backoff (<=0.5s), so the gap proves it."""
    fake_openai.add_response(Error(429, retry_after=0.8), Reply(text="ok"))
    with sync_client(fake_openai, max_retries=1) as client:
        client.chat.completions.create(model=MODEL, messages=MESSAGES)

    first, second = fake_openai.requests
    assert second.received_at - first.received_at >= 0.75


@pytest.mark.timeout(30)
@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_raise_internal_server_error(fake_openai: FakeOpenAI, status: int) -> None:
    fake_openai.add_response(Error(status, message="boom"))
    with sync_client(fake_openai) as client, pytest.raises(openai.InternalServerError) as info:
        client.chat.completions.create(model=MODEL, messages=MESSAGES)

    assert info.value.status_code == status
    assert isinstance(info.value.body, dict)
    assert info.value.body["message"] == "boom"
    assert info.value.body["type"] == "server_error"


@pytest.mark.timeout(30)
@pytest.mark.asyncio
async def test_streaming_request_can_get_error_status(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Error(429, retry_after=0.1))
    async with async_client(fake_openai) as client:
        with pytest.raises(openai.RateLimitError):
            await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)


# ------------------------------------------------------ broken connections


@pytest.mark.timeout(30)
def test_drop_after_raises_while_iterating(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text="This stream will be cut off early.", drop_after=3))
    received: list[Any] = []
    with sync_client(fake_openai) as client:
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        with pytest.raises(openai.APIConnectionError):
            for chunk in stream:
                received.append(chunk)
    assert len(received) == 3


@pytest.mark.timeout(30)
@pytest.mark.asyncio
async def test_async_drop_after_raises_while_iterating(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(
        ToolCalls([ToolCall("edit_canvas", {"edits": [1, 2, 3]})], drop_after=4)
    )
    received: list[Any] = []
    async with async_client(fake_openai) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        with pytest.raises(openai.APIError):
            async for chunk in stream:
                received.append(chunk)
    assert len(received) == 4


@pytest.mark.timeout(30)
def test_drop_after_everything_but_done_still_raises(fake_openai: FakeOpenAI) -> None:
    """A stream cut right before ``[DONE]`` must not look like a clean end."""
    fake_openai.add_response(Reply(text="abc", drop_after=999))
    with sync_client(fake_openai) as client:
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        with pytest.raises(openai.APIConnectionError):
            list(stream)


@pytest.mark.timeout(30)
def test_dropped_non_streaming_response_raises(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text="half a body", drop_after=0))
    with sync_client(fake_openai) as client, pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model=MODEL, messages=MESSAGES)


@pytest.mark.timeout(30)
def test_truncated_stream_ends_without_finish_reason(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text="partial answer", truncate=True))
    with sync_client(fake_openai) as client:
        chunks = list(
            client.chat.completions.create(
                model=MODEL, messages=MESSAGES, stream=True, stream_options={"include_usage": True}
            )
        )
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "partial answer"
    assert all(c.choices and c.choices[0].finish_reason is None for c in chunks)


@pytest.mark.timeout(30)
def test_malformed_tool_arguments_are_sent_verbatim(fake_openai: FakeOpenAI) -> None:
    broken = '{"edits": [{"op": "add", "shape": "circ'
    fake_openai.add_response(ToolCalls([ToolCall("edit_canvas", broken)], arguments_chunk_size=5))
    with sync_client(fake_openai) as client:
        chunks = list(
            client.chat.completions.create(model=MODEL, messages=MESSAGES, tools=TOOLS, stream=True)
        )
    calls = assemble_tool_calls(chunks)
    assert calls[0]["arguments"] == broken
    with pytest.raises(json.JSONDecodeError):
        json.loads(calls[0]["arguments"])


@pytest.mark.timeout(30)
def test_garbage_data_line_makes_stream_raise(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text="never mind", garbage=True))
    received: list[Any] = []
    with sync_client(fake_openai) as client:
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        with pytest.raises(ValueError):
            for chunk in stream:
                received.append(chunk)
    assert len(received) == 1  # only the role chunk came before the garbage


@pytest.mark.timeout(30)
def test_garbage_non_streaming_body_raises(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text="x", garbage=True))
    with sync_client(fake_openai) as client, pytest.raises(ValueError):
        client.chat.completions.create(model=MODEL, messages=MESSAGES)


@pytest.mark.timeout(30)
def test_error_event_mid_stream_raises_api_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text="some text then failure", error_after=2))
    with sync_client(fake_openai) as client:
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        with pytest.raises(openai.APIError, match="server had an error"):
            list(stream)


# ------------------------------------------------------------------ timing


@pytest.mark.timeout(30)
def test_delay_longer_than_client_timeout_raises_timeout(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text="too late", delay=3))
    started = time.monotonic()
    with sync_client(fake_openai, timeout=0.3) as client, pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert time.monotonic() - started < 2.5


@pytest.mark.timeout(30)
def test_slow_stream_times_out_while_iterating(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text="slow stream", chunk_delay=3))
    with sync_client(fake_openai, timeout=0.3) as client:
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        with pytest.raises(openai.APITimeoutError):
            list(stream)


@pytest.mark.timeout(30)
def test_chunk_delay_really_spaces_chunks(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response(Reply(text="abcdef", chunk_size=2, chunk_delay=0.1))
    with sync_client(fake_openai) as client:
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        arrivals = [time.monotonic() for _ in stream]
    # role + 3 text + finish = 5 chunks, 4 gaps of 0.1s each.
    assert len(arrivals) == 5
    assert arrivals[-1] - arrivals[0] >= 0.35


@pytest.mark.timeout(30)
def test_stop_does_not_hang_with_slow_stream_in_progress() -> None:
    fake = FakeOpenAI().start()
    fake.add_response(Reply(text="very slow", chunk_delay=20))
    outcome: list[BaseException | None] = []
    first_chunk = threading.Event()

    def consume() -> None:
        try:
            with sync_client(fake) as client:
                for _ in client.chat.completions.create(
                    model=MODEL, messages=MESSAGES, stream=True
                ):
                    first_chunk.set()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion below
            outcome.append(exc)

    worker = threading.Thread(target=consume, daemon=True)
    worker.start()
    assert first_chunk.wait(5)
    started = time.monotonic()
    fake.stop()
    assert time.monotonic() - started < 2
    worker.join(5)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], openai.APIError)


# --------------------------------------------------- recording & scripting


@pytest.mark.timeout(30)
def test_requests_are_recorded_with_messages_tools_and_auth(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response("first", "second")
    with sync_client(fake_openai) as client:
        client.chat.completions.create(
            model=MODEL, messages=MESSAGES, tools=TOOLS, tool_choice="auto"
        )
        list(
            client.chat.completions.create(
                model="gpt-4o",
                messages=MESSAGES[1:],
                stream=True,
                stream_options={"include_usage": True},
            )
        )

    first, second = fake_openai.chat_requests
    assert first.method == "POST" and first.path == "/v1/chat/completions"
    assert first.messages == MESSAGES
    assert first.tools == TOOLS
    assert first.json["tool_choice"] == "auto"
    assert first.model == MODEL
    assert first.stream is False
    assert first.header("Authorization") == "Bearer test-key"
    assert first.header("content-type") == "application/json"
    assert second.model == "gpt-4o"
    assert second.stream is True
    assert second.json["stream_options"] == {"include_usage": True}
    assert second.messages == MESSAGES[1:]
    assert second.tools == []
    assert fake_openai.last_request is second


@pytest.mark.timeout(30)
def test_default_response_and_responder(fake_openai: FakeOpenAI) -> None:
    with sync_client(fake_openai) as client:

        def ask(text: str) -> str | None:
            reply = client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": text}]
            )
            return reply.choices[0].message.content

        assert ask("anything") == "OK"
        fake_openai.default_response = Reply(text="fallback")
        assert ask("anything") == "fallback"

        def echo(request: dict[str, Any]) -> Reply | None:
            content = request["messages"][-1]["content"]
            return None if content == "skip" else Reply(text=f"echo: {content}")

        fake_openai.responder = echo
        assert ask("ping") == "echo: ping"
        assert ask("skip") == "fallback"
        fake_openai.add_response("scripted wins")
        assert ask("ping") == "scripted wins"
        assert ask("pong") == "echo: pong"


@pytest.mark.timeout(30)
def test_models_endpoint_and_unknown_model(fake_openai: FakeOpenAI) -> None:
    with sync_client(fake_openai) as client:
        ids = [m.id for m in client.models.list()]
        assert MODEL in ids
        assert client.models.retrieve(MODEL).id == MODEL
        with pytest.raises(openai.NotFoundError):
            client.models.retrieve("no-such-model")
    assert fake_openai.requests[0].method == "GET"
    assert fake_openai.chat_requests == []


@pytest.mark.timeout(30)
def test_keep_alive_connection_is_reused(fake_openai: FakeOpenAI) -> None:
    """Content-Length framing (also on errors) must let the client reuse the socket."""
    with sync_client(fake_openai) as client:
        client.chat.completions.create(model=MODEL, messages=MESSAGES)
        fake_openai.add_response(Error(429))
        with pytest.raises(openai.RateLimitError):
            client.chat.completions.create(model=MODEL, messages=MESSAGES)
        client.chat.completions.create(model=MODEL, messages=MESSAGES)
        client.models.list()
    assert len(fake_openai.requests) == 4
    assert len({r.client_port for r in fake_openai.requests}) == 1


@pytest.mark.timeout(30)
@pytest.mark.asyncio
async def test_keep_alive_survives_streams(fake_openai: FakeOpenAI) -> None:
    """Chunked SSE framing must end cleanly so the (draining) async client reuses the socket.

    The sync SDK closes the socket when it stops reading at ``[DONE]``, so only
    the async client can show reuse after a stream.
    """
    async with async_client(fake_openai) as client:
        for _ in range(2):
            stream = await client.chat.completions.create(
                model=MODEL, messages=MESSAGES, stream=True
            )
            assert [c async for c in stream]
        await client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert len(fake_openai.requests) == 3
    assert len({r.client_port for r in fake_openai.requests}) == 1


@pytest.mark.timeout(30)
def test_concurrent_requests_each_pop_one_response(fake_openai: FakeOpenAI) -> None:
    count = 12
    fake_openai.add_response(*[Reply(text=f"answer {i}", chunk_delay=0.01) for i in range(count)])
    results: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        with sync_client(fake_openai) as client:
            stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
            text = "".join(c.choices[0].delta.content or "" for c in stream)
        with lock:
            results.append(text)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(results) == sorted(f"answer {i}" for i in range(count))
    assert fake_openai.pending == 0
    assert len(fake_openai.wait_for_requests(count, timeout=1)) == count


@pytest.mark.timeout(30)
def test_fixture_points_default_client_at_fake(fake_openai: FakeOpenAI) -> None:
    fake_openai.add_response("from the fake")
    client = openai.OpenAI(max_retries=0)  # configured only through env vars
    try:
        reply = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    finally:
        client.close()
    assert reply.choices[0].message.content == "from the fake"
    assert fake_openai.last_request.header("authorization") == "Bearer test-key"


@pytest.mark.timeout(30)
def test_context_manager_and_restart() -> None:
    with FakeOpenAI() as fake:
        assert fake.running
        assert fake.base_url == f"http://127.0.0.1:{fake.port}/v1"
    assert not fake.running
    with pytest.raises(RuntimeError):
        _ = fake.base_url


@pytest.fixture
def two_fakes() -> Iterator[tuple[FakeOpenAI, FakeOpenAI]]:
    """Two independent servers, to check state is not shared."""
    with FakeOpenAI() as one, FakeOpenAI(default_response="two") as two:
        yield one, two


@pytest.mark.timeout(30)
def test_servers_are_independent(two_fakes: tuple[FakeOpenAI, FakeOpenAI]) -> None:
    one, two = two_fakes
    assert one.port != two.port
    one.add_response("one")
    with sync_client(two) as client:
        assert (
            client.chat.completions.create(model=MODEL, messages=MESSAGES)
            .choices[0]
            .message.content
            == "two"
        )
    assert one.pending == 1 and one.requests == [] and len(two.requests) == 1


@pytest.mark.timeout(30)
def test_broken_responder_becomes_500(
    fake_openai: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(request: dict[str, Any]) -> Reply:
        raise KeyError("oops")

    fake_openai.responder = broken
    with (
        sync_client(fake_openai) as client,
        pytest.raises(openai.InternalServerError, match="oops"),
    ):
        client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert "KeyError" in capsys.readouterr().err
