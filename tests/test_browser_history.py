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
