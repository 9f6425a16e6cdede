"""The model misbehaving (issue #14), through the production stack: each case must end in a
clear message in the chat, and leave the canvas as people left it."""

from __future__ import annotations

import asyncio
import html
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from pycrdt import Text
from websockets.asyncio.client import connect

from collab.client import SyncClient
from tests.fakes.openai_server import (
    Error,
    FakeOpenAI,
    Reply,
    ScriptedResponse,
    ToolCall,
    ToolCalls,
)
from tests.stress import report
from tests.stress.soak import progress
from tests.stress.stack import Stack
from tests.sync.helpers import converge, http_post, session_id, sync_url

pytestmark = [pytest.mark.stress, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(900)]

SEED = "Keep this text exactly as it is: ünïcode, 漢字 and 😀.\n"
TIMEOUT = 2.0  # CANVAS_MODEL_TIMEOUT of this stack: seconds without a byte from the model
DEADLINE = 8.0  # CANVAS_MODEL_DEADLINE of this stack: seconds for one whole answer


@dataclass
class Case:
    name: str
    responses: list[ScriptedResponse]
    status: str  # how the assistant message ends
    says: str  # what the chat shows (error or summary)


def stall(text: str) -> Reply:
    """Some text, then silence longer than the client's read timeout."""
    return Reply(text=text, chunk_size=len(text), stall_after=2)


CASES = [
    Case("429 with Retry-After, then an answer", [Error(429, retry_after=1), Reply(text="Hi.")],
         "done", "Hi."),
    Case("429 with Retry-After, every time", [Error(429, retry_after=0.5)] * 3, "failed",
         "rate-limiting requests (429)"),
    Case("500 every time", [Error(500)] * 3, "failed", "answered with an error (500)"),
    Case("timeout mid-stream", [stall("Let me look at that"), stall("Again")], "failed",
         "broke off mid-answer"),
    Case("truncated JSON arguments",
         [ToolCalls([ToolCall("edit_canvas", '{"edits": [{"find": "Keep th')])] * 2, "done",
         "could not be applied"),
    Case("stream cut before the end", [Reply(text="Partial", truncate=True)], "failed",
         "stopped before it was complete"),
    Case("unknown tool", [ToolCalls([ToolCall("delete_everything", {"all": True})])] * 2,
         "done", "unknown tool delete_everything"),
    Case("a stream that never ends", [Reply(text="Thinking", endless=True, chunk_delay=0.1)],
         "failed", "went on too long"),
]


async def run_case(case: Case, stack: Stack, people: dict) -> tuple[bool, str]:
    from canvas.models import Message
    from canvas.services import create_canvas

    canvas = await sync_to_async(create_canvas)(people["owner"], case.name, "document")
    session = people["session"]
    base = stack.asgi[0].url
    person = await SyncClient(sync_url(stack.asgi[1].url, canvas.id), session).connect()
    person.insert(0, SEED)
    await converge([person], canvas.id)
    fragments: list[str] = []
    chat_url = base.replace("http", "ws") + f"/ws/canvases/{canvas.id}/chat"
    headers = {"Origin": base, "Cookie": f"sessionid={session}"}
    async with connect(chat_url, additional_headers=headers) as chat:
        async def listen() -> None:
            async for fragment in chat:
                fragments.append(fragment)

        listener = asyncio.create_task(listen())
        stack.model.add_response(*case.responses)
        started = time.monotonic()
        response = await http_post(base, session, f"/canvases/{canvas.id}/messages",
                                   {"text": "Please improve this"})
        assert response.status_code == 200, response.text[:200]

        def ended():
            return Message.objects.filter(canvas=canvas, is_assistant=True).exclude(
                status="streaming").first()

        message = None
        while message is None and time.monotonic() - started < 120:
            await asyncio.sleep(0.2)
            message = await sync_to_async(ended)()
        seconds = time.monotonic() - started
        await asyncio.sleep(0.5)  # the final fragment
        listener.cancel()
    stack.model.reset()  # what a case did not use must not reach the next
    text = await converge([person], canvas.id)
    draft = str(person.doc.get("draft", type=Text))
    await person.close()
    if message is None:
        return False, "no end after 120 s"
    shown = message.error or message.summary or message.text
    in_chat = any(case.says in html.unescape(f) for f in fragments)
    ok = (message.status == case.status and case.says in shown and in_chat
          and text == SEED and not draft)
    return ok, (f"{message.status} in {seconds:.1f} s: {shown[:70]!r}"
                + ("" if in_chat else " (not in the chat)")
                + ("" if text == SEED and not draft else " CANVAS CHANGED"))


async def test_the_model_misbehaving(stress_services) -> None:
    from django.contrib.auth import get_user_model

    postgres, redis = stress_services
    log_dir = Path(tempfile.mkdtemp(prefix="canvas-stress-model-"))
    owner = await sync_to_async(get_user_model().objects.create_user)("modeller",
                                                                      password=None)
    people = {"owner": owner, "session": await sync_to_async(session_id)(owner)}
    failures = []
    with FakeOpenAI() as model:
        stack = Stack(log_dir, postgres, redis, model, CANVAS_MODEL_TIMEOUT=str(TIMEOUT),
                      CANVAS_MODEL_DEADLINE=str(DEADLINE))
        await asyncio.to_thread(stack.start)
        try:
            for case in CASES:
                progress(f"model: {case.name}")
                ok, figures = await run_case(case, stack, people)
                report.add(f"model: {case.name}", ok, figures)
                if not ok:
                    failures.append(f"{case.name}: {figures}")
        finally:
            await asyncio.to_thread(stack.stop)
            progress(f"logs of this run: {log_dir}")
    assert not failures, failures
