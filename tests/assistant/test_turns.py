"""Assistant turns against the fake OpenAI-compatible server, through the real openai SDK."""

from __future__ import annotations

import json
import threading
import time

import pytest
from pycrdt import Text

from canvas.assistant import selection
from canvas.assistant.peer import decode_sticky
from canvas.assistant.turns import request_stop
from canvas.assistant.undo import undo_turn
from canvas.models import Version
from collab import persistence
from collab.models import DocUpdate
from tests.assistant.conftest import Human, canvas_text, run_turn, start_turn
from tests.fakes.openai_server import Error, Reply, ToolCall, ToolCalls

pytestmark = pytest.mark.django_db(transaction=True)

SECTIONS = [f"## Section {i}\n\nParagraph {i}: Grüße aus Köln — 東京 {i} 😀 and more text.\n\n"
            for i in range(40)]
LONG = "".join(SECTIONS)


run = run_turn
text_of = canvas_text


def test_targeted_edits_land_only_where_intended(model, doc_canvas):
    Human(doc_canvas.id).insert(0, LONG)
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "Paragraph 3: Grüße aus Köln — 東京 3 😀", "replace": "Absatz 3: 你好 🌍"},
        {"find": "## Section 37", "replace": "## Section 37 (revised) ✨"},
    ]})], text="Updating two passages."))
    message = run(start_turn(doc_canvas, "Change section 3 and 37"))
    expected = LONG.replace("Paragraph 3: Grüße aus Köln — 東京 3 😀", "Absatz 3: 你好 🌍") \
        .replace("## Section 37", "## Section 37 (revised) ✨")
    assert text_of(doc_canvas) == expected
    assert message.status == "done" and message.action == "edit"
    assert message.summary == "Edited 2 passages"
    assert message.text == "Updating two passages."
    assert DocUpdate.objects.filter(origin=f"assistant:{message.id}").exists()
    reasons = set(Version.objects.filter(turn=message).values_list("reason", flat=True))
    assert reasons == {"assistant_before", "assistant_after"}
    before = Version.objects.get(turn=message, reason="assistant_before")
    assert before.text == LONG
    # The request carried the canvas and the tools.
    sent = model.chat_requests[0]
    assert {t["function"]["name"] for t in sent.tools} == {
        "edit_canvas", "rewrite_canvas", "comment_canvas"}
    assert "Paragraph 39" in sent.messages[-1]["content"]


def test_an_edit_that_matches_nowhere_goes_back_to_the_model_once(model, doc_canvas):
    Human(doc_canvas.id).insert(0, "Alpha beta gamma.\n")
    model.add_response(
        ToolCalls([ToolCall("edit_canvas", {"edits": [
            {"find": "delta", "replace": "DELTA"}]})]),
        ToolCalls([ToolCall("edit_canvas", {"edits": [
            {"find": "gamma", "replace": "GAMMA"}]})]),
    )
    message = run(start_turn(doc_canvas))
    assert text_of(doc_canvas) == "Alpha beta GAMMA.\n"
    second = model.chat_requests[1].messages
    tool_result = json.loads(second[-1]["content"])
    assert tool_result["results"][0]["status"] == "failed"
    assert "does not occur" in tool_result["results"][0]["error"]
    assert message.summary == "Edited 1 passage"


def test_edits_that_keep_failing_are_reported_and_change_nothing(model, doc_canvas):
    Human(doc_canvas.id).insert(0, "one two one two\n")
    bad = ToolCalls([ToolCall("edit_canvas", {"edits": [{"find": "one", "replace": "1"}]})])
    model.add_response(bad, bad)
    message = run(start_turn(doc_canvas))
    assert text_of(doc_canvas) == "one two one two\n"
    assert message.status == "done"
    assert "could not be applied" in message.summary and "2 places" in message.summary
    assert message.action == "reply"


def test_rewrite_streams_into_draft_and_lands_as_a_minimal_diff(model, doc_canvas):
    human = Human(doc_canvas.id)
    human.insert(0, "Intro line stays.\n\nMiddle paragraph is old.\n\nClosing line stays.\n")
    # A person's comment on an unchanged sentence.
    from pycrdt import Assoc

    raw = human.text
    start = len(b"Intro line stays.\n\nMiddle paragraph is old.\n\n")
    end = start + len(b"Closing line stays.")
    human.comments["c1"] = {"body": "nice", "start": raw.sticky_index(start, Assoc.AFTER)
                            .encode(), "end": raw.sticky_index(end, Assoc.BEFORE).encode()}
    human._flush()
    new = "Intro line stays.\n\nMiddle paragraph is NEW and longer.\n\nClosing line stays.\n"
    model.add_response(ToolCalls([ToolCall("rewrite_canvas", {"content": new})],
                                 arguments_chunk_size=6, chunk_delay=0.02))
    message = start_turn(doc_canvas, "Rewrite it")
    drafts: list[str] = []
    runner = threading.Thread(target=run, args=(message,))
    runner.start()
    typed = False
    while runner.is_alive():
        doc = persistence.load_doc(str(doc_canvas.id))
        draft = str(doc.get("draft", type=Text))
        if draft:
            drafts.append(draft)
            if not typed and len(draft) > 20:
                # Someone types into an unchanged paragraph while the model writes.
                human.sync()
                human.insert(len("Intro line"), " (edited by a person)")
                typed = True
        time.sleep(0.01)
    runner.join()
    assert typed and drafts, "the draft was visible while the rewrite streamed"
    final = text_of(doc_canvas)
    assert final == new.replace("Intro line", "Intro line (edited by a person)")
    doc = persistence.load_doc(str(doc_canvas.id))
    assert str(doc.get("draft", type=Text)) == ""
    content = doc.get("content", type=Text)
    comment = doc.get("comments", type=__import__("pycrdt").Map)["c1"]
    s = decode_sticky(content, comment["start"])
    e = decode_sticky(content, comment["end"])
    assert final[s:e] == "Closing line stays."
    message.refresh_from_db()
    assert message.action == "rewrite" and message.summary == "Rewrote the canvas"


def test_rewrite_of_an_empty_canvas_types_into_content(model, doc_canvas):
    model.add_response(ToolCalls([ToolCall("rewrite_canvas", {"content": "# Hello 👋\n"})]))
    message = run(start_turn(doc_canvas, "Write a greeting"))
    assert text_of(doc_canvas) == "# Hello 👋\n"
    assert message.action == "rewrite"


def test_comments_are_anchored_and_stay_on_their_words(model, doc_canvas):
    human = Human(doc_canvas.id)
    human.insert(0, "Teh cat sat on the mat.\n")
    model.add_response(ToolCalls([ToolCall("comment_canvas", {"comments": [
        {"find": "Teh", "comment": "Typo", "suggestion": "The"}]})]))
    message = run(start_turn(doc_canvas, shortcut="suggest", text="Suggest edits"))
    assert message.summary == "Left 1 comment" and message.action == "comment"
    human.sync()
    human.insert(0, "Ünïcode prefix 😀 ")
    doc = persistence.load_doc(str(doc_canvas.id))
    content = doc.get("content", type=Text)
    [(cid, comment)] = doc.get("comments", type=__import__("pycrdt").Map).items()
    text = str(content)
    s = decode_sticky(content, comment["start"])
    e = decode_sticky(content, comment["end"])
    assert text[s:e] == "Teh" and comment["suggestion"] == "The"
    assert comment["author"] == "fake-model"


def test_selection_scoped_edits_refuse_text_outside(model, doc_canvas):
    Human(doc_canvas.id).insert(0, "First: apples.\nSecond: apples.\n")
    doc = persistence.load_doc(str(doc_canvas.id))
    anchored = selection.anchor(doc, {"from": 15, "to": 30, "quote": "Second: apples."})
    model.add_response(
        ToolCalls([ToolCall("edit_canvas", {"edits": [
            {"find": "First: apples.", "replace": "First: pears."},
            {"find": "apples", "replace": "oranges"}]})]),
        ToolCalls([ToolCall("edit_canvas", {"edits": [
            {"find": "First", "replace": "1st"}]})]),
    )
    message = run(start_turn(doc_canvas, "Change the fruit", selection=anchored))
    assert text_of(doc_canvas) == "First: apples.\nSecond: oranges.\n"
    assert "outside the selected text" in message.summary
    assert "Second: apples." in model.chat_requests[0].messages[-1]["content"]


@pytest.mark.parametrize("call, problem", [
    (ToolCall("edit_canvas", '{"edits": [{"find": "x", '), "not valid JSON"),
    (ToolCall("delete_everything", {}), "unknown tool"),
    (ToolCall("edit_canvas", {"edits": "nope"}), "must be a list"),
])
def test_malformed_tool_calls_are_reported_and_harm_nothing(model, doc_canvas, call, problem):
    Human(doc_canvas.id).insert(0, "Keep me.\n")
    model.add_response(ToolCalls([call]), ToolCalls([call]))
    message = run(start_turn(doc_canvas))
    assert text_of(doc_canvas) == "Keep me.\n"
    assert message.status == "done"
    assert "could not be applied" in message.summary
    results = json.loads(model.chat_requests[1].messages[-1]["content"])["results"]
    assert problem in results[0]["error"]


@pytest.mark.parametrize("responses, reason", [
    ([Error(500), Error(500), Error(500)], "answered with an error (500)"),
    ([Error(429, retry_after=0.05)] * 3, "rate-limiting"),
    ([Reply(text="partial", truncate=True)], "stopped before it was complete"),
    ([Reply(text="x" * 50, drop_after=4), Reply(text="y" * 50, drop_after=4)], "broke off"),
    ([Reply(garbage=True), Reply(garbage=True)], "could not be read"),
    ([Error(401)], "rejected the API key"),
])
def test_provider_failures_end_in_a_clear_message(model, doc_canvas, responses, reason):
    Human(doc_canvas.id).insert(0, "Untouched.\n")
    model.add_response(*responses)
    message = run(start_turn(doc_canvas))
    assert message.status == "failed"
    assert reason in message.error
    assert text_of(doc_canvas) == "Untouched.\n"


def test_rate_limit_is_retried_honouring_retry_after(model, doc_canvas):
    model.add_response(Error(429, retry_after=0.2), Reply(text="Hi there"))
    started = time.monotonic()
    message = run(start_turn(doc_canvas))
    assert message.status == "done" and message.text == "Hi there"
    assert time.monotonic() - started >= 0.2
    assert len(model.chat_requests) == 2


def test_timeout_ends_the_turn(model, doc_canvas, settings):
    settings.CANVAS_MODEL_TIMEOUT = 0.5
    settings.CANVAS_MODEL_RETRIES = 0
    model.add_response(Reply(text="late", delay=3))
    message = run(start_turn(doc_canvas))
    assert message.status == "failed" and "did not answer in time" in message.error


def test_a_stream_that_never_ends_is_stopped_at_the_deadline(model, doc_canvas, settings):
    settings.CANVAS_MODEL_DEADLINE = 0.5
    Human(doc_canvas.id).insert(0, "Untouched.\n")
    model.add_response(Reply(text="Thinking", endless=True, chunk_delay=0.05))
    message = run(start_turn(doc_canvas))
    assert message.status == "failed" and "went on too long" in message.error
    assert text_of(doc_canvas) == "Untouched.\n"


def test_stop_mid_stream_keeps_what_was_applied(model, doc_canvas):
    """Edits the turn had applied (in its fork) when Stop came are merged; the rest never."""
    Human(doc_canvas.id).insert(0, "a1 b1 c1\n")
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "a1", "replace": "A1"}, {"find": "b1", "replace": "B1"},
        {"find": "c1", "replace": "C1"}]})], arguments_chunk_size=3, chunk_delay=0.1))
    message = start_turn(doc_canvas)
    runner = threading.Thread(target=run, args=(message,))
    runner.start()
    while not model.chat_requests:
        time.sleep(0.02)
    # One argument chunk every 0.1 s: the first edit is complete after about 1.7 s, the
    # third not before 3.7 s. Stop half-way between, with most of a second either side.
    time.sleep(2.6)
    request_stop(message.id)
    runner.join(10)
    message.refresh_from_db()
    assert message.status == "cancelled"
    assert "Stopped: what was already applied stays" in message.summary
    assert text_of(doc_canvas) in ("A1 b1 c1\n", "A1 B1 c1\n")


def test_undo_this_edit_after_others_edited(model, doc_canvas):
    human = Human(doc_canvas.id)
    human.insert(0, "Hello world. Second sentence.\n")
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "Hello world.", "replace": "Howdy, planet!"}]})]))
    message = run(start_turn(doc_canvas))
    human.sync()
    human.insert(len(human.get()), "A person adds this.\n")
    human.insert(len("Howdy, planet! Second"), " (kept)")
    undo_turn(message)
    assert text_of(doc_canvas) == "Hello world. Second (kept) sentence.\nA person adds this.\n"
    message.refresh_from_db()
    assert message.undone


def test_turns_on_one_canvas_are_queued_not_interleaved(model, doc_canvas):
    Human(doc_canvas.id).insert(0, "x\n")
    model.add_response(Reply(text="first answer", chunk_delay=0.05),
                       Reply(text="second answer"))
    first, second = start_turn(doc_canvas, "one"), start_turn(doc_canvas, "two")
    threads = [threading.Thread(target=run, args=(m,)) for m in (first, second)]
    threads[0].start()
    time.sleep(0.1)
    threads[1].start()
    for thread in threads:
        thread.join(20)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.text, second.text) == ("first answer", "second answer")
    assert first.status == second.status == "done"


def test_without_a_model_the_turn_says_how_to_connect_one(doc_canvas, settings):
    settings.OPENAI_API_KEY = settings.OPENAI_BASE_URL = ""
    message = run(start_turn(doc_canvas))
    assert message.status == "failed" and "OPENAI_API_KEY" in message.error


def test_port_shortcut_creates_a_linked_code_canvas(model, make_user):
    from canvas.services import create_canvas

    owner = make_user("porter")
    source = create_canvas(owner, "Greeter", "code", "python")
    Human(source.id).insert(0, "def greet(name):\n    return f'Hi {name}'\n")
    ported = "export function greet(name) {\n  return `Hi ${name}`;\n}\n"
    model.add_response(ToolCalls([ToolCall("rewrite_canvas", {"content": ported})]))
    message = run(start_turn(source, "Port to JavaScript", shortcut="port",
                             selection={"language": "javascript"}))
    assert message.status == "done" and message.linked_canvas is not None
    target = message.linked_canvas
    assert (target.kind, target.language, target.owner) == ("code", "javascript", owner)
    assert "(javascript)" in target.title
    assert text_of(target) == ported
    assert text_of(source) == "def greet(name):\n    return f'Hi {name}'\n"  # untouched
    assert "JavaScript" in model.chat_requests[0].messages[-1]["content"] or \
        "javascript" in model.chat_requests[0].messages[-1]["content"]


def test_canvases_too_large_for_the_context_send_a_window_and_say_so(model, doc_canvas,
                                                                       settings):
    from canvas.assistant import prompts

    big = "".join(f"Line {i:05d} of a long canvas.\n" for i in range(4000))
    assert len(big) > prompts.MAX_CANVAS_CHARS
    Human(doc_canvas.id).insert(0, big)
    at = big.index("Line 03500")
    anchored = selection.anchor(persistence.load_doc(str(doc_canvas.id)),
                                {"from": at, "to": at + 10, "quote": "Line 03500"})
    model.add_response(Reply(text="ok"))
    run(start_turn(doc_canvas, "Fix this line", selection=anchored))
    sent = model.chat_requests[0].messages[-1]["content"]
    assert "you see characters" in sent and "Line 03500" in sent
    assert "Line 00000" not in sent and len(sent) < prompts.MAX_CANVAS_CHARS + 2000
