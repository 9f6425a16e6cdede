"""Real-time sync end to end (issue 3, tests 1 and 3): Chromium editors, a Python peer,
and a server killed mid-typing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from canvas.models import Membership
from canvas.services import create_canvas
from collab.client import SyncClient
from collab.persistence import load_text
from tests.conftest import login_context, wait_until
from tests.sync.helpers import session_id, sync_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_editor(browser, base_url, user, canvas):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    login_context(context, user, base_url)
    page = context.new_page()
    page.goto(f"/canvases/{canvas.id}/")
    page.wait_for_function("() => window.canvasEditor && window.canvasEditor.isSynced()")
    return context, page


def editor_text(page) -> str:
    return page.evaluate("() => window.canvasEditor.ytext.toString()")


def place_cursor(page, index: int) -> None:
    page.evaluate("(i) => { const v = window.canvasEditor.view; v.focus();"
                  " v.dispatch({selection: {anchor: i}}); }", index)


def test_two_browsers_and_a_python_peer_converge(browser, live_server_url, make_user,
                                                 loop_thread):
    ada, bob = make_user("ada"), make_user("bob")
    canvas = create_canvas(ada, "Together", "document")
    Membership.objects.create(canvas=canvas, user=bob, role="editor")
    python_peer = SyncClient(sync_url(live_server_url, canvas.id), session_id(ada))
    loop_thread.run(python_peer.connect())
    seed = "Start Zoë 😀 漢字.\nMiddle line.\nEnd line.\n"
    loop_thread.run(_insert(python_peer, 0, seed))
    (ctx_a, a), (ctx_b, b) = (open_editor(browser, live_server_url, u, canvas)
                              for u in (ada, bob))
    wait_until(lambda: editor_text(a) == seed and editor_text(b) == seed, message="seed")
    # Different positions, typed at the same time (interleaved keystrokes).
    place_cursor(a, len("Start Zoë 😀 漢字.".encode("utf-16-le")) // 2)
    place_cursor(b, len(seed.encode("utf-16-le")) // 2)
    for a_char, b_char in zip(" ÀÉÎ 🚀 one", " two ünï 字", strict=False):
        a.keyboard.type(a_char)
        b.keyboard.type(b_char)
    loop_thread.run(_insert(python_peer, len("Start Zoë 😀 漢字.\n"), "[py]"))
    # The same position at once.
    place_cursor(a, 0)
    place_cursor(b, 0)
    a.keyboard.type("AAA")
    b.keyboard.type("BBB")
    loop_thread.run(_insert(python_peer, 0, "PPP"))

    def settled():
        texts = {editor_text(a), editor_text(b), python_peer.get_text(),
                 load_text(str(canvas.id))}
        return texts.pop() if len(texts) == 1 else None

    final = wait_until(settled, timeout=15, message="all peers and the database agree")
    for piece in ("ÀÉÎ 🚀 one", "two ünï 字", "[py]", "AAA", "BBB", "PPP", "Middle line."):
        assert final.count(piece) == 1, piece
    loop_thread.run(python_peer.close())
    ctx_a.close()
    ctx_b.close()


async def _insert(client: SyncClient, index: int, text: str) -> None:
    client.insert(index, text)
    await client.roundtrip()


def test_server_killed_while_typing_loses_nothing(browser, asgi_server_factory, make_user):
    ada = make_user("ada")
    canvas = create_canvas(ada, "Crash test", "code", "python")
    server = asgi_server_factory()
    context, page = open_editor(browser, server.url, ada, canvas)
    place_cursor(page, 0)
    page.keyboard.type("before_crash = 1\n")
    wait_until(lambda: "before_crash = 1" in load_text(str(canvas.id)), message="persisted")
    page.keyboard.type("in_flight = 2\n")
    server.stop(kill=True)  # SIGKILL: no goodbye, no flush
    page.keyboard.type("during_outage = 3  # héllo 😀\n")
    expect(page.locator("#connection-status")).not_to_have_attribute("data-state",
                                                                     "connected")
    server.start()  # same port: the browser must find it again by itself
    page.keyboard.type("after_restart = 4\n")
    expected = ["before_crash = 1", "in_flight = 2", "during_outage = 3  # héllo 😀",
                "after_restart = 4"]
    wait_until(lambda: all(line in load_text(str(canvas.id)) for line in expected),
               timeout=30, message="every line in the database")
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected")
    assert editor_text(page) == load_text(str(canvas.id))
    for line in expected:
        assert editor_text(page).count(line) == 1
    context.close()
