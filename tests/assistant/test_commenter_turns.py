"""A commenter's requests: the model may answer and comment, never change the text."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pycrdt import Doc, Map

from canvas.models import Membership, Message, Role
from collab import persistence
from tests.assistant.conftest import Human, canvas_text, run_turn
from tests.fakes.openai_server import ToolCall, ToolCalls

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "The shop opens at nine and closes at fiev."


@pytest.fixture
def carol(doc_canvas, make_user):
    carol = make_user("carol")
    Membership.objects.create(canvas=doc_canvas, user=carol, role=Role.COMMENTER)
    Human(doc_canvas.id).insert(0, TEXT)
    return carol


def ask(canvas, who, text: str) -> Message:
    request = Message.objects.create(canvas=canvas, author=who, text=text)
    return Message.objects.create(canvas=canvas, is_assistant=True, reply_to=request,
                                  status=Message.Status.STREAMING)


def comments(canvas) -> list[dict]:
    doc = Doc()
    persistence.apply_all(doc, persistence.load(str(canvas.id)).updates)
    return list(doc.get("comments", type=Map).to_py().values())


def test_a_commenters_turn_is_offered_only_the_comment_tool_and_its_edits_are_refused(
        model, doc_canvas, carol):
    model.add_response(ToolCalls([
        ToolCall("edit_canvas", {"edits": [{"find": "fiev", "replace": "five"}]}),
        ToolCall("rewrite_canvas", {"content": "Something else entirely."}),
        ToolCall("comment_canvas", {"comments": [{"find": "fiev", "comment": "Typo",
                                                  "suggestion": "five"}]}),
    ]))
    message = run_turn(ask(doc_canvas, carol, "Fix the typo"))

    offered = [t["function"]["name"] for t in model.chat_requests[0].json["tools"]]
    assert offered == ["comment_canvas"]
    system_and_prompt = " ".join(str(m["content"]) for m in model.chat_requests[0].messages)
    assert "may comment but not change the text" in system_and_prompt
    assert canvas_text(doc_canvas) == TEXT
    assert message.status == "done" and message.action == "comment"
    assert "may only comment" in message.summary
    [note] = comments(doc_canvas)
    assert note["body"] == "Typo" and note["assistant"] is True and note["quote"] == "fiev"


def test_an_editors_turn_still_edits(model, doc_canvas, carol):
    bob = Membership.objects.get(canvas=doc_canvas, role=Role.EDITOR).user
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "fiev", "replace": "five"}]})]))
    message = run_turn(ask(doc_canvas, bob, "Fix the typo"))
    assert message.status == "done"
    assert canvas_text(doc_canvas) == TEXT.replace("fiev", "five")
    assert len(model.chat_requests[0].json["tools"]) == 3


def test_a_request_made_as_editor_runs_as_commenter_after_a_demotion(model, doc_canvas,
                                                                     carol):
    bob_membership = Membership.objects.get(canvas=doc_canvas, role=Role.EDITOR)
    message = ask(doc_canvas, bob_membership.user, "Fix the typo")
    bob_membership.role = Role.COMMENTER  # demoted while the request waited
    bob_membership.save()
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "fiev", "replace": "five"}]})]))
    message = run_turn(message)
    assert canvas_text(doc_canvas) == TEXT


def test_a_request_by_someone_removed_meanwhile_fails_with_a_reason(model, doc_canvas, carol):
    message = ask(doc_canvas, carol, "Review this")
    Membership.objects.filter(user=carol).delete()
    message = run_turn(message)
    assert message.status == "failed" and "no longer has access" in message.error
    assert not model.chat_requests


def test_commenters_chat_and_use_comment_shortcuts_but_not_editing_ones(model, client,
                                                                       doc_canvas, carol):
    client.force_login(carol)
    url = reverse("chat_post", args=[doc_canvas.id])
    page = client.get(reverse("canvas_page", args=[doc_canvas.id])).content.decode()
    assert 'id="chat-form"' in page and 'data-can-comment="true"' in page
    assert 'data-readonly="true"' in page
    assert 'value="suggest"' in page and 'value="shorter"' not in page

    refused = client.post(url, {"shortcut": "shorter"})
    assert refused.status_code == 403 and "may only comment" in refused.content.decode()
    model.add_response("It opens at nine.")
    assert client.post(url, {"text": "When does it open?"}).status_code == 200
    model.add_response(ToolCalls([ToolCall("comment_canvas", {"comments": [
        {"find": "fiev", "comment": "Typo?"}]})]))
    assert client.post(url, {"shortcut": "suggest"}).status_code == 200
    assert Message.objects.filter(canvas=doc_canvas, author=carol).count() == 2
    assert canvas_text(doc_canvas) == TEXT


def test_viewers_still_cannot_chat(model, client, doc_canvas, make_user):
    dan = make_user("dan")
    Membership.objects.create(canvas=doc_canvas, user=dan, role=Role.VIEWER)
    client.force_login(dan)
    response = client.post(reverse("chat_post", args=[doc_canvas.id]), {"text": "hi"})
    assert response.status_code == 403
    assert not Message.objects.exists()
