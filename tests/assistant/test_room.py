"""The model sees the room: who is here, where their cursors are, what people edited lately."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from pycrdt import Text

from canvas.assistant import room
from canvas.models import Membership, Role
from collab import persistence, presence_board
from collab.protocol import AwarenessEntry, awareness_frame, encode_awareness
from collab.yjs_positions import Positions
from tests.assistant.conftest import Human, run_turn, start_turn
from tests.sync.helpers import Socket, session_id

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = ("# Opening hours\n\nWe open at nine on weekdays.\n\n"
        "Prices are fair for students.\n\nClosing words: see you soon.\n")


def cursor_at(canvas_id, needle: str, selected: str = "") -> dict:
    """A y-codemirror.next cursor (Yjs relative positions as JSON) on ``needle``."""
    doc = persistence.load_doc(str(canvas_id))
    positions = Positions(doc.get("content", type=Text))
    start = positions.value.index(needle)
    end = start + len(selected) if selected else start
    return {"anchor": positions.to_json(start, 0), "head": positions.to_json(end, 0)}


def presence(user, cursor: dict) -> str:
    return json.dumps({"user": {"id": user.pk, "name": user.username, "color": "#123"},
                       "cursor": cursor})


@pytest.fixture
def bob(doc_canvas):
    return Membership.objects.get(canvas=doc_canvas, role=Role.EDITOR).user


def test_the_prompt_names_people_their_cursors_and_their_recent_edits(model, doc_canvas, bob,
                                                                      make_user):
    carol = make_user("carol")
    Membership.objects.create(canvas=doc_canvas, user=carol, role=Role.EDITOR)
    Human(doc_canvas.id, origin=f"user:{doc_canvas.owner.pk}").insert(0, TEXT)
    bobs = Human(doc_canvas.id, origin=f"user:{bob.pk}")
    at = bobs.get().index("fair for students") + len("fair")
    bobs.insert(at, " and friendly")
    async_to_sync(presence_board.publish)(str(doc_canvas.id), {
        11: presence(bob, cursor_at(doc_canvas.id, "fair and friendly")),
        12: presence(carol, cursor_at(doc_canvas.id, "see you", selected="see you soon")),
        13: json.dumps({"user": {"name": "✦ Model", "isAssistant": True}}),
    })
    model.add_response("Noted.")
    run_turn(start_turn(doc_canvas, "Tidy up the opening hours"))

    prompt = model.chat_requests[0].messages[-1]["content"]
    lines = {line.split(":", 1)[0]: line for line in prompt.splitlines() if line.startswith("- ")}
    assert "Do not rewrite or edit these passages" in prompt
    assert "has the cursor in “Prices are fair and friendly for students.”" in lines["- bob"]
    assert "edited “Prices are fair and friendly for students.” (just now)" in lines["- bob"]
    assert "has selected “see you soon”" in lines["- carol"]
    assert lines["- ada (asking you now)"].endswith("(just now)")  # she wrote it all
    assert "Model" not in prompt.split("People in the room", 1)[1]


def test_nobody_else_and_nothing_recent_says_nothing(doc_canvas):
    doc = persistence.load_doc(str(doc_canvas.id))
    assert room.describe(str(doc_canvas.id), doc, code=False) == ""


async def test_the_sync_server_posts_presence_for_the_assistant_to_read(doc_canvas, bob):
    Human(doc_canvas.id).insert(0, TEXT)
    path = f"/ws/canvases/{doc_canvas.id}/sync"
    session = await sync_to_async(session_id)(bob)
    ws = Socket(path, [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000"),
                       (b"cookie", f"sessionid={session}".encode())])
    assert await ws.connect()
    cursor = await sync_to_async(cursor_at)(doc_canvas.id, "nine")
    state = json.dumps({"user": {"name": "posing as someone else"}, "cursor": cursor})
    await ws.send_to(awareness_frame(encode_awareness([AwarenessEntry(77, 1, state)])))
    for _ in range(50):
        board = await sync_to_async(presence_board.read)(str(doc_canvas.id))
        if board:
            break
        await asyncio.sleep(0.05)
    assert board[77]["user"]["name"] == "bob"  # stamped by the server
    doc = await sync_to_async(persistence.load_doc)(str(doc_canvas.id))
    said = await sync_to_async(room.describe)(str(doc_canvas.id), doc, False)
    assert "- bob: has the cursor in “We open at nine on weekdays.”" in said
    await ws.disconnect()
