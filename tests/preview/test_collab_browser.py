"""Issue 5, test 5: every participant's preview follows the live canvas, whoever edits it.

Two people have the same React canvas open side by side; each one's keystrokes re-render the
other's preview, and so do the model's edits (the fake model answers a chat request with an
edit_canvas tool call, applied as a CRDT peer on the server).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from canvas.models import Membership
from canvas.services import create_canvas
from tests.assistant.conftest import Human
from tests.fakes.openai_server import Reply, ToolCall, ToolCalls
from tests.preview.helpers import app_base, frame

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP = """import { useState } from "react";

export default function Banner() {
  const [likes, setLikes] = useState(0);
  return (
    <div className="p-8">
      <h1 id="headline" className="text-3xl font-bold">Version one</h1>
      <button onClick={() => setLikes(likes + 1)}>Likes: {likes}</button>
    </div>
  );
}
"""


@pytest.fixture
def model_server(fake_openai, asgi_server_factory):
    return asgi_server_factory(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="test-key",
                               CANVAS_MODEL="Fake Model")


def replace_in_editor(page, old: str, new: str) -> None:
    """Select ``old`` in the editor and type ``new`` over it, as a person does."""
    page.evaluate("""(old) => {
        const view = canvasEditor.view;
        const from = view.state.doc.toString().indexOf(old);
        if (from < 0) throw new Error('not found: ' + old);
        view.focus();
        view.dispatch({selection: {anchor: from, head: from + old.length}});
    }""", old)
    page.keyboard.type(new)


def test_participants_and_the_model_update_each_others_previews(
        make_user, preview_page, model_server, fake_openai):
    ada, bob = make_user("ada"), make_user("bob")
    canvas = create_canvas(ada, "Shared banner", "code", "jsx")
    Membership.objects.create(canvas=canvas, user=bob, role="editor")
    Human(canvas.id).insert(0, APP)
    base = app_base(model_server.url)
    pages = [preview_page(ada, canvas, base=base), preview_page(bob, canvas, base=base)]
    headline = [frame(page).locator("#headline") for page in pages]
    for locator in headline:
        expect(locator).to_have_text("Version one")

    replace_in_editor(pages[0], "Version one", "Version two")
    for locator in headline:
        expect(locator).to_have_text("Version two")

    replace_in_editor(pages[1], "Version two", "Bob's version")
    for locator in headline:
        expect(locator).to_have_text("Bob's version")

    fake_openai.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "Bob's version", "replace": "The model's version"}]})]))
    fake_openai.add_response(Reply(text="Renamed the headline."))
    box = pages[0].locator("#chat-text")
    box.click()
    box.fill("Rename the headline")
    box.press("Enter")
    for locator in headline:
        expect(locator).to_have_text("The model's version", timeout=20_000)
    for page in pages:
        assert page.evaluate("() => window.__preview.errors.length") == 0
