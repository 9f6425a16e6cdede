"""The chat form endpoint and the chat socket: who may ask, and what bad input gets."""

import asyncio
import json
import time

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from canvas.models import Message
from tests.assistant.conftest import Human, canvas_text
from tests.fakes.openai_server import Reply, ToolCall, ToolCalls

pytestmark = pytest.mark.django_db(transaction=True)


def post(client, canvas, **data):
    return client.post(reverse("chat_post", args=[canvas.id]), data,
                       headers={"HX-Request": "true"})


@pytest.fixture
def owner_client(client, cast):
    client.force_login(cast.owner)
    return client


def wait_done(message_id, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = Message.objects.get(id=message_id)
        if message.status != "streaming":
            return message
        time.sleep(0.05)
    raise AssertionError("turn did not finish")


def test_a_message_starts_a_turn_that_answers(owner_client, cast, model):
    model.add_response(Reply(text="Hello there 👋"))
    response = post(owner_client, cast.canvas, text="Hi assistant")
    assert response.status_code == 200
    assert "Hi assistant" in response.content.decode()
    mine = Message.objects.get(is_assistant=False)
    answer = Message.objects.get(is_assistant=True)
    assert mine.author == cast.owner and answer.reply_to == mine
    assert wait_done(answer.id).text == "Hello there 👋"


def test_viewers_cannot_start_turns_and_strangers_get_404(client, cast, model):
    client.force_login(cast.viewer)
    assert post(client, cast.canvas, text="let me edit").status_code == 403
    client.force_login(cast.stranger)
    assert post(client, cast.canvas, text="hello?").status_code == 404
    assert Message.objects.count() == 0


@pytest.mark.parametrize("data, status, words", [
    ({"text": "   "}, 400, "Write a message first"),
    ({"text": "x" * 8001}, 400, "limited to 8000"),
    ({"shortcut": "explode"}, 400, "Unknown shortcut"),
    ({"shortcut": "review"}, 400, "Unknown shortcut"),  # a code shortcut on a document
    ({"text": "hi", "selection": "{not json"}, 400, "selection is not valid"),
    ({"text": "hi", "selection": json.dumps({"from": 0, "to": 3, "quote": "zzz"})}, 400,
     "no longer in the canvas"),
    ({"text": "hi", "selection": "[" * 100_000 + "]" * 100_000}, 400, "selection is not valid"),
    ({"text": "hi", "selection": json.dumps({"from": 0, "quote": "Some", "x": "y" * 2_000_000})},
     400, "selection is too large"),
    ({"text": "hi", "selection": json.dumps({"from": 0, "to": "9" * 1000, "quote": "Some"})},
     400, "selection is not valid"),
    ({"text": "hi", "selection": json.dumps({"from": 5, "to": 2, "quote": "Some"})},
     400, "selection is not valid"),
    ({"text": "hi", "selection": json.dumps([1, 2])}, 400, "selection is not valid"),
])
def test_bad_requests_are_refused_with_a_notice(owner_client, cast, model, data, status, words):
    Human(cast.canvas.id).insert(0, "Some text.\n")
    response = post(owner_client, cast.canvas, **data)
    assert response.status_code == status
    assert response["X-Canvas-Notice"] == "1" and words in response.content.decode()
    assert Message.objects.count() == 0


def test_without_a_model_the_form_is_refused_and_the_page_says_how(owner_client, cast,
                                                                    settings):
    settings.OPENAI_API_KEY = settings.OPENAI_BASE_URL = ""
    response = post(owner_client, cast.canvas, text="hello")
    assert response.status_code == 503 and "OPENAI_API_KEY" in response.content.decode()
    page = owner_client.get(reverse("canvas_page", args=[cast.canvas.id])).content.decode()
    assert "No model is connected" in page


def test_many_requests_are_rate_limited(owner_client, cast, model, settings):
    settings.CANVAS_TURNS_PER_MINUTE = 2
    model.default_response = Reply(text="ok")
    statuses = [post(owner_client, cast.canvas, text=f"q{i}").status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    assert Message.objects.filter(is_assistant=False).count() == 2


def test_selection_is_anchored_on_the_server(owner_client, cast, model):
    Human(cast.canvas.id).insert(0, "Zoë 😀 likes tea. Zoë 😀 likes tea.\n")
    model.add_response(Reply(text="ok"))
    # UTF-16 offset of the second sentence: the emoji counts two units in the browser.
    selection = {"from": 19, "to": 36, "quote": "Zoë 😀 likes tea."}
    assert post(owner_client, cast.canvas, text="shorter",
                selection=json.dumps(selection)).status_code == 200
    stored = Message.objects.get(is_assistant=False).selection
    assert stored["quote"] == "Zoë 😀 likes tea." and stored["start"] and stored["end"]


def test_stop_before_a_worker_takes_the_turn(owner_client, cast):
    answer = Message.objects.create(canvas=cast.canvas, is_assistant=True,
                                    status=Message.Status.STREAMING)
    response = owner_client.post(reverse("turn_stop", args=[cast.canvas.id, answer.id]))
    assert response.status_code == 204
    answer.refresh_from_db()
    assert answer.status == "cancelled"


async def test_chat_socket_refuses_non_members_and_sends_history(cast, live_server_url):
    url = live_server_url.replace("http", "ws") + f"/ws/canvases/{cast.canvas.id}/chat"
    await sync_to_async(Message.objects.create)(canvas=cast.canvas, author=cast.owner,
                                                text="earlier <b>message</b>")
    with pytest.raises(InvalidStatus):
        await connect(url, additional_headers={
            "Origin": live_server_url, "Cookie": f"sessionid={cast.sessions['stranger']}"})
    async with connect(url, additional_headers={
            "Origin": live_server_url,
            "Cookie": f"sessionid={cast.sessions['viewer']}"}) as ws:
        history = await asyncio.wait_for(ws.recv(), 5)
    assert "earlier &lt;b&gt;message&lt;/b&gt;" in history


def failed_turn(canvas, asker, text="Tidy the intro", shortcut="", selection=None) -> Message:
    asked = Message.objects.create(canvas=canvas, author=asker, text=text, shortcut=shortcut,
                                   selection=selection)
    return Message.objects.create(canvas=canvas, is_assistant=True, reply_to=asked,
                                  status=Message.Status.FAILED, error="The model broke.")


def retry(client, answer):
    return client.post(reverse("turn_retry", args=[answer.canvas_id, answer.id]),
                       headers={"HX-Request": "true"})


def test_retry_asks_the_same_again_as_a_new_turn(client, cast, model):
    Human(cast.canvas.id).insert(0, "Zoë 😀 likes tea.\n")
    anchored = {"from": 0, "to": 16, "quote": "Zoë 😀 likes tea."}
    client.force_login(cast.owner)
    post(client, cast.canvas, text="Make it formal", selection=json.dumps(anchored))
    first = wait_done(Message.objects.get(is_assistant=True).id)
    Message.objects.filter(id=first.id).update(status=Message.Status.FAILED)
    model.add_response(Reply(text="Zoë 😀 enjoys tea."))

    client.force_login(cast.editor)  # an editor may retry someone else's request
    assert retry(client, first).status_code == 204
    again = Message.objects.filter(is_assistant=False).latest("id")
    assert again.id != first.reply_to_id and again.author == cast.editor
    assert again.text == "Make it formal" and again.selection == first.reply_to.selection
    answer = Message.objects.get(reply_to=again)
    assert wait_done(answer.id).text == "Zoë 😀 enjoys tea."
    assert model.chat_requests[-1].messages[-1]["content"].endswith("Make it formal")


def test_the_asker_may_retry_other_commenters_and_viewers_may_not(client, cast, make_user,
                                                                  model):
    from canvas.models import Membership, Role

    other = make_user("other-commenter")
    Membership.objects.create(canvas=cast.canvas, user=other, role=Role.COMMENTER)
    answer = failed_turn(cast.canvas, cast.commenter)
    for user, status in ((cast.viewer, 403), (other, 403), (cast.stranger, 404)):
        client.force_login(user)
        assert retry(client, answer).status_code == status, user
    assert Message.objects.count() == 2
    model.add_response(Reply(text="ok"))
    client.force_login(cast.commenter)
    assert retry(client, answer).status_code == 204
    assert Message.objects.filter(is_assistant=False, author=cast.commenter).count() == 2


def test_only_failed_and_stopped_turns_are_retried(owner_client, cast, model):
    answer = failed_turn(cast.canvas, cast.owner)
    for status in (Message.Status.DONE, Message.Status.STREAMING):
        Message.objects.filter(id=answer.id).update(status=status)
        response = retry(owner_client, answer)
        assert response.status_code == 400 and "failed or was stopped" in response.content.decode()
    assert Message.objects.count() == 2
    Message.objects.filter(id=answer.id).update(status=Message.Status.CANCELLED)
    model.add_response(Reply(text="Tidied."))
    assert retry(owner_client, answer).status_code == 204
    again = Message.objects.filter(is_assistant=True).latest("id")
    assert again.reply_to.text == "Tidy the intro"
    assert wait_done(again.id).text == "Tidied."


def test_a_commenter_cannot_retry_a_shortcut_that_edits(client, cast, model):
    answer = failed_turn(cast.canvas, cast.commenter, text="Shorter", shortcut="shorter")
    client.force_login(cast.commenter)
    assert retry(client, answer).status_code == 403
    assert Message.objects.count() == 2


def test_messages_name_the_assistant_and_render_markdown(owner_client, cast, settings):
    settings.CANVAS_MODEL = "model-now"
    asked = Message.objects.create(canvas=cast.canvas, author=cast.owner, text="a\nb *c*")
    Message.objects.create(canvas=cast.canvas, is_assistant=True, reply_to=asked,
                           text="**Tip:** `x`", model="model-x")
    page = owner_client.get(reverse("canvas_page", args=[cast.canvas.id])).content.decode()
    assert '<strong class="chat-author">✦ Assistant</strong>' in page
    # The model that answered, as stored with the answer, not the one configured now.
    assert '<span class="chat-author-detail">model-x</span>' in page
    assert "model-now" not in page
    assert "<strong>Tip:</strong> <code>x</code>" in page
    assert "<p>a<br>\nb <em>c</em></p>" in page
    assert f'data-author-id="{cast.owner.id}"' in page and "Edit and resend" in page
    # The browser marks this person's own requests by it (frontend/src/chat/ownership.js).
    assert f'aria-label="Chat" data-user-id="{cast.owner.id}"' in page


def test_a_turn_keeps_the_model_that_answered_and_older_turns_name_none(owner_client, cast,
                                                                         model, settings):
    from canvas.chat import render_message

    model.add_response(Reply(text="Hello"))
    post(owner_client, cast.canvas, text="Hi")
    answer = wait_done(Message.objects.get(is_assistant=True).id)
    assert answer.model == settings.CANVAS_MODEL
    settings.CANVAS_MODEL = "a-later-model"
    html = render_message(answer)
    assert f'<span class="chat-author-detail">{answer.model}</span>' in html
    assert "a-later-model" not in html
    # An answer from before the model was kept: the name alone, no detail.
    Message.objects.filter(id=answer.id).update(model="")
    html = render_message(Message.objects.get(id=answer.id))
    assert '<strong class="chat-author">✦ Assistant</strong>' in html
    assert "chat-author-detail" not in html


def test_an_answer_says_waiting_only_behind_another(owner_client, cast):
    from canvas.chat import render_message

    first = failed_turn(cast.canvas, cast.owner)
    Message.objects.filter(id=first.id).update(status=Message.Status.STREAMING)
    second = failed_turn(cast.canvas, cast.owner, text="And this")
    Message.objects.filter(id=second.id).update(status=Message.Status.STREAMING)
    first.refresh_from_db()
    second.refresh_from_db()
    assert ">Reading…<" in render_message(first)
    assert ">Waiting for its turn…<" in render_message(second)


def test_a_message_posted_while_the_channel_layer_is_away_is_answered(
        owner_client, cast, model, monkeypatch):
    """Redis restarting: the post is saved and its turn edits the canvas and ends; only the
    live push to open chat sockets is lost (they render the history when they reconnect).
    It used to end the request with a 500."""
    from collab import broadcast

    refused: list[str] = []

    class AwayLayer:
        async def group_send(self, group, message):
            refused.append(message["type"])
            raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(broadcast, "get_channel_layer", AwayLayer)
    Human(cast.canvas.id).insert(0, "Alpha beta.\n")
    model.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "beta", "replace": "gamma"}]})], text="Done."))
    response = post(owner_client, cast.canvas, text="Change beta")
    assert response.status_code == 200 and "Change beta" in response.content.decode()
    answer = Message.objects.get(is_assistant=True)
    done = wait_done(answer.id)
    assert (done.status, done.text) == ("done", "Done.")
    assert canvas_text(cast.canvas) == "Alpha gamma.\n"
    assert {"chat.html", "chat.queue", "canvas.update"} <= set(refused)
