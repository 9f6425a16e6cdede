"""The room policy: where people are working, the model's changes arrive as suggestions.

Each test runs the real turn pipeline on the fake model; people act through the update log
(as a browser's edits arrive) after the prompt was built and before the model answers.
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from pycrdt import Map, Text

from canvas.assistant import suggestions
from canvas.assistant.undo import undo_turn
from canvas.models import AssistantPolicy, Membership, Message, Role
from collab import persistence, presence_board
from collab.yjs_positions import Positions
from tests.assistant.conftest import (
    GATE,
    Human,
    canvas_text,
    run_turn,
    run_while_a_person_acts,
    start_turn,
)
from tests.fakes.openai_server import ToolCall, ToolCalls

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = ("Our cafe opens at nine.\n\nThe coffee is strong and cheap.\n\n"
        "Cakes are baked every morning.\n")


@pytest.fixture
def bob(doc_canvas):
    return Membership.objects.get(canvas=doc_canvas, role=Role.EDITOR).user


def policy(canvas, mode: str, seconds: int = 60) -> None:
    canvas.assistant_policy = mode
    canvas.assistant_guard_seconds = seconds
    canvas.save()


def here(canvas, *people, cursor_on: str = "") -> None:
    """People with the canvas open (the presence board), bob's cursor on ``cursor_on``."""
    states = {}
    for n, user in enumerate(people, start=10):
        state = {"user": {"id": user.pk, "name": user.username, "color": "#123"}}
        if cursor_on:
            doc = persistence.load_doc(str(canvas.id))
            positions = Positions(doc.get("content", type=Text))
            at = positions.value.index(cursor_on)
            state["cursor"] = {"anchor": positions.to_json(at, 0),
                               "head": positions.to_json(at, 0)}
        states[n] = json.dumps(state)
    async_to_sync(presence_board.publish)(str(canvas.id), states)


def pending(canvas) -> list[dict]:
    """The suggestions in the canvas, each with where its range is now."""
    doc = persistence.load_doc(str(canvas.id))
    positions = Positions(doc.get("content", type=Text))
    found = []
    for key, entry in doc.get("suggestions", type=Map).items():
        start = positions.decode(bytes(entry["start"]))
        end = positions.decode(bytes(entry["end"]))
        found.append({**entry, "key": key, "now": positions.value[start:max(start, end)]})
    return sorted(found, key=lambda e: e["created"])


def edit(find: str, replace: str) -> ToolCall:
    return ToolCall("edit_canvas", {"edits": [{"find": find, "replace": replace}]})


def test_suggest_policy_with_others_present_changes_nothing_and_offers_the_edit(
        model, doc_canvas, bob):
    Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}").insert(0, TEXT)
    policy(doc_canvas, AssistantPolicy.SUGGEST)
    here(doc_canvas, doc_canvas.owner, bob)
    model.add_response(ToolCalls([edit("strong and cheap", "strong and fair")]),
                       "Done.")
    message = run_turn(start_turn(doc_canvas, "Fairer wording"))
    assert canvas_text(doc_canvas) == TEXT
    [offered] = pending(doc_canvas)
    assert offered["quote"] == offered["now"] == "cheap"
    assert offered["insert"] == "fair"
    assert offered["assistant"] is True and offered["turn"] == message.id
    assert offered["askedBy"] == doc_canvas.owner.username
    assert offered["request"] == "Fairer wording"
    assert message.action == "suggest"
    assert message.summary == "Suggested 1 change for people to accept"
    results = [json.loads(m["content"]) for m in model.chat_requests[-1].messages
               if m["role"] == "tool"]
    assert results == [] or results[0]["results"][0]["status"] == "suggested"


def test_suggest_policy_alone_edits_directly(model, doc_canvas):
    Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}").insert(0, TEXT)
    policy(doc_canvas, AssistantPolicy.SUGGEST)
    here(doc_canvas, doc_canvas.owner)  # only the person asking
    model.add_response(ToolCalls([edit("strong and cheap", "strong and fair")]))
    message = run_turn(start_turn(doc_canvas, "Fairer wording"))
    assert canvas_text(doc_canvas) == TEXT.replace("cheap", "fair")
    assert pending(doc_canvas) == []
    assert message.action == "edit"


def test_a_rewrite_over_a_paragraph_someone_types_in_becomes_suggestions_there_only(
        model, doc_canvas, bob):
    """Direct policy: the paragraphs nobody touched change; the one bob typed in during the
    turn gets suggestions, and bob's words stay exactly as he typed them."""
    Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}").insert(0, TEXT)
    here(doc_canvas, doc_canvas.owner, bob)
    new = ("Our cafe opens at eight.\n\nThe coffee is bold and affordable.\n\n"
           "Cakes are baked fresh every morning.\n")
    model.add_response(ToolCalls([ToolCall("rewrite_canvas", {"content": new})], gate=GATE))
    bobs = Human(doc_canvas.id, origin=f"user:{bob.pk}")

    def bob_types():
        bobs.sync()
        bobs.insert(bobs.get().index(" and cheap"), ", hot")

    message = run_while_a_person_acts(model, start_turn(doc_canvas, "Rewrite it livelier"),
                                      bob_types)
    text = canvas_text(doc_canvas)
    assert text == ("Our cafe opens at eight.\n\nThe coffee is strong, hot and cheap.\n\n"
                    "Cakes are baked fresh every morning.\n")
    [offered] = pending(doc_canvas)
    assert (offered["quote"], offered["insert"]) == ("strong and cheap", "bold and affordable")
    assert offered["now"] == "strong, hot and cheap"  # bob's words sit inside its range
    assert message.action == "rewrite"
    assert "Suggested 1 change " in message.summary


def test_guarded_policy_suggests_where_people_edited_lately_or_hold_their_cursor(
        model, doc_canvas, bob):
    Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}").insert(0, TEXT)
    policy(doc_canvas, AssistantPolicy.GUARDED, seconds=120)
    bobs = Human(doc_canvas.id, origin=f"user:{bob.pk}")
    bobs.insert(bobs.get().index("nine") + 4, " sharp")  # bob edited paragraph 1
    here(doc_canvas, doc_canvas.owner, bob, cursor_on="baked")  # and is in paragraph 3
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "opens", "replace": "opens its doors"},
        {"find": "strong", "replace": "bold"},
        {"find": "every morning", "replace": "at dawn"}]})]), "Done.")
    message = run_turn(start_turn(doc_canvas, "Livelier"))
    assert canvas_text(doc_canvas) == TEXT.replace("nine", "nine sharp").replace(
        "strong", "bold")
    assert {(o["quote"], o["insert"]) for o in pending(doc_canvas)} == {
        ("", " its doors"), ("every morning", "at dawn")}
    assert message.action == "edit"


def test_guarded_policy_forgets_edits_older_than_its_window(model, doc_canvas, bob):
    Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}").insert(0, TEXT)
    bobs = Human(doc_canvas.id, origin=f"user:{bob.pk}")
    bobs.insert(bobs.get().index("nine") + 4, " sharp")
    from django.utils import timezone

    from collab.models import DocUpdate
    DocUpdate.objects.filter(canvas_id=doc_canvas.id).update(
        created=timezone.now() - timezone.timedelta(seconds=90))
    policy(doc_canvas, AssistantPolicy.GUARDED, seconds=30)
    here(doc_canvas, doc_canvas.owner, bob)
    model.add_response(ToolCalls([edit("opens", "opens its doors")]))
    run_turn(start_turn(doc_canvas, "Livelier"))
    assert "opens its doors" in canvas_text(doc_canvas)
    assert pending(doc_canvas) == []


def test_stale_suggestions_are_removed_by_the_next_turn_and_fresh_ones_stay(
        model, doc_canvas, bob):
    owner = Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}")
    owner.insert(0, TEXT)
    policy(doc_canvas, AssistantPolicy.SUGGEST)
    here(doc_canvas, doc_canvas.owner, bob)
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "nine", "replace": "eight"}, {"find": "cheap", "replace": "fair"}]})]), "Ok.")
    run_turn(start_turn(doc_canvas, "Change two things"))
    assert len(pending(doc_canvas)) == 2
    owner.sync()
    at = owner.get().index("cheap")
    owner.delete(at, at + len("cheap"))  # someone rewrote the word the suggestion replaces
    owner.insert(at, "pricey")
    model.add_response("Nothing to change.")
    run_turn(start_turn(doc_canvas, "Anything else?"))
    assert [(o["quote"], o["insert"]) for o in pending(doc_canvas)] == [("nine", "eight")]


def test_a_suggestion_goes_stale_only_when_a_character_it_replaces_is_deleted():
    from pycrdt import Doc

    from canvas.assistant.fork import Fork, Snapshot
    from canvas.assistant.placement import Change

    base = Doc()
    base.get("content", type=Text).insert(0, "Hello 🌍 world")
    fork = Fork(Snapshot.of(base), client_id=7)
    changes = [Change(6, 7, "🌎"), Change(13, 13, "!")]
    with fork.doc.transaction():
        suggestions.write(fork.content, fork.suggestions, fork.text(), changes,
                          fork.quote_ids_of([(c.start, c.end) for c in changes]), "t", {})
    content, offered = fork.content, fork.suggestions
    assert [e["ids"] for _, e in sorted(offered.items())] == [
        [[base.client_id, 6, 2]], []]  # the globe is two UTF-16 units; the "!" replaces none
    assert suggestions.stale_keys(content, offered) == []
    content.insert(len("Hello 🌍".encode()), "!")  # typed right after the globe
    content.insert(len(b"Hello "), "big ")  # and before it
    del content[len("Hello big 🌍! ".encode()):len("Hello big 🌍! w".encode())]
    assert suggestions.stale_keys(content, offered) == []  # its own character is all there
    del content[len(b"Hello big "):len("Hello big 🌍".encode())]
    assert sorted(suggestions.stale_keys(content, offered)) == ["t-1"]
    offered["bad"] = {"ids": "not runs"}
    assert sorted(suggestions.stale_keys(content, offered)) == ["bad", "t-1"]


def test_undoing_a_turn_takes_back_its_suggestions_with_its_edits(model, doc_canvas, bob):
    Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}").insert(0, TEXT)
    policy(doc_canvas, AssistantPolicy.GUARDED)
    here(doc_canvas, doc_canvas.owner, bob, cursor_on="baked")
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "strong", "replace": "bold"},
        {"find": "every morning", "replace": "at dawn"}]})]), "Done.")
    message = run_turn(start_turn(doc_canvas, "Livelier"))
    assert len(pending(doc_canvas)) == 1 and "bold" in canvas_text(doc_canvas)
    undo_turn(message)
    assert canvas_text(doc_canvas) == TEXT
    assert pending(doc_canvas) == []


def test_a_commenters_turn_never_suggests(model, doc_canvas, make_user):
    carol = make_user("carol")
    Membership.objects.create(canvas=doc_canvas, user=carol, role=Role.COMMENTER)
    Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}").insert(0, TEXT)
    policy(doc_canvas, AssistantPolicy.SUGGEST)
    here(doc_canvas, doc_canvas.owner, carol)
    request = Message.objects.create(canvas=doc_canvas, author=carol, text="Fix it")
    message = Message.objects.create(canvas=doc_canvas, is_assistant=True, reply_to=request,
                                     status=Message.Status.STREAMING)
    model.add_response(ToolCalls([edit("cheap", "fair")]), "Sorry.")
    run_turn(message)
    assert canvas_text(doc_canvas) == TEXT
    assert pending(doc_canvas) == []


def test_the_model_is_told_who_typed_beside_its_changes_while_it_worked(model, doc_canvas, bob):
    Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}").insert(0, TEXT)
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "strong", "replace": "bold"},
        {"find": "no such words", "replace": "x"}]})], gate=GATE), "Done.")
    bobs = Human(doc_canvas.id, origin=f"user:{bob.pk}")

    def bob_types():
        bobs.sync()
        bobs.insert(bobs.get().index(" and cheap"), ", hot")

    run_while_a_person_acts(model, start_turn(doc_canvas, "Bolder"), bob_types)
    assert canvas_text(doc_canvas) == TEXT.replace("strong and", "bold, hot and")
    [result] = [json.loads(m["content"]) for m in model.chat_requests[1].messages
                if m["role"] == "tool"]
    assert result["people_meanwhile"] == (
        "bob changed these passages while you worked; their typing and your changes are "
        "both in the text now: “The coffee is bold, hot and cheap.”")
    assert "people_meanwhile" not in json.dumps(model.chat_requests[0].messages)


def test_a_suggestion_outside_the_window_the_model_was_shown_is_refused(model, doc_canvas, bob):
    """A long canvas is shown as a window: a quote from beyond it is not the model's to
    change, as a suggestion no more than as an edit."""
    from canvas.assistant import prompts

    long = "".join(f"Line {i:05d}: the quick brown fox.\n" for i in range(3520))
    Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}").insert(0, long)
    policy(doc_canvas, AssistantPolicy.SUGGEST)
    here(doc_canvas, doc_canvas.owner, bob)
    _, end = prompts.canvas_window(long, None)
    beyond = "Line 03519: the quick brown fox."
    assert long.index(beyond) >= end
    model.add_response(ToolCalls([edit(beyond, "Line 03519: the quick red fox.")]),
                       "I could not reach that line.")
    message = run_turn(start_turn(doc_canvas, "Make the last fox red"))
    assert canvas_text(doc_canvas) == long
    assert pending(doc_canvas) == []
    results = [json.loads(m["content"]) for m in model.chat_requests[-1].messages
               if m["role"] == "tool"]
    result = results[0]["results"][0]
    assert result["status"] == "failed"
    assert "outside the part of the canvas you were shown" in result["error"]
    assert "did_you_mean" not in result  # nothing quoted from beyond what it was shown
    assert message.action != "suggest"
