"""The assistant's writing is attributed to its turn, with the request and who asked."""

from __future__ import annotations

import pytest

from canvas.provenance import ASSISTANT, authors
from collab import persistence
from collab.yjs_positions import blocks_of
from tests.assistant.conftest import Human, canvas_text, run_turn, start_turn
from tests.fakes.openai_server import ToolCall, ToolCalls

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_turns_edit_is_attributed_to_the_assistant_and_the_turn(model, doc_canvas):
    Human(doc_canvas.id).insert(0, "The shop opens at nine.")
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "nine", "replace": "half past eight"}]})]))
    message = run_turn(start_turn(doc_canvas, "Make it earlier"))
    assert canvas_text(doc_canvas) == "The shop opens at half past eight."

    named = authors(doc_canvas)
    turn = named[message.yjs_client_id]
    assert turn["name"] == ASSISTANT and turn["kind"] == "assistant"
    assert turn["detail"] == "turn: Make it earlier (asked by ada)"
    doc = persistence.load_doc(str(doc_canvas.id))
    written = "".join(b.text for b in blocks_of(doc).get(message.yjs_client_id, []) if b.text)
    assert "half past eight" in written
