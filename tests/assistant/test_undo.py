"""Undoing a turn by its items: the correct inverse, or unchanged with a refusal; never a
line that no version contained."""

from __future__ import annotations

import itertools

import pytest

from canvas.assistant.undo import UndoError, undo_turn
from canvas.models import Version
from tests.assistant.conftest import Human, canvas_text, run_turn, start_turn
from tests.fakes.openai_server import ToolCall, ToolCalls

pytestmark = pytest.mark.django_db(transaction=True)


def edit_turn(model, canvas, find: str, replace: str):
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": find, "replace": replace}]})]))
    message = run_turn(start_turn(canvas, f"{find} -> {replace}"))
    assert message.status == "done" and message.action == "edit", message.summary
    return message


def test_undo_of_an_older_turn_after_a_later_rewrite_is_refused_not_garbled(model,
                                                                           doc_canvas):
    original = "Every week the team meets on Monday to plan the week.\n"
    Human(doc_canvas.id).insert(0, original)
    first = edit_turn(model, doc_canvas, "meets on Monday", "meets on Tuesday")
    model.add_response(ToolCalls([ToolCall("rewrite_canvas", {
        "content": "Each Friday the team gathers to review the week.\n"})]))
    run_turn(start_turn(doc_canvas, "Rewrite it"))
    rewritten = canvas_text(doc_canvas)
    assert rewritten == "Each Friday the team gathers to review the week.\n"
    with pytest.raises(UndoError, match="restore “Before"):
        undo_turn(first)
    assert canvas_text(doc_canvas) == rewritten


THREE = ("Intro by people.\n\nFirst paragraph is plain.\n\nSecond paragraph is plain.\n\n"
         "Third paragraph is plain.\n")
TURNS = [("First paragraph is plain.", "First paragraph is FANCY."),
         ("Second paragraph is plain.", "Second paragraph is FANCY."),
         ("Third paragraph is plain.", "Third paragraph is FANCY.")]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))),
                         ids=lambda order: "-".join(str(i + 1) for i in order))
def test_three_turns_undone_in_any_order_after_people_edited(model, doc_canvas, order):
    human = Human(doc_canvas.id)
    human.insert(0, THREE)
    turns = [edit_turn(model, doc_canvas, find, replace) for find, replace in TURNS]
    # People edit after the turns: beside the turns' text, and in a paragraph of their own.
    human.sync()
    human.insert(human.get().index("Intro by people.") + len("Intro"), " (edited)")
    human.insert(human.get().index("Second paragraph") + len("Second"), " long")
    expected = human.get()
    assert expected == ("Intro (edited) by people.\n\nFirst paragraph is FANCY.\n\n"
                        "Second long paragraph is FANCY.\n\nThird paragraph is FANCY.\n")
    for index in order:
        undo_turn(turns[index])
        find, replace = TURNS[index]
        old = find.replace("Second", "Second long")
        new = replace.replace("Second", "Second long")
        expected = expected.replace(new, old)
        assert canvas_text(doc_canvas) == expected
    assert canvas_text(doc_canvas) == THREE.replace("Intro", "Intro (edited)") \
        .replace("Second", "Second long")


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))),
                         ids=lambda order: "-".join(str(i + 1) for i in order))
def test_overlapping_turns_undo_cleanly_or_refuse(model, doc_canvas, order):
    """Turn 3 rewrites what turn 1 wrote: whatever the order, every line of the result is a
    line some version had, and a refusal leaves the text as it was."""
    human = Human(doc_canvas.id)
    human.insert(0, "Alpha beta gamma.\n\nDelta epsilon.\n")
    turns = [edit_turn(model, doc_canvas, "beta", "BETA"),
             edit_turn(model, doc_canvas, "Delta", "DELTA"),
             edit_turn(model, doc_canvas, "Alpha BETA gamma.", "Alpha Beta-prime gamma.")]
    human.sync()
    human.insert(len(human.get()), "People wrote this.\n")
    known_lines = {line for version in Version.objects.all()
                   for line in version.text.splitlines()} | set(human.get().splitlines())
    for index in order:
        before = canvas_text(doc_canvas)
        try:
            undo_turn(turns[index])
        except UndoError as exc:
            assert "mix two versions" in str(exc)
            assert canvas_text(doc_canvas) == before
        for line in canvas_text(doc_canvas).splitlines():
            assert line in known_lines or line == "Alpha beta gamma.", line
        assert "People wrote this." in canvas_text(doc_canvas)
