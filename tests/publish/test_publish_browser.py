"""Published apps and documents in Chromium, without a session (issue 7 tests 1, 2, 4)."""

from __future__ import annotations

import http.server
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from canvas.models import Publication
from canvas.publish import services
from canvas.publish.views import EMBED_SANDBOX
from canvas.services import create_canvas
from tests.assistant.conftest import Human

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The first render loads the runtime (React, Tailwind) into a fresh frame: allow for it.
TIMEOUT = 20_000

APP = """import { useState } from "react";

export default function App() {
  const [count, setCount] = useState(0);
  return (
    <div className="p-6">
      <h1 id="title" className="text-2xl font-bold">VERSION ONE</h1>
      <button id="counter" onClick={() => setCount(count + 1)}>Clicked {count}</button>
    </div>
  );
}
"""


def public_url(live_server_url: str, publication: Publication) -> str:
    # The app is served on 127.0.0.1: public pages live on the other loopback name.
    return live_server_url.replace("127.0.0.1", "localhost") + f"/p/{publication.token}/"


def public_origin(live_server_url: str) -> str:
    return live_server_url.replace("127.0.0.1", "localhost")


def in_thread(function, *args):
    """Work that publishes over the channel layer cannot run beside Playwright's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result(30)


def anonymous_page(browser):
    context = browser.new_context()
    context.set_default_timeout(20_000)
    return context, context.new_page()


def app_frame(page):
    return page.frame_locator("#published-app iframe.is-shown")


def test_pinned_app_renders_without_a_session_and_only_changes_when_republished(
        browser, live_server_url, make_user):
    ada = make_user("ada")
    canvas = create_canvas(ada, "Counter", "code", "jsx")
    human = Human(canvas.id)
    human.insert(0, APP)
    publication = in_thread(services.publish, canvas, ada, "pinned")
    context, page = anonymous_page(browser)
    response = page.goto(public_url(live_server_url, publication))
    assert response.status == 200 and not context.cookies()
    frame = app_frame(page)
    expect(frame.locator("#title")).to_have_text("VERSION ONE", timeout=TIMEOUT)
    frame.locator("#counter").click()
    expect(frame.locator("#counter")).to_have_text("Clicked 1", timeout=TIMEOUT)
    human.insert(APP.index("VERSION ONE"), "NEW ")
    page.reload()
    expect(app_frame(page).locator("#title")).to_have_text("VERSION ONE", timeout=TIMEOUT)
    in_thread(services.publish, canvas, ada, "pinned")
    page.reload()
    expect(app_frame(page).locator("#title")).to_have_text("NEW VERSION ONE", timeout=TIMEOUT)
    context.close()


def test_live_app_follows_edits_without_reload_but_never_a_draft(browser, live_server_url,
                                                                  make_user):
    ada = make_user("ada")
    canvas = create_canvas(ada, "Live", "code", "jsx")
    human = Human(canvas.id)
    human.insert(0, APP)
    publication = in_thread(services.publish, canvas, ada, "live")
    context, page = anonymous_page(browser)
    page.goto(public_url(live_server_url, publication))
    expect(app_frame(page).locator("#title")).to_have_text("VERSION ONE", timeout=TIMEOUT)
    page.evaluate("window.__samePage = true")
    human.insert(APP.index("VERSION ONE"), "LIVE ")
    expect(app_frame(page).locator("#title")).to_have_text("LIVE VERSION ONE", timeout=TIMEOUT)
    assert page.evaluate("window.__samePage") is True  # no reload happened

    # A rewrite streaming into the draft is not the canvas: the public page never shows it.
    from pycrdt import Text

    def write_draft():
        from collab.peer import DocumentPeer

        peer = DocumentPeer(canvas.id, "assistant:1")
        peer.append(peer.draft, APP.replace("VERSION ONE", "HALF WRITTEN"))

    in_thread(write_draft)
    page.wait_for_timeout(3000)
    expect(app_frame(page).locator("#title")).to_have_text("LIVE VERSION ONE", timeout=TIMEOUT)
    assert Text  # the draft lives in its own Y.Text
    context.close()


def test_published_document_follows_edits_and_unpublish_ends_it(browser, live_server_url,
                                                                 make_user):
    ada = make_user("ada")
    canvas = create_canvas(ada, "Notes", "document")
    human = Human(canvas.id)
    human.insert(0, "# Notes\n\nFirst line.\n")
    publication = in_thread(services.publish, canvas, ada, "live")
    context, page = anonymous_page(browser)
    page.goto(public_url(live_server_url, publication))
    expect(page.locator("#published-content h1")).to_have_text("Notes", timeout=TIMEOUT)
    human.insert(len("# Notes\n\n"), "Added live. ")
    content = page.locator("#published-content")
    expect(content).to_contain_text("Added live. First line.", timeout=TIMEOUT)
    in_thread(services.unpublish, canvas)
    expect(content).to_have_text("This page is no longer published.", timeout=TIMEOUT)
    assert page.goto(public_url(live_server_url, publication)).status == 404
    context.close()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []
    page = b""

    def do_GET(self):  # noqa: N802
        if self.path == "/host.html":
            body = self.page
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path != "/favicon.ico":  # the host page's own icon request
            self.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


PROBE_APP = """import { useEffect, useState } from "react";

export default function Probe() {
  const [results, setResults] = useState([]);
  useEffect(() => {
    const out = [];
    const note = (name, blocked) => out.push(name + ":" + (blocked ? "blocked" : "OPEN"));
    const target = "http://127.0.0.1:RECORDER/leak";
    fetch(target + "/fetch").then(() => note("fetch", false), () => note("fetch", true));
    try { const x = new XMLHttpRequest(); x.open("GET", target + "/xhr"); x.send(); } catch (e) {}
    try { new WebSocket("ws://127.0.0.1:RECORDER/ws"); } catch (e) {}
    try { navigator.sendBeacon(target + "/beacon", "x"); } catch (e) {}
    const img = new Image(); img.src = target + "/img";
    try { note("cookie", document.cookie === ""); } catch (e) { note("cookie", true); }
    try { note("parent-dom", !window.parent.document); } catch (e) { note("parent-dom", true); }
    try { window.top.location.href = target + "/nav"; note("top-nav", false); }
    catch (e) { note("top-nav", true); }
    const popup = window.open(target + "/popup"); note("popup", !popup);
    setTimeout(() => setResults(out.slice()), 1500);
  }, []);
  return <pre id="probes">{results.join("\\n")}</pre>;
}
"""


def test_embedded_app_on_another_origin_runs_and_every_probe_fails(browser, live_server_url,
                                                                   make_user):
    recorder = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    port = recorder.server_address[1]
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    ada = make_user("ada")
    canvas = create_canvas(ada, "Probe", "code", "jsx")
    Human(canvas.id).insert(0, PROBE_APP.replace("RECORDER", str(port)))
    publication = in_thread(services.publish, canvas, ada, "pinned")
    from django.template.loader import render_to_string

    snippet = render_to_string("publish/_embed_snippet.txt", {
        "url": public_url(live_server_url, publication), "title": "Probe",
        "origin": public_origin(live_server_url), "sandbox": EMBED_SANDBOX})
    _Recorder.page = (f"<!doctype html><title>Host</title><p id=host>host page</p>{snippet}"
                      ).encode()
    _Recorder.hits = []
    context, page = anonymous_page(browser)
    context.add_cookies([{"name": "secret", "value": "host-cookie",
                          "url": f"http://127.0.0.1:{port}"}])
    page.goto(f"http://127.0.0.1:{port}/host.html")
    inner = page.frame_locator("iframe[data-canvas-embed]").frame_locator(
        "#published-app iframe.is-shown")
    probes = inner.locator("#probes")
    expect(probes).to_contain_text("popup:", timeout=20_000)
    text = probes.inner_text()
    assert "OPEN" not in text, text
    assert page.locator("#host").inner_text() == "host page"
    assert page.url == f"http://127.0.0.1:{port}/host.html"  # no top navigation
    page.wait_for_timeout(500)
    assert _Recorder.hits == [], f"the sandbox leaked: {_Recorder.hits}"
    recorder.shutdown()
    context.close()


TALL_APP = """export default function App() {
  return <ol id="rows">{Array.from({ length: 40 }, (_, i) => <li key={i}>Row {i + 1}</li>)}</ol>;
}
"""
SHORT_APP = """export default function App() {
  return <p id="short">Just one line.</p>;
}
"""


@pytest.mark.parametrize("code, grows", [(TALL_APP, True), (SHORT_APP, False)])
def test_an_embedded_app_takes_the_height_of_its_content(browser, live_server_url, make_user,
                                                          code, grows):
    recorder = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    port = recorder.server_address[1]
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    ada = make_user("ada")
    canvas = create_canvas(ada, "Sized", "code", "jsx")
    Human(canvas.id).insert(0, code)
    publication = in_thread(services.publish, canvas, ada, "pinned")
    from django.template.loader import render_to_string

    snippet = render_to_string("publish/_embed_snippet.txt", {
        "url": public_url(live_server_url, publication), "title": "Sized",
        "origin": public_origin(live_server_url), "sandbox": EMBED_SANDBOX})
    _Recorder.page = (f"<!doctype html><title>Host</title><p id=host>host page</p>{snippet}"
                      "<p id=after>after the app</p>").encode()
    context, page = anonymous_page(browser)
    page.goto(f"http://127.0.0.1:{port}/host.html")
    embed = page.locator("iframe[data-canvas-embed]")
    inner = page.frame_locator("iframe[data-canvas-embed]").frame_locator(
        "#published-app iframe.is-shown")
    content = inner.locator("#rows" if grows else "#short")
    expect(content).to_be_visible()
    # The whole app shows without a scroll bar inside the embed, and nothing more than it.
    last = inner.locator("#rows li").last if grows else content
    page.wait_for_function("""(grows) => {
        const f = document.querySelector('iframe[data-canvas-embed]');
        const h = f.getBoundingClientRect().height; return grows ? h > 800 : h < 300; }""",
                           arg=grows)
    height = embed.bounding_box()["height"]
    bottom = last.bounding_box()
    assert bottom["y"] + bottom["height"] <= embed.bounding_box()["y"] + height, (bottom, height)
    if grows:
        assert 800 < height < 4000, height
    else:
        assert height < 300, height  # shrunk from the snippet's 480 px to one paragraph
    recorder.shutdown()
    context.close()


def test_the_embed_snippet_ignores_heights_from_other_origins(browser, live_server_url):
    from django.template.loader import render_to_string

    snippet = render_to_string("publish/_embed_snippet.txt", {
        "url": "about:blank", "title": "x", "origin": "http://localhost:1", "sandbox": ""})
    context, page = anonymous_page(browser)
    page.set_content(f"<!doctype html>{snippet}")
    page.evaluate("""() => window.postMessage({type: 'canvas-embed-height', height: 3000}, '*')""")
    page.evaluate("() => new Promise(r => setTimeout(r, 100))")  # a message turn, not a sync
    assert page.locator("iframe").evaluate("f => f.style.height") == "480px"
    context.close()
