"""The production path (issue test 7): Redis, a real `celery worker` process, PostgreSQL,
and the edits reaching clients connected to the ASGI server."""

from __future__ import annotations

import asyncio
import os
import signal

import httpx
import pytest
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect

from canvas.models import Message
from collab.client import SyncClient
from tests.conftest import CeleryWorker
from tests.fakes.openai_server import ToolCall, ToolCalls
from tests.sync.helpers import converge, http_post, stored_text

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stack(fake_openai, asgi_server_factory, tmp_path):
    assert os.environ.get("REDIS_URL"), "integration runs set REDIS_URL"
    env = {"OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "test-key",
           "CANVAS_MODEL": "fake-model", "CANVAS_TURN_STALE_AFTER": "3"}
    server = asgi_server_factory(**env)
    worker = CeleryWorker(tmp_path / "worker.log", env)
    yield server, worker.start().process, fake_openai
    worker.stop()


async def post_message(base_url: str, session: str, canvas_id, text: str) -> httpx.Response:
    return await http_post(base_url, session, f"/canvases/{canvas_id}/messages",
                           {"text": text}, page=f"/canvases/{canvas_id}/")


async def wait_for(predicate, timeout: float = 20):
    for _ in range(int(timeout / 0.1)):
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def test_turn_runs_on_a_celery_worker_and_reaches_clients(cast, stack):
    server, worker, fake = stack
    person = await SyncClient(cast.url(server.url), cast.sessions["owner"]).connect()
    person.insert(0, "Hello world, from the production path.\n")
    await converge([person], cast.canvas.id)
    fake.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "Hello world", "replace": "Hallo Welt 🌍"}]})], text="Done."))
    response = await post_message(server.url, cast.sessions["owner"], cast.canvas.id,
                                  "Translate the greeting")
    assert response.status_code == 200 and "Translate the greeting" in response.text
    await wait_for(lambda: asyncio.sleep(0, "Hallo Welt 🌍" in person.get_text()))
    assert await converge([person], cast.canvas.id) == \
        "Hallo Welt 🌍, from the production path.\n"
    answer = await sync_to_async(Message.objects.get)(is_assistant=True)
    await wait_for(lambda: sync_to_async(
        lambda: Message.objects.get(id=answer.id).status == "done")())
    assert worker.poll() is None
    await person.close()


async def test_killing_the_worker_mid_turn_fails_the_message_not_the_document(cast, stack):
    server, worker, fake = stack
    person = await SyncClient(cast.url(server.url), cast.sessions["owner"]).connect()
    person.insert(0, "alpha beta gamma\n")
    await converge([person], cast.canvas.id)
    fake.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "alpha", "replace": "ALPHA"}, {"find": "beta", "replace": "BETA"},
        {"find": "gamma", "replace": "GAMMA"}]})], arguments_chunk_size=2, chunk_delay=0.15))
    await post_message(server.url, cast.sessions["owner"], cast.canvas.id, "Shout")
    await wait_for(lambda: asyncio.sleep(0, "ALPHA" in person.get_text()))
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    # Someone watching the chat: the server notices the dead turn within seconds.
    headers = {"Origin": server.url, "Cookie": f"sessionid={cast.sessions['owner']}"}
    chat_url = server.url.replace("http", "ws") + f"/ws/canvases/{cast.canvas.id}/chat"
    async with connect(chat_url, additional_headers=headers) as chat:
        history = await asyncio.wait_for(chat.recv(), 5)
        assert "chat-messages" in history

        async def failed():
            message = await sync_to_async(Message.objects.get)(is_assistant=True)
            return message if message.status == "failed" else None

        message = await wait_for(failed, timeout=20)
    assert "interrupted" in message.error
    text = await converge([person], cast.canvas.id)
    assert text.startswith("ALPHA") and "GAMMA" not in text
    assert text == await stored_text(cast.canvas.id)
    await person.close()
