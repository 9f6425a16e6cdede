"""The browser editor (frontend/src/editor) in real Chromium against a live uvicorn server.

CodeMirror 6 + Yjs bound with y-codemirror.next, synced over /ws/canvases/<uuid>/sync:
highlighting, the Markdown view, presence, per-user undo, viewers, offline edits.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from canvas.models import Membership
from canvas.services import create_canvas
from collab.consumers import READ_ONLY_MESSAGE
from collab.protocol import Outer, parse_awareness, parse_frame
from tests.conftest import login_context, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYNC_ROUTE = re.compile(r"/ws/canvases/[0-9a-f-]+/sync$")


# --- helpers ---------------------------------------------------------------------------------

# Installed before any page script: records what the indicator showed, canvas:synced events and
# uncaught errors, so tests can check transitions too short to catch by polling.
RECORDER = """
window.__statusTexts = []; window.__syncedEvents = 0; window.__errors = [];
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));
document.addEventListener('canvas:synced', () => { window.__syncedEvents += 1; });
document.addEventListener('DOMContentLoaded', () => {
  const el = document.getElementById('connection-status');
  if (!el) return;
  new MutationObserver(() => {
    const texts = window.__statusTexts;
    if (texts[texts.length - 1] !== el.textContent) texts.push(el.textContent);
  }).observe(el, {childList: true, characterData: true, subtree: true});
});
"""


def signed_in_context(new_context, user, live_server_url, **context_options):
    context = new_context(**context_options)
    login_context(context, user, live_server_url)
    context.add_init_script(RECORDER)
    return context


def open_canvas(new_context, user, canvas, live_server_url, **context_options):
    """A signed-in page on the canvas with the editor mounted (not necessarily synced)."""
    context = signed_in_context(new_context, user, live_server_url, **context_options)
    page = context.new_page()
    page.goto(f"/canvases/{canvas.id}/")
    page.wait_for_function("() => window.canvasEditor && window.canvasEditor.view")
    return page


def assert_no_page_errors(*pages) -> None:
    for page in pages:
        if not page.is_closed():
            assert page.evaluate("() => window.__errors") == []


def wait_synced(page) -> None:
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected")
    page.wait_for_function("() => canvasEditor.isSynced()")


def text_of(page) -> str:
    return page.evaluate("() => canvasEditor.ytext.toString()")


def type_at_end(page, text: str) -> None:
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def editor_shows(page, text: str) -> None:
    expect(page.locator(".cm-content")).to_contain_text(text)


def member(canvas, user, role: str) -> None:
    Membership.objects.create(canvas=canvas, user=user, role=role)


# --- one browser -----------------------------------------------------------------------------


def test_python_canvas_highlights_numbers_lines_and_searches(new_context, make_user,
                                                             live_server_url):
    alice = make_user("alice")
    canvas = create_canvas(alice, "Script", "code", "python")
    page = open_canvas(new_context, alice, canvas, live_server_url)

    type_at_end(page, "def greet(name):\n")
    page.keyboard.type("return 'hi ' + name  # friendly")

    keyword = page.locator(".cm-content .tok-keyword", has_text=re.compile(r"^def$"))
    expect(keyword).to_have_count(1)
    expect(page.locator(".cm-content .tok-string", has_text="'hi '")).to_have_count(1)
    expect(page.locator(".cm-content .tok-comment", has_text="# friendly")).to_have_count(1)
    colours = page.evaluate("""() => {
        const kw = [...document.querySelectorAll('.cm-content .tok-keyword')]
            .find((el) => el.textContent === 'def');
        const line = document.querySelector('.cm-content .cm-line');
        return [getComputedStyle(kw).color, getComputedStyle(line).color];
    }""")
    assert colours[0] != colours[1], "keywords are coloured differently from plain text"

    # Code: line numbers, no wrapping.
    expect(page.locator(".cm-lineNumbers .cm-gutterElement", has_text="2")).to_be_visible()
    assert not page.evaluate("() => canvasEditor.view.lineWrapping")

    # Ctrl+F opens the search panel, with replace (the canvas is editable).
    page.locator(".cm-content").click()
    page.keyboard.press("Control+f")
    search = page.locator(".cm-search input[name=search]")
    expect(search).to_be_focused()
    expect(page.locator(".cm-search input[name=replace]")).to_be_visible()
    search.fill("greet")
    page.locator(".cm-search input[name=replace]").fill("welcome")
    page.locator(".cm-search button[name=replaceAll]").click()
    assert text_of(page).startswith("def welcome(name):")


def test_theme_follows_dark_colour_scheme(new_context, make_user, live_server_url):
    alice = make_user("alice")
    canvas = create_canvas(alice, "Dark", "code", "javascript")
    page = open_canvas(new_context, alice, canvas, live_server_url, color_scheme="light")
    type_at_end(page, "const answer = 42;")
    look = """() => [
        document.querySelector('.cm-editor').dataset.theme,
        getComputedStyle(document.querySelector('.cm-editor')).backgroundColor,
        getComputedStyle(document.querySelector('.cm-content .tok-keyword')).color,
    ]"""
    light = page.evaluate(look)
    assert light[:2] == ["light", "rgb(255, 255, 255)"]  # --surface, light

    page.emulate_media(color_scheme="dark")  # the editor follows without a reload
    expect(page.locator(".cm-editor")).to_have_attribute("data-theme", "dark")
    dark = page.evaluate(look)
    assert dark[1] == "rgb(31, 31, 29)"  # --surface, dark (#1f1f1d)
    assert dark[2] != light[2], "token colours change with the scheme"


def test_markdown_view_renders_live_and_sanitises(new_context, make_user, live_server_url):
    alice = make_user("alice")
    canvas = create_canvas(alice, "Notes", "document")
    page = open_canvas(new_context, alice, canvas, live_server_url)
    assert page.evaluate("() => canvasEditor.view.lineWrapping"), "documents wrap lines"
    expect(page.locator(".cm-lineNumbers")).to_have_count(0)

    markdown = "\n".join([
        "# Launch plan",
        "",
        "| Name | Owner |",
        "| ---- | ----- |",
        "| Beta | Alice |",
        "",
        "<script>window.__pwned = 'script'</script>",
        "",
        "<img src=\"x\" onerror=\"window.__pwned = 'img'\">",
        "",
        "[evil](javascript:window.__pwned='link') and [docs](https://example.com/docs)",
        "",
    ])
    page.evaluate("(md) => canvasEditor.view.dispatch({changes: {from: 0, insert: md}})", markdown)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("button", name="Preview")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".editor-pane")).to_be_hidden()

    preview = page.locator(".markdown-preview")
    expect(preview.locator("h1")).to_have_text("Launch plan")
    expect(preview.locator("table th")).to_have_text(["Name", "Owner"])
    expect(preview.locator("table td")).to_have_text(["Beta", "Alice"])
    expect(preview.locator("script")).to_have_count(0)
    expect(preview.locator("img")).to_have_count(1)
    assert preview.locator("img").get_attribute("onerror") is None
    evil = preview.locator("a", has_text="evil")
    assert not (evil.get_attribute("href") or "").lower().startswith("javascript:")
    docs = preview.locator("a", has_text="docs")
    expect(docs).to_have_attribute("target", "_blank")
    expect(docs).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    evil.click()  # must do nothing harmful
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None

    # Live: an edit (here through the Y document, as a remote one arrives) re-renders it.
    page.evaluate("() => canvasEditor.ytext.insert(canvasEditor.ytext.length, '\\n## Next\\n')")
    expect(preview.locator("h2")).to_have_text("Next")

    page.get_by_role("button", name="Split").click()
    expect(page.locator(".editor-pane")).to_be_visible()
    expect(preview).to_be_visible()
    page.get_by_role("button", name="Edit", exact=True).click()
    expect(preview).to_be_hidden()


def test_huge_paste_is_refused_with_a_notice(new_context, make_user, live_server_url):
    alice = make_user("alice")
    canvas = create_canvas(alice, "Big", "document")
    page = open_canvas(new_context, alice, canvas, live_server_url)
    page.evaluate("""() => canvasEditor.view.dispatch({
        changes: {from: 0, insert: 'x'.repeat(1200 * 1024)}, userEvent: 'input.paste'})""")
    expect(page.locator("#notices .notice.error")).to_contain_text("too large")
    assert text_of(page) == ""


def test_access_lost_close_code_stops_reconnecting(new_context, make_user, live_server_url):
    """A 4403 close shows the notice, marks offline, makes the editor read-only, stops retrying."""
    alice = make_user("alice")
    canvas = create_canvas(alice, "Revoked", "document")
    context = signed_in_context(new_context, alice, live_server_url)
    attempts = []

    def refuse(ws):
        attempts.append(ws.url)
        ws.close(code=4403, reason="no access")

    context.route_web_socket(SYNC_ROUTE, refuse)
    page = context.new_page()
    page.goto(f"/canvases/{canvas.id}/")
    expect(page.locator("#notices .notice.error")).to_contain_text(
        "You no longer have access to this canvas")
    status = page.locator("#connection-status")
    expect(status).to_have_attribute("data-state", "offline")
    expect(page.locator(".cm-content")).to_have_attribute("contenteditable", "false")
    page.wait_for_timeout(3000)  # longer than the reconnect backoff
    assert len(attempts) == 1


# --- two or more browsers (needs the sync endpoint) ------------------------------------------


def test_two_users_see_avatars_and_labelled_cursors(new_context, make_user, live_server_url):
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Together", "code", "python")
    member(canvas, bob, "editor")
    page_a = open_canvas(new_context, alice, canvas, live_server_url)
    page_b = open_canvas(new_context, bob, canvas, live_server_url)
    wait_synced(page_a)
    wait_synced(page_b)

    avatars_a = page_a.locator("#participants .avatar")
    expect(avatars_a).to_have_count(2)
    expect(page_a.locator("#participants .avatar-you")).to_have_attribute("title", "alice (you)")
    expect(page_a.locator("#participants .avatar[title='bob']")).to_have_text("B")
    expect(page_b.locator("#participants .avatar[title='alice']")).to_have_text("A")

    # A second tab of bob's is still one avatar.
    page_b2 = page_b.context.new_page()
    page_b2.goto(f"/canvases/{canvas.id}/")
    wait_synced(page_b2)
    page_a.wait_for_function("() => canvasEditor.awareness.getStates().size === 3")
    expect(avatars_a).to_have_count(2)
    page_b2.close()

    # Stable colours: bob has the same colour in both browsers.
    colour_in_a = page_a.locator("#participants .avatar[title='bob']").evaluate(
        "el => el.style.backgroundColor")
    colour_in_b = page_b.locator("#participants .avatar-you").evaluate(
        "el => el.style.backgroundColor")
    assert colour_in_a == colour_in_b

    type_at_end(page_b, "x = 1")
    editor_shows(page_a, "x = 1")
    label = page_a.locator(".cm-ySelectionInfo", has_text="bob")
    expect(label).to_have_count(1)
    # bob's name shows on his caret while he types, and fades once he stops.
    expect(label).to_have_css("opacity", "1")
    expect(label).to_have_css("opacity", "0", timeout=10_000)
    type_at_end(page_a, "\ny = 2")
    expect(page_b.locator(".cm-ySelectionInfo", has_text="alice")).to_have_count(1)

    page_b.close()
    expect(avatars_a).to_have_count(1, timeout=5000)
    expect(page_a.locator(".cm-ySelectionInfo", has_text="bob")).to_have_count(0)

    # The assistant (its presence comes from the server) gets the distinct ✦ avatar.
    page_a.evaluate("""() => {
        const awareness = canvasEditor.awareness;
        awareness.states.set(424242, {user: {id: 'assistant', name: 'Model', isAssistant: true}});
        awareness.meta.set(424242, {clock: 1, lastUpdated: Date.now()});
        awareness.emit('change', [{added: [424242], updated: [], removed: []}, 'test']);
    }""")
    assistant = page_a.locator("#participants .avatar-assistant")
    expect(assistant).to_have_text("✦")
    expect(assistant).to_have_attribute("title", "✦ Assistant · Model")
    assert_no_page_errors(page_a)


def test_undo_only_undoes_my_own_edits(new_context, make_user, live_server_url):
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Undo", "document")
    member(canvas, bob, "editor")
    page_a = open_canvas(new_context, alice, canvas, live_server_url)
    page_b = open_canvas(new_context, bob, canvas, live_server_url)
    wait_synced(page_a)
    wait_synced(page_b)

    type_at_end(page_a, "Alice was here. ")
    wait_until(lambda: text_of(page_b) == "Alice was here. ", message="alice's text at bob")
    type_at_end(page_b, "Bob too.")
    wait_until(lambda: text_of(page_a) == "Alice was here. Bob too.", message="bob's text at alice")

    page_a.locator(".cm-content").focus()
    page_a.keyboard.press("Control+z")
    wait_until(lambda: text_of(page_a) == "Bob too.", message="alice's undo")
    wait_until(lambda: text_of(page_b) == "Bob too.", message="the undo reaching bob")

    page_a.keyboard.press("Control+Shift+Z")  # as a keyboard sends it: key "Z" with Shift
    wait_until(lambda: text_of(page_b) == "Alice was here. Bob too.", message="alice's redo")

    # Bob's undo takes back his words only.
    page_b.locator(".cm-content").focus()
    page_b.keyboard.press("Control+z")
    wait_until(lambda: text_of(page_a) == "Alice was here. ", message="bob's undo")


def test_accents_cjk_and_emoji_keep_their_positions(new_context, make_user, live_server_url):
    """UTF-16 in the browser, UTF-8 bytes in pycrdt: inserts after wide characters land right."""
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Unicode", "document")
    member(canvas, bob, "editor")
    page_a = open_canvas(new_context, alice, canvas, live_server_url)
    page_b = open_canvas(new_context, bob, canvas, live_server_url)
    wait_synced(page_a)
    wait_synced(page_b)

    type_at_end(page_b, "Café 世界 😀 end")
    wait_until(lambda: text_of(page_a) == "Café 世界 😀 end", message="unicode at alice")
    page_a.locator(".cm-content").click()
    page_a.keyboard.press("Control+End")
    for _ in range(4):
        page_a.keyboard.press("ArrowLeft")  # before " end"
    page_a.keyboard.type("🎉")
    expected = "Café 世界 😀🎉 end"
    wait_until(lambda: text_of(page_b) == expected, message="alice's emoji at bob")
    assert text_of(page_a) == expected

    # A fresh page loads it from the server intact.
    page_c = open_canvas(new_context, bob, canvas, live_server_url)
    wait_synced(page_c)
    assert text_of(page_c) == expected


def test_viewer_is_read_only_but_sees_edits_and_cursors_live(new_context, make_user,
                                                             live_server_url):
    alice, carol = make_user("alice"), make_user("carol")
    canvas = create_canvas(alice, "Read me", "document")
    member(canvas, carol, "viewer")
    page_a = open_canvas(new_context, alice, canvas, live_server_url)
    page_c = open_canvas(new_context, carol, canvas, live_server_url)
    wait_synced(page_a)
    wait_synced(page_c)

    content_c = page_c.locator(".cm-content")
    expect(content_c).to_have_attribute("contenteditable", "false")
    content_c.click()
    page_c.keyboard.type("carol typed")
    page_c.keyboard.press("Enter")
    page_c.keyboard.press("Control+v")
    assert text_of(page_c) == ""

    type_at_end(page_a, "Only alice writes here.")
    editor_shows(page_c, "Only alice writes here.")
    expect(page_c.locator(".cm-ySelectionInfo", has_text="alice")).to_have_count(1)
    assert text_of(page_a) == "Only alice writes here."

    # A change forced in through the Y document is refused by the server (an auth "permission
    # denied" frame), and its reason is shown.
    page_c.evaluate("() => canvasEditor.ytext.insert(0, 'sneaky ')")
    expect(page_c.locator("#notices .notice.error")).to_have_text(READ_ONLY_MESSAGE)
    page_a.wait_for_timeout(500)
    assert text_of(page_a) == "Only alice writes here."
    assert_no_page_errors(page_a, page_c)


def test_offline_edits_are_counted_and_reach_others_on_reconnect(new_context, make_user,
                                                                 live_server_url):
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Offline", "document")
    member(canvas, bob, "editor")
    page_a = open_canvas(new_context, alice, canvas, live_server_url)
    page_b = open_canvas(new_context, bob, canvas, live_server_url)
    wait_synced(page_a)
    wait_synced(page_b)
    status = page_a.locator("#connection-status")
    expect(status).to_have_text("Connected")

    page_a.evaluate("() => canvasEditor.provider.disconnect()")
    expect(status).to_have_attribute("data-state", "offline")
    expect(status).to_have_text("Offline")
    type_at_end(page_a, "typed offline")
    expect(status).to_have_text(re.compile(r"^Offline · \d+ unsent edits$"))
    assert page_a.evaluate("() => canvasEditor.unsentEdits()") == len("typed offline")
    page_b.wait_for_timeout(500)
    assert text_of(page_b) == ""

    page_a.evaluate("() => canvasEditor.provider.connect()")
    expect(status).to_have_text("Connected")
    assert page_a.evaluate("() => canvasEditor.unsentEdits()") == 0
    wait_until(lambda: text_of(page_b) == "typed offline", message="offline edits at bob")
    texts = page_a.evaluate("() => window.__statusTexts")
    assert "Offline · 1 unsent edit" in texts  # singular
    assert "Offline · 13 unsent edits" in texts
    assert texts[-1] == "Connected"
    assert page_a.evaluate("() => window.__syncedEvents") == 1, "canvas:synced fires once"
    assert_no_page_errors(page_a, page_b)


def test_browser_offline_event_and_edits_survive_a_reload(new_context, make_user,
                                                          live_server_url):
    """The network drops (browser offline, socket refused), the tab is reloaded: nothing is lost."""
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Reload", "document")
    member(canvas, bob, "editor")
    page_b = open_canvas(new_context, bob, canvas, live_server_url)
    context_a = signed_in_context(new_context, alice, live_server_url)
    blocked = {"on": False}

    def gate(ws):
        if blocked["on"]:
            ws.close(code=1001, reason="network down")
        else:
            ws.connect_to_server()

    context_a.route_web_socket(SYNC_ROUTE, gate)
    page_a = context_a.new_page()
    page_a.goto(f"/canvases/{canvas.id}/")
    wait_synced(page_a)
    wait_synced(page_b)
    type_at_end(page_a, "before. ")
    wait_until(lambda: text_of(page_b) == "before. ", message="first edit at bob")

    # The browser goes offline: the indicator says so at once, edits are counted.
    blocked["on"] = True
    context_a.set_offline(True)
    status = page_a.locator("#connection-status")
    expect(status).to_have_attribute("data-state", "offline")
    type_at_end(page_a, "after")
    expect(status).to_have_text("Offline · 5 unsent edits")
    context_a.set_offline(False)

    # Reload with the server still unreachable: the text comes back from this browser's copy.
    page_a.reload()
    page_a.wait_for_function("() => window.canvasEditor")
    editor_shows(page_a, "before. after")
    databases = page_a.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)")
    assert f"canvas-{canvas.id}" in databases
    expect(status).to_have_attribute("data-state", re.compile("offline|reconnecting"))
    assert text_of(page_b) == "before. "

    # The network comes back: the edits made offline reach bob.
    blocked["on"] = False
    expect(status).to_have_text("Connected", timeout=10_000)
    wait_until(lambda: text_of(page_b) == "before. after", message="offline edits at bob")
    assert page_a.evaluate("() => canvasEditor.unsentEdits()") == 0
    assert text_of(page_a) == "before. after"  # merged, not duplicated


def test_too_large_close_shows_notice_and_reconnects(new_context, make_user, live_server_url):
    """4413 (frame too large) is not terminal: a notice, "Reconnecting…", then connected again."""
    alice = make_user("alice")
    canvas = create_canvas(alice, "Frames", "document")
    context = signed_in_context(new_context, alice, live_server_url)
    attempts = []

    def gate(ws):
        attempts.append(ws.url)
        if len(attempts) == 2:
            ws.close(code=4413, reason="Frames are limited to 1048576 bytes.")
        else:
            ws.connect_to_server()

    context.route_web_socket(SYNC_ROUTE, gate)
    page = context.new_page()
    page.goto(f"/canvases/{canvas.id}/")
    wait_synced(page)
    page.evaluate("() => canvasEditor.provider.ws.close()")  # the connection drops
    expect(page.locator("#notices .notice.error")).to_contain_text("too large")
    expect(page.locator("#connection-status")).to_have_text("Connected")
    assert len(attempts) == 3
    texts = page.evaluate("() => window.__statusTexts")
    assert "Reconnecting…" in texts
    assert texts[-1] == "Connected"
    assert page.evaluate("() => window.__syncedEvents") == 1


def test_five_people_and_reloads_keep_every_socket_open(new_context, make_user,
                                                        live_server_url):
    """y-websocket sends back every presence it hears of, and the end of each that left:
    the server counted those as the sender's own, and closed every socket of a room of five
    with 4413 once someone reloaded. Nobody may be closed, and everyone converges."""
    names = ["alice", "bob", "carol", "dave", "erin"]
    users = [make_user(name) for name in names]
    canvas = create_canvas(users[0], "Busy room", "document")
    for user in users[1:]:
        member(canvas, user, "editor")
    pages = [open_canvas(new_context, user, canvas, live_server_url) for user in users]
    for page, name in zip(pages, names, strict=True):
        wait_synced(page)
        type_at_end(page, f"{name} was here. ")
    for page in pages:
        for name in names:
            editor_shows(page, f"{name} was here.")
    for _ in range(2):  # bob reloads: his old presence ends, a new one begins
        pages[1].reload()
        pages[1].wait_for_function("() => window.canvasEditor && window.canvasEditor.view")
        wait_synced(pages[1])
    type_at_end(pages[1], "bob is back.")
    for page in pages:
        editor_shows(page, "bob is back.")
    expect(pages[0].locator(".cm-ySelectionInfo")).to_have_count(4)
    pages[0].wait_for_timeout(500)
    for page in pages:
        expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected")
        expect(page.locator("#notices .notice.error")).to_have_count(0)
    assert len({text_of(page) for page in pages}) == 1
    assert_no_page_errors(*pages)


def test_a_page_sends_only_its_own_presence(new_context, make_user, live_server_url):
    """y-websocket sends back every presence change it hears of: each cursor move of one
    person came back to the server from every other page (N-1 frames a move, for the
    server to parse and drop). A page sends its own presence only, and others still see
    it move, leave and come back."""
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Cursors", "document")
    member(canvas, bob, "editor")
    sent_by_alice: list[bytes] = []
    context = signed_in_context(new_context, alice, live_server_url)
    page_a = context.new_page()
    page_a.on("websocket", lambda ws: ws.on(
        "framesent", lambda payload: sent_by_alice.append(payload))
        if SYNC_ROUTE.search(ws.url) else None)
    page_a.goto(f"/canvases/{canvas.id}/")
    page_a.wait_for_function("() => window.canvasEditor && window.canvasEditor.view")
    page_b = open_canvas(new_context, bob, canvas, live_server_url)
    wait_synced(page_a)
    wait_synced(page_b)

    type_at_end(page_b, "bob types, ")
    type_at_end(page_a, "alice types. ")
    type_at_end(page_b, "bob moves on.")
    editor_shows(page_a, "bob moves on.")
    expect(page_a.locator(".cm-ySelectionInfo", has_text="bob")).to_have_count(1)
    page_b.close()  # alice hears bob's presence end
    expect(page_a.locator("#participants .avatar")).to_have_count(1, timeout=5000)
    page_b = open_canvas(new_context, bob, canvas, live_server_url)
    wait_synced(page_b)
    type_at_end(page_a, "Alice again.")
    expect(page_b.locator(".cm-ySelectionInfo", has_text="alice")).to_have_count(1)
    page_a.wait_for_timeout(300)

    own = page_a.evaluate("() => canvasEditor.awareness.clientID")
    presences = [parse_awareness(frame.payload) for frame in map(parse_frame, sent_by_alice)
                 if frame.outer == Outer.AWARENESS]
    assert len(presences) >= 3, "alice's own cursor moves went out"
    assert {entry.client_id for entries in presences for entry in entries} == {own}
    assert_no_page_errors(page_a, page_b)
