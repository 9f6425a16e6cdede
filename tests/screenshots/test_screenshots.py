"""`make screenshots`: PNGs of the main screens at 1440 and 800 px, light and dark, into
docs/screenshots/ (the README shows three of them). Not a test of behaviour: it drives the
real app (a uvicorn server, the fake model, headless Chromium) into each state and takes
its picture, so the pictures always show what the app looks like now."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas.models import AssistantPolicy, Canvas, Membership
from canvas.publish import services as publishing
from canvas.services import create_canvas
from tests.assistant.conftest import Human
from tests.browser_helpers import send_chat, wait_turn_over
from tests.conftest import login_context, wait_htmx_idle, wait_until
from tests.fakes.openai_server import ToolCall, ToolCalls
from tests.preview.helpers import app_base
from tests.publish.test_publish_browser import in_thread, public_url

pytestmark = [pytest.mark.screenshots, pytest.mark.django_db(transaction=True)]

OUT = Path(os.environ.get("SCREENSHOTS_DIR", Path(__file__).resolve().parents[2]
                          / "docs" / "screenshots"))
SIZES = {"1440": {"width": 1440, "height": 900}, "800": {"width": 800, "height": 900}}
THEMES = ("light", "dark")

DOCUMENT = """# Field notes: the community garden

The garden opened in **April** with twelve raised beds and a shared tool shed. Volunteers
meet on *Saturday mornings*; anyone may join.

## What grew well

- Tomatoes, beans and squash, watered by the new drip line
- Herbs along the south fence
- Sunflowers, which the children planted in May

## What to change next year

The compost bins sit too far from the beds, so fewer people use them. We could move them
beside the shed and add a sign that explains what goes in.

> "The best fertilizer is the gardener's shadow."
"""

APP = """import { useState } from "react";

export default function Counter() {
  const [count, setCount] = useState(0);
  return (
    <main>
      <h1>Seed counter</h1>
      <p>Seeds planted today: <strong>{count}</strong></p>
      <button onClick={() => setCount(count + 1)}>Plant one</button>
    </main>
  );
}
"""


def shoot(browser, server, user, path: str, name: str, prepare=None, base: str = "") -> None:
    """One screen in every size and theme; ``prepare(page)`` brings it into its state."""
    OUT.mkdir(parents=True, exist_ok=True)
    base = base or server.url
    for size, viewport in SIZES.items():
        for theme in THEMES:
            context = browser.new_context(base_url=base, viewport=viewport,
                                          color_scheme=theme, device_scale_factor=1)
            context.set_default_timeout(15_000)
            if user is not None:
                login_context(context, user, base)
            page = context.new_page()
            page.goto(path)
            if prepare is not None:
                prepare(page)
            wait_htmx_idle(page)
            page.wait_for_timeout(400)  # let transitions (fades, panel slides) finish
            page.screenshot(path=str(OUT / f"{name}-{size}-{theme}.png"))
            context.close()


def editor_ready(page) -> None:
    page.wait_for_function("() => window.canvasEditor && canvasEditor.isSynced()")


def test_screens(browser, server, fake_openai, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    doc = create_canvas(alice, "Garden notes", "document")
    Membership.objects.create(canvas=doc, user=bob, role="editor")
    Human(doc.id, origin=f"user:{alice.pk}").insert(0, DOCUMENT)
    code = create_canvas(alice, "Seed counter", "code", "jsx")
    Human(code.id, origin=f"user:{alice.pk}").insert(0, APP)
    create_canvas(alice, "Reading list", "document")
    create_canvas(alice, "Budget script", "code", "python")

    # A turn that comments, and one (with bob in the room) that suggests.
    fake_openai.add_response(ToolCalls([ToolCall("comment_canvas", {"comments": [
        {"find": "The compost bins sit too far from the beds",
         "comment": "Say how far: a distance makes the case stronger."}]})],
        text="Two notes:\n\n- The **compost** paragraph needs a number.\n"
             "- The list reads well.\n"))
    Canvas.objects.filter(id=doc.id).update(assistant_policy=AssistantPolicy.SUGGEST)
    context = browser.new_context(base_url=server.url, viewport={"width": 1440, "height": 900})
    login_context(context, alice, server.url)
    page = context.new_page()
    page.goto(f"/canvases/{doc.id}/")
    editor_ready(page)
    send_chat(page, "Review the notes")
    first = wait_turn_over(doc)
    bobs = browser.new_context(base_url=server.url)
    login_context(bobs, bob, server.url)
    bob_page = bobs.new_page()
    bob_page.goto(f"/canvases/{doc.id}/")
    editor_ready(bob_page)
    expect(page.get_by_role("button", name="bob: follow")).to_be_visible()
    fake_openai.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "so fewer people use them", "replace": "so few people use them"}]})],
        text="I suggested a smaller wording change for you to accept."))
    send_chat(page, "Tighten the last section")
    second = wait_turn_over(doc, after=first)
    assert second.action == "suggest", (second.action, second.summary, second.error)
    wait_until(lambda: page.evaluate("() => canvasEditor.assistantUI.suggestions().length"),
               message="the suggestion")
    bobs.close()
    context.close()
    publication = in_thread(publishing.publish, doc, alice, "live")

    shoot(browser, server, alice, "/canvases/", "list")
    shoot(browser, server, alice, f"/canvases/{doc.id}/", "document", editor_ready)
    def preview(p):
        editor_ready(p)
        p.click("#preview-tabs [data-preview-mode=split]")
        p.wait_for_function("() => window.canvasPreview && canvasPreview.run > 0"
                            " && window.canvasPreview.shownRun === canvasPreview.run")

    # The app on localhost, so that its preview comes from 127.0.0.1 (another site).
    shoot(browser, server, alice, f"/canvases/{code.id}/", "code", preview,
          base=app_base(server.url))

    def history(p):
        editor_ready(p)
        p.locator("#history-button").click()
        expect(p.locator("#history-side")).to_be_visible()

    shoot(browser, server, alice, f"/canvases/{doc.id}/", "history", history)

    def share(p):
        editor_ready(p)
        p.get_by_role("button", name="Share").click()
        expect(p.locator("#assistant-policy")).to_be_visible()

    shoot(browser, server, alice, f"/canvases/{doc.id}/", "share", share)
    shoot(browser, server, None, public_url(server.url, publication), "published",
          lambda p: expect(p.locator("#published-content h1")).to_be_visible())

