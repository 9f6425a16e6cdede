"""The shared request queue: requests made while a turn runs wait in order, visibly; the
person who asked may cancel or edit theirs, the owner may reorder; each turn reads the
canvas as it is when it starts, and hears what the turn before it did."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from canvas.assistant import queue
from canvas.models import Membership, Message, Role
from tests.assistant.conftest import GATE, Human, canvas_text
from tests.conftest import wait_until
from tests.fakes.openai_server import Reply, ToolCall, ToolCalls

pytestmark = pytest.mark.django_db(transaction=True)

def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(client: Client, canvas, text: str) -> Message:
    response = client.post(reverse("chat_post", args=[canvas.id]), {"text": text})
    assert response.status_code == 200, response.content
    return Message.objects.filter(canvas=canvas, is_assistant=True).latest("id")


def line(canvas) -> list[str]:
    return [m.reply_to.text for m in queue.waiting(canvas.id)]


def test_requests_wait_in_order_and_each_turn_reads_the_canvas_as_it_starts(model, doc_canvas):
    ada = doc_canvas.owner
    bob = Membership.objects.get(canvas=doc_canvas, role=Role.EDITOR).user
    alice_http, bob_http = signed_in(ada), signed_in(bob)
    Human(doc_canvas.id).insert(0, "The shop opens at nine.")
    model.add_response(
        ToolCalls([ToolCall("edit_canvas", {"edits": [{"find": "nine",
                                                         "replace": "half past eight"}]})],
                  gate=GATE),
        Reply(text="Done."))

    first = ask(alice_http, doc_canvas, "Make it earlier")
    wait_until(lambda: len(model.chat_requests) == 1, message="the first turn to ask")
    second = ask(bob_http, doc_canvas, "Add the closing time")
    third = ask(alice_http, doc_canvas, "Say it in French")
    assert line(doc_canvas) == ["Add the closing time", "Say it in French"]
    assert [m.id for m in queue.shown(doc_canvas.id)] == [second.id, third.id]

    # Only the person who asked edits a waiting request; the owner reorders.
    edit = reverse("queue_edit", args=[doc_canvas.id, third.id])
    assert bob_http.post(edit, {"text": "hijacked"}).status_code == 403
    assert alice_http.post(edit, {"text": "Say it in German"}).status_code == 204
    move = reverse("queue_move", args=[doc_canvas.id, third.id])
    assert bob_http.post(move, {"step": "-1"}).status_code == 403
    assert alice_http.post(move, {"step": "-1"}).status_code == 204
    assert line(doc_canvas) == ["Say it in German", "Add the closing time"]
    # bob cancels his; it never runs.
    assert bob_http.post(reverse("turn_stop", args=[doc_canvas.id, second.id])) \
        .status_code == 204
    assert line(doc_canvas) == ["Say it in German"]

    Human(doc_canvas.id).insert(len("The shop opens at nine."), " Closed on Sundays.")
    GATE.set()
    wait_until(lambda: Message.objects.get(id=third.id).status != Message.Status.STREAMING,
               timeout=30, message="the queued turn to run")
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Message.Status.CANCELLED and third.status == Message.Status.DONE
    assert len(model.chat_requests) == 2  # bob's cancelled request never reached the model
    later = model.chat_requests[1].messages
    prompt = later[-1]["content"]
    # The canvas as it was when the turn started: the first turn's edit and the person's.
    assert "The shop opens at half past eight. Closed on Sundays." in prompt
    assert prompt.endswith("Say it in German")
    # And what the turn before it did.
    assert any("[What you did: Edited 1 passage]" in str(m["content"]) for m in later)
    assert line(doc_canvas) == [] and first.id != third.id
    assert canvas_text(doc_canvas) == "The shop opens at half past eight. Closed on Sundays."


def test_a_request_that_started_can_no_longer_be_edited(model, doc_canvas):
    ada = doc_canvas.owner
    model.add_response(Reply(text="Hello.", gate=GATE))
    http = signed_in(ada)
    running = ask(http, doc_canvas, "Say hello")
    wait_until(lambda: len(model.chat_requests) == 1, message="the turn to start")
    response = http.post(reverse("queue_edit", args=[doc_canvas.id, running.id]),
                         {"text": "Say goodbye"})
    assert response.status_code == 400 and "already started" in response.content.decode()
    GATE.set()
