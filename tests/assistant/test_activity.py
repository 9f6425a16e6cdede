"""What the assistant's bubble says while it works (canvas/assistant/activity.py), unit and
through a real turn against the fake model."""

from __future__ import annotations

import pytest

from canvas import chat
from canvas.assistant import activity
from canvas.assistant.stream import CallProgress, TextDelta, Usage
from canvas.assistant.tools import StreamedCall
from tests.assistant.conftest import Human, run_turn, start_turn
from tests.fakes.openai_server import ToolCall, ToolCalls


def call(name: str, done_items: int = 0, streamed: int = 0, completed: bool = False):
    made = StreamedCall(0, name=name)
    made.done_items, made.streamed_chars, made.completed = done_items, streamed, completed
    return made


@pytest.mark.parametrize("made, shown, words", [
    (call("edit_canvas"), 100, "Editing 1 passage…"),
    (call("edit_canvas", done_items=1), 100, "Editing 2 passages…"),
    (call("edit_canvas", done_items=2, completed=True), 100, "Editing 2 passages…"),
    (call("comment_canvas", done_items=2), 100, "Commenting on 3 passages…"),
    (call("rewrite_canvas"), 1000, "Rewriting…"),
    (call("rewrite_canvas", streamed=50), 1000, "Rewriting…"),
    (call("rewrite_canvas", streamed=420), 1000, "Rewriting… 40%"),
    (call("rewrite_canvas", streamed=5000), 1000, "Rewriting… 90%"),  # longer than before
    (call("rewrite_canvas", streamed=300), 0, "Writing…"),  # an empty canvas
    (call(""), 100, "Working…"),
])
def test_a_call_in_words(made, shown, words):
    assert activity.of_call(made, shown) == words


def test_text_clears_the_words_and_usage_keeps_them():
    assert activity.of_event(TextDelta("Hi"), 10) == ""
    assert activity.of_event(Usage(1, 2), 10) is None
    assert activity.of_event(CallProgress(call("edit_canvas")), 10) == "Editing 1 passage…"


@pytest.mark.django_db(transaction=True)
def test_a_turn_tells_everyone_what_it_is_doing(model, doc_canvas, monkeypatch):
    Human(doc_canvas.id).insert(0, "Alpha line.\n\nBeta line.\n\nGamma line.\n\n"
                                   + "Some more text to rewrite.\n" * 20)
    said: list[tuple[str, str]] = []
    send = chat.send_message
    monkeypatch.setattr(chat, "send_message", lambda message, new=False: (
        said.append((message.status, message.summary)), send(message, new))[1])
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "Alpha line.", "replace": "ALPHA line."},
        {"find": "Gamma line.", "replace": "GAMMA line."},
    ]})], arguments_chunk_size=3))
    message = run_turn(start_turn(doc_canvas, "Capitalise"))
    assert message.status == "done", message.error
    model.add_response(ToolCalls([ToolCall("rewrite_canvas", {
        "content": "A brand new text. " * 30})], arguments_chunk_size=2, chunk_delay=0.002))
    message = run_turn(start_turn(doc_canvas, "Rewrite it all"))
    assert message.status == "done", message.error

    streaming = [summary for status, summary in said if status == "streaming"]
    assert streaming[0] == "Reading…"
    assert "Editing 1 passage…" in streaming and "Editing 2 passages…" in streaming
    assert any(summary.startswith("Rewriting… ") for summary in streaming), streaming
    assert ("done", "Edited 2 passages") in said
