"""The model's streamed answer as typed events: text, tool calls growing and completing.

Chat Completions streams tool calls by index, one after the other; a call is complete when
the next one starts or the stream ends with a finish reason. The turn acts on these events
without knowing the wire format.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from . import config
from .tools import TOOLS, StreamedCall


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class CallProgress:
    """More of a call's arguments arrived."""

    call: StreamedCall


@dataclass(frozen=True)
class CallComplete:
    """All of a call's arguments arrived (they may still be invalid JSON)."""

    call: StreamedCall


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class StreamEnd:
    """The stream closed; ``finished`` says whether the model said it was done."""

    finished: bool
    calls: tuple[StreamedCall, ...]


Event = TextDelta | CallProgress | CallComplete | Usage | StreamEnd


def model_events(client, messages: list[dict], tools: list[dict] = TOOLS) -> Iterator[Event]:
    """Call the model (streaming, with the canvas tools) and yield what it says as events."""
    stream = client.chat.completions.create(
        model=config.model_name(), messages=messages, tools=tools, stream=True,
        stream_options={"include_usage": True})
    calls: dict[int, StreamedCall] = {}
    completed: set[int] = set()
    finished = False
    try:
        for chunk in stream:
            usage = getattr(chunk, "usage", None)
            if usage:
                yield Usage(usage.prompt_tokens or 0, usage.completion_tokens or 0)
            if not chunk.choices:
                continue
            choice = chunk.choices[0]
            delta = choice.delta
            if delta is not None and delta.content:
                yield TextDelta(delta.content)
            for part in (delta.tool_calls or []) if delta is not None else []:
                # A new index means the calls before it are complete.
                for index in sorted(calls):
                    if index < part.index and index not in completed:
                        completed.add(index)
                        yield CallComplete(calls[index])
                call = calls.setdefault(part.index, StreamedCall(part.index))
                if part.id:
                    call.id = part.id
                if part.function is not None:
                    if part.function.name:
                        call.name = part.function.name
                    call.arguments += part.function.arguments or ""
                yield CallProgress(call)
            if choice.finish_reason:
                finished = True
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
    ordered = tuple(calls[i] for i in sorted(calls))
    if finished:
        for call in ordered:
            if call.index not in completed:
                completed.add(call.index)
                yield CallComplete(call)
    yield StreamEnd(finished, ordered)
