"""Fixtures for assistant turns: a canvas, a person editing it, the fake model."""

from __future__ import annotations

import threading

import pytest
from pycrdt import Map, Text

from canvas.models import Membership, Message, Role
from canvas.services import create_canvas
from collab import persistence, positions
from tests.conftest import wait_until


class Human:
    """A person editing the canvas: a pycrdt peer whose updates go to the log."""

    def __init__(self, canvas_id, origin: str = "user:1") -> None:
        self.canvas_id = str(canvas_id)
        self.origin = origin
        self.doc = persistence.load_doc(self.canvas_id)
        self.text = self.doc.get("content", type=Text)
        self.comments = self.doc.get("comments", type=Map)
        self._updates: list[bytes] = []
        self.doc.observe(lambda event: self._updates.append(event.update))

    def sync(self) -> None:
        """Take in what others wrote (the server would send it)."""
        self._updates_paused = True
        before = len(self._updates)
        self.doc.apply_update(persistence.load_doc(self.canvas_id).get_update())
        del self._updates[before:]

    def _flush(self) -> None:
        updates, self._updates = self._updates, []
        if updates:
            persistence.append_updates(self.canvas_id, [(u, self.origin) for u in updates])

    def insert(self, index: int, value: str) -> None:
        positions.insert(self.text, index, value)
        self._flush()

    def delete(self, start: int, end: int) -> None:
        positions.delete(self.text, start, end)
        self._flush()

    def get(self) -> str:
        return str(self.text)


@pytest.fixture(autouse=True)
def _finish_eager_turns():
    """Turns started in threads by a test end before its database and fake model go."""
    yield
    from canvas.tasks import wait_for_eager_tasks

    wait_for_eager_tasks()


@pytest.fixture
def model(fake_openai, settings):
    settings.OPENAI_BASE_URL = fake_openai.base_url
    settings.OPENAI_API_KEY = "test-key"
    settings.CANVAS_MODEL = "fake-model"
    settings.CANVAS_MODEL_RETRIES = 2
    settings.CANVAS_MODEL_TIMEOUT = 10
    return fake_openai


@pytest.fixture
def doc_canvas(make_user):
    owner = make_user("ada")
    canvas = create_canvas(owner, "Notes", "document")
    editor = make_user("bob")
    Membership.objects.create(canvas=canvas, user=editor, role=Role.EDITOR)
    return canvas


def start_turn(canvas, text: str = "Please help", selection: dict | None = None,
               shortcut: str = "") -> Message:
    """A person's request and the assistant message that answers it (not run yet)."""
    request = Message.objects.create(canvas=canvas, author=canvas.owner, text=text,
                                     selection=selection, shortcut=shortcut)
    return Message.objects.create(canvas=canvas, is_assistant=True, reply_to=request,
                                  status=Message.Status.STREAMING)


def run_turn(message: Message) -> Message:
    """Run an assistant turn to its end, here, and read back how it ended."""
    from canvas.assistant.turns import TurnRunner

    TurnRunner(message.id).run()
    message.refresh_from_db()
    return message


#: Scripted answers given ``gate=GATE`` hold back until a person has acted (see below).
GATE = threading.Event()


@pytest.fixture(autouse=True)
def _closed_gate():
    GATE.clear()
    yield
    GATE.set()


def run_while_a_person_acts(model, message: Message, act) -> Message:
    """Run the turn; ``act`` runs once the model has its prompt and before it answers."""
    runner = threading.Thread(target=run_turn, args=(message,))
    runner.start()
    wait_until(lambda: len(model.chat_requests) >= 1, message="the model to be asked")
    try:
        act()
    finally:
        GATE.set()
    runner.join(30)
    assert not runner.is_alive()
    message.refresh_from_db()
    return message


def canvas_text(canvas) -> str:
    return persistence.load_text(str(canvas.id))
