"""The spare frame: a fresh start gets a frame whose runtime was loaded ahead of time.

Chromium never serves a sandboxed (opaque-origin) frame from its HTTP cache, so every new frame
downloads and compiles the runtime again (bench/preview_render.py counts the files that came from
the cache: none). The page therefore boots one empty frame while the preview is idle, with the
same sandbox, and gives it the next fresh start: the first code of an empty canvas, Reload, each
version of an HTML page. It also loads the libraries the current code imports.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from canvas.preview import security
from canvas.services import create_canvas
from tests.preview.helpers import frame, render, set_code, wait_outcome

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP = """import { Rocket } from "lucide-react";

export default function App() {
  return <h1 id="hello" className="text-3xl"><Rocket /> Hello</h1>;
}
"""
SPARE = "#preview-root iframe.preview-frame.is-loading"


def spare_token(page) -> str:
    page.wait_for_function("() => canvasPreview.spare && canvasPreview.spare.ready",
                           timeout=10_000)
    return page.evaluate("() => canvasPreview.spare.token")


def spare_frame(page, token: str):
    return next(f for f in page.frames if f"ch={token}" in f.url)


def test_the_spare_is_sandboxed_hidden_and_inert(make_user, preview_page):
    owner = make_user("spare-look")
    canvas = create_canvas(owner, "Spare", "code", "jsx")
    page = preview_page(owner, canvas)
    spare_token(page)  # an empty canvas boots one at once
    spare = page.locator(SPARE)
    assert spare.count() == 1
    assert spare.get_attribute("sandbox") == security.iframe_sandbox_attribute()
    assert spare.evaluate("f => f.inert && getComputedStyle(f).opacity === '0'")


def test_fresh_starts_take_the_spare_and_fetch_nothing(make_user, preview_page):
    owner = make_user("spare")
    canvas = create_canvas(owner, "Spare", "code", "jsx")
    page = preview_page(owner, canvas)
    booted_empty = spare_token(page)
    outcome = render(page, APP)
    assert outcome["rendered"], outcome
    assert page.evaluate("() => canvasPreview.active.token") == booted_empty

    # A new spare boots once the preview is idle, and loads what the code imports.
    token = spare_token(page)
    assert token != booted_empty
    spare_frame(page, token).wait_for_function(
        "() => performance.getEntriesByType('resource').some("
        "e => e.name.includes('lucide-react-icons-') && e.responseEnd > 0)")  # Rocket's module
    requests = []
    page.context.on("request", lambda request: requests.append(request.url))
    before = page.evaluate("() => canvasPreview.run")
    page.locator("#preview-tabs [data-preview-reload]").click()
    outcome = wait_outcome(page, before)
    assert outcome["rendered"], outcome
    assert page.evaluate("() => canvasPreview.active.token") == token
    expect(frame(page).locator("#hello")).to_have_css("font-size", "30px")
    assert [url for url in requests if "/preview/" in url] == []


def test_the_spare_warms_up_and_keeps_nothing_of_it(make_user, preview_page):
    """It runs sucrase and a React render once ahead (their code compiled before the first run),
    and leaves the page as it booted."""
    owner = make_user("spare-warm")
    canvas = create_canvas(owner, "Spare warm", "code", "tsx")
    page = preview_page(owner, canvas)
    spare = spare_frame(page, spare_token(page))
    spare.wait_for_function("() => performance.getEntriesByName('canvas-warmed-up').length")
    assert spare.evaluate("""() => [document.body.children.length, document.getElementById('root')
        .childNodes.length, (globalThis.__canvasRoots || new Set()).size]""") == [1, 0, 0]
    typed = APP.replace("function App()", "function App(): JSX.Element")
    outcome = render(page, typed)
    assert outcome["rendered"], outcome
    expect(frame(page).locator("#hello")).to_have_css("font-size", "30px")


def test_a_hang_takes_the_spare_with_it(make_user, preview_page):
    """The spare shares the hung frame's renderer process, which stops once no frame is left."""
    owner = make_user("spare-hang")
    canvas = create_canvas(owner, "Spare hang", "code", "jsx")
    page = preview_page(owner, canvas)
    assert render(page, APP)["rendered"]
    spare_token(page)
    set_code(page, "export default function App() {\n  while (true) {}\n}\n")
    page.wait_for_function("() => window.__preview.hangs.length > 0", timeout=10_000)
    assert page.locator("#preview-root iframe.preview-frame").count() == 0
    assert page.evaluate("() => canvasPreview.spare") is None

