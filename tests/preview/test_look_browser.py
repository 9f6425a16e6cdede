"""Issue 15 (Preview): syntax errors said once and at the line of the mistake; apps that style
nothing still look decent, and the app's own styles (Tailwind or CSS) win over that default look."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from canvas.services import create_canvas
from tests.preview.helpers import frame, render

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Line 7 lacks its `>`: sucrase itself only stumbles lines later (or names no line at all).
MISSING_GT = {
    "text after the tag": """import { useState } from "react";

export default function App() {
  const [n, setN] = useState(0);
  return (
    <div className="p-4">
      <button onClick={() => setN(n + 1)}
        Count: {n}
      </button>
    </div>
  );
}
""",
    "a child tag after it": """import { useState } from "react";

export default function App() {
  const [n, setN] = useState(0);
  return (
    <main>
      <div className="card"
        <p>Count: {n}</p>
      </div>
    </main>
  );
}
""",
    "a void element": """import { useState } from "react";

export default function App() {
  const [n, setN] = useState("");
  return (
    <form>
      <input value={n} onChange={(e) => setN(e.target.value)}
      <p>{n}</p>
    </form>
  );
}
""",
}


def test_a_missing_angle_bracket_is_reported_once_at_its_line(make_user, preview_page):
    owner = make_user("typo")
    canvas = create_canvas(owner, "Typo", "code", "jsx")
    page = preview_page(owner, canvas)
    title = page.locator("#preview-root [data-preview-error-title]")
    status = page.locator("#preview-tabs [data-preview-status]")
    for label, code in MISSING_GT.items():
        outcome = render(page, code)
        error = outcome["error"]
        assert error and (error["phase"], error["line"]) == ("transpile", 7), (label, error)
        tag = code.splitlines()[6].split()[0]
        expect(title).to_have_text(f'SyntaxError: Expected ">" to end the {tag}> tag'
                                   " (it runs into the next tag)")
        expect(status).to_have_text("Syntax error at line 7, column " + str(error["column"]))
        page.locator("#preview-root [data-preview-goto]").click()
        caret = page.evaluate("""() => { const v = canvasEditor.view;
            const head = v.state.selection.main.head, line = v.state.doc.lineAt(head);
            return [line.number, head - line.from]; }""")
        # The caret lands where the `>` belongs: after the tag's last attribute.
        assert caret == [7, len(code.splitlines()[6].rstrip())], (label, caret)

    # Other syntax errors keep the transpiler's position, and are still said once.
    outcome = render(page, "export default function App() {\n  return <p>{1 +}</p>;\n}\n")
    assert outcome["error"]["line"] == 2
    expect(title).to_have_text("SyntaxError: Unexpected token")
    assert "Syntax error" not in title.inner_text()


UNSTYLED = """export default function App() {
  return (
    <div>
      <h1>Plain heading</h1>
      <p>Some text under it.</p>
      <h2>Second heading</h2>
      <label>Name <input id="name" /></label>
      <button id="plain">Save</button>
    </div>
  );
}
"""

STYLED = """export default function App() {
  return (
    <div className="min-h-screen bg-slate-900">
      <style>{`#own { background: rgb(255, 0, 0); font-family: serif; }`}</style>
      <h1 className="text-sm font-normal m-0">Small heading</h1>
      <button id="tw" className="bg-indigo-600 text-white px-2">Tailwind</button>
      <button id="bare" className="p-1">Icon</button>
      <button id="own">Own CSS</button>
    </div>
  );
}
"""


def computed(inside, selector: str, *props: str) -> dict:
    return inside.locator(selector).evaluate(
        """(el, props) => { const s = getComputedStyle(el);
            return Object.fromEntries(props.map(p => [p, s[p]])); }""",
        list(props))


def test_an_app_without_styles_looks_decent_and_its_own_styles_still_win(make_user, preview_page):
    owner = make_user("plain")
    canvas = create_canvas(owner, "Plain", "code", "jsx")
    page = preview_page(owner, canvas)
    assert render(page, UNSTYLED)["rendered"]
    inside = frame(page)
    expect(inside.locator("h1")).to_have_text("Plain heading")
    body = computed(inside, "body", "fontFamily", "lineHeight", "maxWidth")
    assert "system-ui" in body["fontFamily"] and body["maxWidth"] == "760px", body
    assert float(body["lineHeight"].removesuffix("px")) >= 16 * 1.4, body
    h1, p = computed(inside, "h1", "fontSize", "marginBottom"), computed(inside, "p", "fontSize")
    assert float(h1["fontSize"][:-2]) >= 1.8 * float(p["fontSize"][:-2]), (h1, p)
    assert float(h1["marginBottom"][:-2]) > 0  # headings are spaced, not run into the text
    # A button looks like a button and an input like an input: a border, padding, rounded corners.
    for selector in ("#plain", "#name"):
        look = computed(inside, selector, "borderTopWidth", "borderTopStyle", "paddingLeft",
                        "borderTopLeftRadius")
        assert look["borderTopStyle"] == "solid" and look["borderTopWidth"] == "1px", look
        assert float(look["paddingLeft"][:-2]) >= 6 and look["borderTopLeftRadius"] != "0px", look
    assert computed(inside, "#plain", "cursor")["cursor"] == "pointer"

    # The app's own Tailwind classes and CSS override every part of it.
    assert render(page, STYLED)["rendered"]
    # Tailwind v4 computes its colours in oklab: indigo, not the default light grey.
    expect(inside.locator("#tw")).to_have_css("background-color", re.compile(r"^oklab\(0\.51"))
    expect(inside.locator("#tw")).to_have_css("padding-left", "8px")
    expect(inside.locator("#bare")).to_have_css("background-color", "rgba(0, 0, 0, 0)")
    expect(inside.locator("#bare")).to_have_css("border-top-width", "0px")
    expect(inside.locator("#own")).to_have_css("background-color", "rgb(255, 0, 0)")
    expect(inside.locator("h1")).to_have_css("font-size", "14px")
    expect(inside.locator("h1")).to_have_css("margin-top", "0px")
    # A styled app is not squeezed into a reading column.
    expect(inside.locator("body")).to_have_css("max-width", "none")
