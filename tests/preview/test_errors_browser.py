"""Issue 5, test 2: errors are shown with the right canvas line; "Fix with assistant" starts a turn.

The model is the fake OpenAI-compatible server (tests/fakes): the turn that "Fix with assistant"
starts carries the error, its line and (folded away in the chat) the stack and the console tail,
as an ordinary chat message; the model reads the code in the canvas.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from canvas.models import Message
from canvas.services import create_canvas
from tests.conftest import wait_until
from tests.preview.helpers import app_base, current_run, set_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYNTAX = """import { useState } from "react";

export default function App() {
  const [n, setN] = useState(0);
  return (
    <div>
      {n +}
    </div>
  );
}
"""
RENDER = """import { useState } from "react";

export default function App() {
  const items = undefined;
  return (
    <ul>
      {items.map((i) => <li key={i}>{i}</li>)}
    </ul>
  );
}
"""
TIMER = """export default function App() {
  setTimeout(() => {
    const user = null;
    console.log("about to fail");
    user.profile.name;
  }, 20);
  return <p>waiting</p>;
}
"""
REJECTION = """import { useEffect } from "react";

export default function App() {
  useEffect(() => {
    fetchLater().then(() => {
      throw new Error("data failed to load");
    });
  }, []);
  return <p>hello</p>;
}

async function fetchLater() { return 1; }
"""
UNKNOWN_IMPORT = """import React from "react";
import { initializeApp } from "firebase/app";

export default function App() {
  initializeApp({});
  return <p>hi</p>;
}
"""
MISSING_EXPORT = """import React from "react";
import { Camera, NotAnIcon } from "lucide-react";

export default function App() {
  return <p><Camera /><NotAnIcon /></p>;
}
"""

# code, phase, name fragment, message fragment, line
CASES = [
    ("syntax error", SYNTAX, "transpile", "SyntaxError", "Unexpected token", 7),
    ("error while rendering", RENDER, "render", "TypeError", "reading 'map'", 7),
    ("error in a timer", TIMER, "runtime", "TypeError", "reading 'profile'", 5),
    ("unhandled rejection", REJECTION, "runtime", "Error", "data failed to load", 6),
    ("unknown import", UNKNOWN_IMPORT, "import", "ModuleNotFound", '"firebase/app"', 2),
    ("missing export", MISSING_EXPORT, "import", "MissingExport", "NotAnIcon", 2),
]


@pytest.fixture
def model_server(fake_openai, asgi_server_factory):
    return asgi_server_factory(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="test-key",
                               CANVAS_MODEL="Fake Model")


def wait_error(page, after_run: int) -> dict:
    page.wait_for_function("""(after) => canvasPreview.run > after
        && window.__preview.errors.some(e => e.run === canvasPreview.run)""", arg=after_run,
                           timeout=20_000)
    return page.evaluate("() => window.__preview.errors.find(e => e.run === canvasPreview.run)")


def caret_line(page) -> int:
    return page.evaluate("""() => { const v = canvasEditor.view;
        return v.state.doc.lineAt(v.state.selection.main.head).number; }""")


def test_each_error_is_shown_at_its_line_and_fix_sends_it_to_the_model(
        make_user, preview_page, model_server, fake_openai):
    owner = make_user("fixer")
    canvas = create_canvas(owner, "Broken app", "code", "jsx")
    page = preview_page(owner, canvas, base=app_base(model_server.url))
    panel = page.locator("#preview-root [data-preview-error]")
    for label, code, phase, name, fragment, line in CASES:
        before = current_run(page)
        set_code(page, code)
        error = wait_error(page, before)
        assert (error["phase"], error["line"]) == (phase, line), (label, error)
        assert name in error["name"] and fragment in error["message"], (label, error)
        expect(panel).to_be_visible()
        expect(panel).to_contain_text(fragment)
        expect(page.locator("#preview-tabs [data-preview-status]")).to_contain_text(f"line {line}")
        page.locator("#preview-root [data-preview-goto]").click()
        assert caret_line(page) == line, label
        if phase in ("render", "runtime") and label != "unhandled rejection":
            # A readable stack: user frames named by canvas line, the runtime's folded away.
            expect(panel.locator("[data-preview-error-stack]")).to_contain_text(f"line {line}")

    # The timer case also logged to the console: the console shows it, and its uncaught error,
    # and counts both in its badge.
    before = current_run(page)
    set_code(page, TIMER)
    wait_error(page, before)
    console = page.locator("#preview-root [data-preview-console]")
    count = console.locator("[data-preview-console-count]")
    expect(count).to_have_text("2")
    expect(count).to_have_attribute("title", "2 lines, 1 error")
    console.locator("summary").click()
    expect(console).to_contain_text("about to fail")
    expect(console.locator(".console-error")).to_contain_text(
        "Uncaught TypeError: Cannot read properties of null (reading 'profile') (line 5)")

    fix = page.locator("#preview-root [data-preview-error] [data-preview-fix]")
    fix.click()
    # Said on the button: no corner notice over the Console's buttons.
    expect(fix).to_have_text("Sent to the chat ✓")
    expect(page.locator("#notices .notice")).to_have_count(0)
    clear = console.locator("[data-preview-console-clear]")
    assert clear.evaluate("""(button) => { const r = button.getBoundingClientRect();
        return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === button; }""")
    wait_until(lambda: fake_openai.chat_requests, timeout=20, message="a turn reaching the model")
    sent = "\n".join(str(m.get("content")) for m in fake_openai.chat_requests[0].messages)
    assert "Cannot read properties of null (reading 'profile')" in sent
    assert "user.profile.name;" in sent  # the failing line
    assert "about to fail" in sent  # the console tail, folded away in the chat
    # A compact request: the error and its line, not the whole program pasted again.
    request = Message.objects.filter(canvas=canvas, is_assistant=False).latest("id")
    assert request.text.startswith("Fix the preview error at line 5: TypeError: Cannot read")
    assert "export default function App" not in request.text
    assert len(request.text) < 1000
    mine = page.locator("#chat-messages li.from-person").last
    expect(mine).to_contain_text("Fix the preview error at line 5: TypeError")
    expect(mine.locator(".chat-text pre").first).to_contain_text("5 |     user.profile.name;")
    folded = mine.locator("details")
    expect(folded.locator("summary")).to_have_text("Stack and console")
    expect(folded).not_to_have_attribute("open", "")
    expect(folded.locator("pre")).to_be_hidden()
    folded.locator("summary").click()
    expect(folded.locator("pre")).to_contain_text("about to fail")


def uncovered(locator) -> bool:
    """Whether the middle of the element is the element itself (nothing drawn over it)."""
    return locator.evaluate("""(el) => { const r = el.getBoundingClientRect();
        const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return el === top || el.contains(top); }""")


def overlaps(one: dict, other: dict) -> bool:
    return not (one["x"] + one["width"] <= other["x"] or other["x"] + other["width"] <= one["x"]
                or one["y"] + one["height"] <= other["y"]
                or other["y"] + other["height"] <= one["y"])


def test_a_failed_fix_says_why_beside_its_button_and_leaves_the_console_usable(
        make_user, preview_page, live_server_url):
    """The session server has no model: the request is refused, and the refusal is shown in
    the error panel, not in a corner notice over the Console's buttons."""
    owner = make_user("unlucky")
    canvas = create_canvas(owner, "No model", "code", "jsx")
    page = preview_page(owner, canvas, base=app_base(live_server_url))
    before = current_run(page)
    set_code(page, TIMER)
    wait_error(page, before)
    console = page.locator("#preview-root [data-preview-console]")
    expect(console.locator("[data-preview-console-count]")).to_have_text("2")
    console.locator("summary").click()
    expect(console).to_contain_text("about to fail")

    panel = page.locator("#preview-root [data-preview-error]")
    fix = panel.locator("[data-preview-fix]")
    fix.click()
    note = panel.locator("[data-preview-fix-note]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("No model is connected")
    expect(fix).to_have_text("Fix with assistant")  # and it may be tried again
    expect(fix).to_be_enabled()
    expect(page.locator("#notices .notice")).to_have_count(0)
    # The Console's buttons stay in the open, clear of the notice, and work.
    clear = console.locator("[data-preview-console-clear]")
    summary = console.locator("summary")
    for button in (clear, summary):
        assert not overlaps(note.bounding_box(), button.bounding_box())
        assert uncovered(button)
    clear.click()
    expect(console.locator("[data-preview-console-count]")).to_have_text("0")
    summary.click()
    expect(console).not_to_have_attribute("open", "")
    expect(note).to_be_visible()  # said until the next error or the next try
    assert Message.objects.filter(canvas=canvas).count() == 0


def test_a_console_flood_is_rate_limited(make_user, preview_page):
    """10,000 console.error calls reach the page as a few dozen lines and a count of the rest."""
    owner = make_user("flooder")
    canvas = create_canvas(owner, "Flood", "code", "jsx")
    page = preview_page(owner, canvas)
    before = current_run(page)
    set_code(page, """export default function Flood() {
  for (let i = 0; i < 10000; i++) console.error("flood", i);
  return <p id="after">still fine</p>;
}
""")
    page.wait_for_function("(after) => canvasPreview.run > after && window.__preview.rendered.some("
                           "r => r.run === canvasPreview.run)", arg=before, timeout=20_000)
    count = page.locator("#preview-root [data-preview-console-count]")
    expect(count).not_to_have_text("0")
    page.wait_for_timeout(1500)  # the frame reports what it dropped once a second
    shown = int(count.inner_text())
    assert 10 <= shown <= 100, shown
    page.locator("#preview-root [data-preview-console] > summary").click()
    expect(page.locator("#preview-root [data-preview-console-list]")).to_contain_text(
        "more console messages were not shown")
    assert page.evaluate("() => 1 + 1") == 2  # the app page answers at once
