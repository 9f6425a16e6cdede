"""Issue #14 in real Chromium: the app works under its Content-Security-Policy.

Two people edit one code canvas (typing, remote cursors), chat with the assistant, open History,
Share (an invite link) and Publish, run the preview (a frame from the preview origin) and open the
published page, the list, log-in and sign-up pages and the admin, and the browser reports no
CSP violation anywhere: none in the
pages (``securitypolicyviolation``) and no "Refused to ..." / Content Security Policy message in
any frame's console.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from canvas.models import Membership, Publication
from canvas.services import create_canvas
from tests.conftest import PASSWORD, login_context
from tests.fakes.openai_server import Reply
from tests.preview.helpers import app_base

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Installed before any page script, in every frame.
VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
    `${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
"""
APP_CODE = """import { useState } from "react";
export default function Counter() {
  const [n, setN] = useState(0);
  return <button id="count" className="p-2 bg-indigo-600" onClick={() => setN(n + 1)}>
    Clicked {n}</button>;
}
"""


class Watch:
    """Contexts whose pages must report no CSP violation."""

    def __init__(self, browser, base: str) -> None:
        self.browser, self.base = browser, base
        self.contexts, self.pages, self.console = [], [], []

    def context(self):
        context = self.browser.new_context(base_url=self.base,
                                           viewport={"width": 1400, "height": 900})
        context.set_default_timeout(15_000)
        context.add_init_script(VIOLATIONS)
        self.contexts.append(context)
        return context

    def page(self, context):
        page = context.new_page()
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}")
                if "Refused to" in m.text or "Content Security Policy" in m.text else None)
        self.pages.append(page)
        return page

    def violations(self) -> list[str]:
        found = list(self.console)
        for page in self.pages:
            if page.is_closed():
                continue
            for frame in page.frames:
                try:
                    found += frame.evaluate("() => window.__violations || []")
                except Exception:  # noqa: BLE001 - a frame that went away reported nothing
                    pass
        return found

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def watch(browser, server):
    # The app on localhost, so that the preview and published pages come from 127.0.0.1.
    watched = Watch(browser, app_base(server.url))
    yield watched
    watched.close()


def open_canvas(watch: Watch, user, canvas):
    context = watch.context()
    login_context(context, user, watch.base)
    page = watch.page(context)
    page.goto(f"/canvases/{canvas.id}/")
    page.wait_for_function("() => window.canvasEditor && window.canvasPreview")
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected")
    page.wait_for_function("() => canvasEditor.isSynced()")
    return page


def type_at_end(page, text: str) -> None:
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def selected_whole(locator) -> bool:
    return locator.evaluate("el => el.selectionStart === 0 && el.selectionEnd === el.value.length"
                            " && el.value.length > 0")


def test_the_app_runs_under_its_policy_without_a_violation(watch, make_user, fake_openai,
                                                           server, django_user_model):
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Counter", "code", "jsx")
    Membership.objects.create(canvas=canvas, user=bob, role="editor")
    fake_openai.add_response(Reply(text="Looks fine to me."))
    page_a = open_canvas(watch, alice, canvas)
    page_b = open_canvas(watch, bob, canvas)

    # The editor's styles came in with the nonce: the theme applies (no unstyled editor).
    assert page_a.evaluate("() => [...document.querySelectorAll('style')].some(s => s.nonce)")
    assert page_a.locator(".cm-editor").evaluate("el => getComputedStyle(el).display") == "flex"

    # Typing syncs, and each sees the other's labelled, coloured cursor (style attributes).
    page_a.evaluate("(code) => canvasEditor.ytext.insert(0, code)", APP_CODE)
    type_at_end(page_a, "// alice typed this")
    page_b.wait_for_function("() => canvasEditor.ytext.toString().endsWith('alice typed this')")
    type_at_end(page_b, " and bob this")
    expect(page_a.locator(".cm-ySelectionInfo", has_text="bob")).to_have_count(1)
    page_b.locator(".cm-content").click()
    page_a.locator(".cm-content").click()
    page_a.keyboard.press("Control+End")
    page_a.keyboard.type(" ")
    expect(page_b.locator(".cm-ySelectionInfo", has_text="alice")).to_have_count(1)
    caret = page_b.locator(".cm-ySelectionCaret").first.evaluate(
        "el => getComputedStyle(el).backgroundColor")
    assert caret not in ("rgba(0, 0, 0, 0)", "transparent"), caret

    # The chat form clears itself after a sent message (an htmx:afterRequest listener now).
    page_a.fill("#chat-text", "Review this please")
    page_a.locator("#chat-form button.primary").click()
    expect(page_a.locator("#chat-text")).to_have_value("")
    expect(page_a.locator("#chat-messages li.from-assistant .chat-text").last).to_have_text(
        "Looks fine to me.")

    # The preview: a frame from the preview origin, rendering and reacting to a click.
    page_a.click("#preview-tabs [data-preview-mode=split]")
    preview = page_a.frame_locator("#preview-root iframe.preview-frame:not(.is-loading)")
    preview.locator("#count").click()
    expect(preview.locator("#count")).to_have_text("Clicked 1")

    # History, then Share: an invite link whose field selects itself on focus.
    page_a.click("#history-button")
    expect(page_a.locator("#history-side")).to_be_visible()
    expect(page_a.locator("#history-side .timeline")).to_be_visible()
    page_a.locator("#history-side [data-history-close]").click()
    page_a.click("#share-button")
    share = page_a.locator("#share-dialog")
    expect(share.locator(".invite-form")).to_be_visible()
    share.locator(".invite-form button").click()
    invite = share.locator("#invite-url")
    expect(invite).to_be_visible()
    page_a.locator("#share-title").click()
    invite.focus()
    assert selected_whole(invite)
    expect(share.locator(".publish-form")).to_be_visible()  # the public-page part loaded
    share.locator("form[method=dialog] button").click()

    # Publish, then open the published page (its own policy, on the preview origin).
    page_a.click("#publish-button")
    publish = page_a.locator("#publish-dialog")
    publish.locator(".publish-form button.primary").click()
    public_url = publish.locator("#public-url")
    expect(public_url).to_be_visible()
    page_a.locator("#publish-title").click()
    public_url.focus()
    assert selected_whole(public_url)
    publication = Publication.objects.get(canvas=canvas)
    published = watch.page(watch.context())
    published.goto(f"{server.url}/p/{publication.token}/")
    inside = published.frame_locator("iframe")
    expect(inside.locator("#count")).to_have_text("Clicked 0")

    # The list of canvases, and the pages of someone signed out.
    page_a.goto("/")
    expect(page_a.locator("#create-form")).to_be_visible()
    visitor = watch.page(watch.context())
    for path in ("/accounts/login/", "/accounts/signup/"):
        visitor.goto(path)
        expect(visitor.locator("form button[type=submit]").last).to_be_visible()

    # The admin (its own scripts and styles, all files) under the same policy.
    django_user_model.objects.create_superuser("admin", password=PASSWORD)
    admin = watch.page(watch.context())
    admin.goto("/admin/login/")
    admin.fill("#id_username", "admin")
    admin.fill("#id_password", PASSWORD)
    admin.click("input[type=submit]")
    expect(admin.locator("#site-name")).to_be_visible()
    admin.goto("/admin/auth/user/add/")
    expect(admin.locator("#id_username")).to_be_visible()

    page_a.wait_for_timeout(500)  # reports are queued as tasks
    assert watch.violations() == []
