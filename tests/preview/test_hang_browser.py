"""Issue 5, test 4: an endless loop in generated code never freezes the app.

The preview comes from another site (127.0.0.1 inside a page on localhost), so Chromium runs it in
its own renderer process: the editor keeps taking keystrokes while the frame spins, the frame's
heartbeat stops, the page says "stopped responding" within 3 s, and Restart brings back a working
preview in a fresh iframe.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from canvas.services import create_canvas
from tests.preview.helpers import frame, set_code, wait_outcome

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_RENDER = """export default function App() {
  let n = 0;
  while (true) { n++; }
  return <p>{n}</p>;
}
"""
IN_EFFECT = """import { useEffect } from "react";

export default function App() {
  useEffect(() => {
    while (true) {}
  }, []);
  return <p>painted first</p>;
}
"""
FIXED = """export default function App() {
  return <p id="back">back again</p>;
}
"""


def editor_text(page) -> str:
    return page.evaluate("() => canvasEditor.ytext.toString()")


@pytest.mark.parametrize("code", [IN_RENDER, IN_EFFECT], ids=["in-render", "in-effect"])
def test_endless_loop_is_contained_reported_and_restartable(code, make_user, preview_page):
    owner = make_user("looper")
    canvas = create_canvas(owner, "Loop", "code", "jsx")
    page = preview_page(owner, canvas)
    first = wait_outcome(page, -1) if page.evaluate("() => canvasPreview.run") else None
    assert first is None or not first["hung"]
    started = time.monotonic()
    set_code(page, code)
    # Give the frame time to start spinning, then type: the editor must keep up.
    page.wait_for_timeout(700)
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    typed_at = time.monotonic()
    page.keyboard.type("// still typing")
    page.wait_for_function("() => canvasEditor.ytext.toString().endsWith('// still typing')",
                           timeout=2_000)
    assert time.monotonic() - typed_at < 2.0

    page.wait_for_function("() => window.__preview.hangs.length > 0", timeout=8_000)
    hang = page.evaluate("() => window.__preview.hangs[0]")
    assert hang["why"] == "hang"
    assert hang["silentFor"] < 3000, hang  # reported within 3 s of the last heartbeat
    assert time.monotonic() - started < 6.0
    expect(page.locator("#preview-root [data-preview-hang]")).to_be_visible()
    expect(page.locator("#preview-root [data-preview-hang]")).to_contain_text("stopped responding")
    expect(page.locator("#preview-tabs [data-preview-status]")).to_have_text("Stopped responding")
    # The spinning frame's element is gone (that is what frees its process).
    assert page.locator("#preview-root iframe.preview-frame").count() == 0

    page.keyboard.type(" and more")
    page.wait_for_function("() => canvasEditor.ytext.toString().endsWith(' and more')",
                           timeout=2_000)

    # Fix the code; the stopped preview waits for Restart, which uses a fresh frame.
    set_code(page, FIXED)
    page.wait_for_timeout(400)
    assert page.locator("#preview-root iframe.preview-frame").count() == 0
    before = page.evaluate("() => canvasPreview.run")
    page.locator("#preview-root [data-preview-restart]").click()
    outcome = wait_outcome(page, before)
    assert outcome["rendered"] and not outcome["error"], outcome
    expect(frame(page).locator("#back")).to_have_text("back again")
    expect(page.locator("#preview-root [data-preview-hang]")).to_be_hidden()
    assert editor_text(page) == FIXED
