"""The History panel in Chromium: save, show changes, step through, restore."""

import pytest
from playwright.sync_api import expect

from canvas.models import Version
from canvas.services import create_canvas
from collab.persistence import load_text
from tests.conftest import login_context, wait_htmx_idle, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_save_show_changes_and_restore_in_the_browser(new_context, make_user,
                                                      live_server_url):
    ada = make_user("ada")
    canvas = create_canvas(ada, "History", "document")
    context = new_context()
    login_context(context, ada, live_server_url)
    page = context.new_page()
    page.goto(f"/canvases/{canvas.id}/")
    page.wait_for_function("() => window.canvasEditor && window.canvasEditor.isSynced()")
    page.click(".cm-content")
    page.keyboard.type("First words <script>x</script>.")
    wait_until(lambda: "First words" in load_text(str(canvas.id)))

    page.click("#history-button")
    wait_htmx_idle(page)
    dialog = page.locator("#history-dialog")
    dialog.locator("input[name=label]").fill("Before the change")
    dialog.locator(".save-version button").click()
    expect(dialog.locator(".version-label", has_text="Before the change")).to_be_visible()
    dialog.locator("form[method=dialog] button").click()

    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type(" Second words.")
    wait_until(lambda: "Second words" in load_text(str(canvas.id)))

    page.click("#history-button")
    wait_htmx_idle(page)
    saved = dialog.locator(".version", has_text="Before the change")
    saved.locator("text=Compare with now").click()
    expect(dialog.locator(".diff ins")).to_have_text(" Second words.")
    expect(dialog.locator(".diff")).to_contain_text("<script>x</script>")  # shown as text
    saved.locator("text=View").click()
    expect(dialog.locator(".version-text")).to_have_text("First words <script>x</script>.")
    page.once("dialog", lambda d: d.accept())
    dialog.locator("[data-restore]").click()
    wait_until(lambda: load_text(str(canvas.id)) == "First words <script>x</script>.",
               message="restored text stored")
    page.wait_for_function(
        "() => window.canvasEditor.ytext.toString() === 'First words <script>x</script>.'")
    expect(dialog.locator(".version.reason-restore")).to_be_visible()
    assert Version.objects.filter(reason="restore", author=ada).exists()


def test_last_ai_edit_toggle_highlights_what_the_turn_wrote(new_context, make_user,
                                                            live_server_url, fake_openai,
                                                            settings):
    """A real turn (a rewrite, diffed word by word into the canvas) through the fake model;
    the toggle marks the words that turn's client id wrote, whole, after a person typed."""
    from canvas.assistant.turns import TurnRunner
    from canvas.models import Message
    from tests.assistant.conftest import Human
    from tests.fakes.openai_server import ToolCall, ToolCalls

    settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY = fake_openai.base_url, "test-key"
    ada = make_user("ada")
    canvas = create_canvas(ada, "Turn", "document")
    Human(canvas.id).insert(0, "Zoë 😀 wrote this. Then more text.\n")
    context = new_context()
    login_context(context, ada, live_server_url)
    page = context.new_page()
    page.goto(f"/canvases/{canvas.id}/")
    page.wait_for_function("() => window.canvasEditor && window.canvasEditor.isSynced()")
    fake_openai.add_response(ToolCalls([ToolCall("rewrite_canvas", {
        "content": "Zoë 😀 wrote this. Then ✨ NEW words from the model.\n"})]))
    request = Message.objects.create(canvas=canvas, author=ada, text="Rewrite")
    turn = Message.objects.create(canvas=canvas, is_assistant=True, reply_to=request,
                                  status=Message.Status.STREAMING)

    # In a thread: the turn publishes with async_to_sync, which cannot run beside
    # Playwright's loop.
    def assistant_edit():
        TurnRunner(turn.id).run()

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(assistant_edit).result(10)
    page.wait_for_function("() => window.canvasEditor.ytext.toString().includes('NEW words')")
    page.click(".cm-content")
    page.keyboard.press("Control+Home")
    page.keyboard.type("Typed by Ada. ")
    page.click(".last-turn-toggle")
    expect(page.locator(".last-turn-toggle")).to_have_attribute("aria-pressed", "true")
    marked = page.locator(".cm-last-turn").all_inner_texts()
    assert [m.replace("\u200b", "") for m in marked] == ["✨ NEW words from the model"]
    page.click(".last-turn-toggle")
    expect(page.locator(".cm-last-turn")).to_have_count(0)
