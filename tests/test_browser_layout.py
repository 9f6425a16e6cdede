"""The canvas page's layout in real Chromium (issue 15, "Layout"): creating, renaming, the "⋯"
menu, invitations for people who are signed out, and the side panels."""

import re

import pytest
from playwright.sync_api import expect

from canvas.models import Canvas, Membership, Role
from tests.test_browser_assistant import add_comment_through_ui
from tests.test_browser_foundation import PASSWORD, create_canvas, invite_link, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def header_box(page) -> dict:
    return page.locator(".topbar").bounding_box()


def test_a_canvas_needs_no_title_and_code_picks_a_code_language(new_context):
    page = new_context().new_page()
    sign_up(page, "maker")
    page.goto("/")
    language = page.locator("#create-form select[name=language]")
    expect(language).to_have_value("markdown")
    page.select_option("#create-form select[name=kind]", "code")
    expect(language).to_have_value("python")
    # Only code languages are offered for code.
    offered = language.evaluate("s => [...s.options].filter(o => !o.disabled).map(o => o.value)")
    assert "markdown" not in offered and "jsx" in offered
    page.click("#create-form button[type=submit]")
    expect(page.locator(".canvas-name")).to_have_text("Untitled canvas")
    expect(page.locator(".canvas-header .badge").first).to_have_text("Python")
    assert (Canvas.objects.get().kind, Canvas.objects.get().language) == ("code", "python")


def test_rename_saves_on_enter_and_blur_cancels_on_escape_without_moving_the_header(new_context):
    page = new_context().new_page()
    sign_up(page, "renamer2")
    create_canvas(page, "Draft")
    field = page.locator("#canvas-title input[name=title]")
    before = header_box(page)
    editor_top = page.locator("#canvas-area").bounding_box()["y"]

    page.click("[data-rename]")
    expect(field).to_be_focused()
    assert header_box(page) == before
    assert page.locator("#canvas-area").bounding_box()["y"] == editor_top
    field.fill("Dropped")
    field.press("Escape")
    expect(page.locator(".canvas-name")).to_have_text("Draft")
    expect(field).to_be_hidden()

    page.click("[data-rename]")
    field.fill("By Enter")
    field.press("Enter")
    expect(page.locator(".canvas-name")).to_have_text("By Enter")
    expect(page.locator("#canvas-title input[name=title]")).to_be_hidden()
    assert header_box(page) == before

    page.click("[data-rename]")
    page.locator("#canvas-title input[name=title]").fill("By blur")
    page.locator("#canvas-title input[name=title]").press("Tab")  # leave the field
    expect(page.locator(".canvas-name")).to_have_text("By blur")
    page.reload()
    expect(page.locator(".canvas-name")).to_have_text("By blur")


def test_delete_lives_in_the_more_menu_away_from_share(new_context):
    page = new_context().new_page()
    sign_up(page, "deleter")
    create_canvas(page, "Short lived")
    expect(page.locator("#delete-button")).to_be_hidden()
    page.click("#canvas-menu summary")
    expect(page.locator("#delete-button")).to_be_visible()
    page.keyboard.press("Escape")  # Esc closes the menu
    expect(page.locator("#delete-button")).to_be_hidden()
    page.click("#canvas-menu summary")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#delete-button")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#notices")).to_contain_text("Deleted “Short lived”")
    assert Canvas.objects.count() == 0


def test_a_signed_out_person_sees_the_invitation_then_logs_in_and_lands_on_the_canvas(
        new_context):
    owner = new_context().new_page()
    sign_up(owner, "inviter")
    canvas_url = create_canvas(owner, "Team notes")
    link = invite_link(owner, "commenter")
    guest = new_context().new_page()
    sign_up(guest, "guest")
    guest.click("text=Log out")
    expect(guest.locator(".account")).to_contain_text("Log in")
    guest.goto(link)
    expect(guest.locator("#invitation")).to_contain_text(
        "inviter invited you to “Team notes” as commenter")
    guest.click("#invitation >> text=Log in to join")
    guest.fill("input[name=username]", "guest")
    guest.fill("input[name=password]", PASSWORD)
    guest.click("main button[type=submit]")
    expect(guest).to_have_url(canvas_url)
    expect(guest.locator(".canvas-name")).to_have_text("Team notes")
    assert Membership.objects.get(user__username="guest").role == Role.COMMENTER


def widths(page) -> dict:
    return page.evaluate("""() => ({
        window: document.documentElement.clientWidth,
        editor: document.getElementById('canvas-area').getBoundingClientRect().width
            - (document.getElementById('comments-panel').hidden ? 0
               : document.getElementById('comments-panel').getBoundingClientRect().width),
        chat: document.getElementById('chat-panel').getBoundingClientRect().width,
        comments: document.getElementById('comments-panel').getBoundingClientRect().width,
    })""")


def test_a_collapsed_chat_stays_collapsed_after_a_reload_and_a_resize_is_remembered(new_context):
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_up(page, "folder")
    create_canvas(page, "Roomy")
    chat_text = page.locator("#chat-panel .chat-scroll")
    toggle = page.locator('#chat-panel [data-panel-toggle="chat"]')
    expect(chat_text).to_be_visible()
    open_width = widths(page)["chat"]
    toggle.click()
    expect(chat_text).to_be_hidden()
    assert widths(page)["chat"] < 60  # a rail
    page.reload()
    expect(page.locator('#chat-panel [data-panel-toggle="chat"]')).to_have_attribute(
        "aria-expanded", "false")
    expect(chat_text).to_be_hidden()
    page.locator('#chat-panel [data-panel-toggle="chat"]').click()
    expect(chat_text).to_be_visible()
    assert widths(page)["chat"] == open_width

    # Dragging the edge resizes it, and the width survives a reload.
    handle = page.locator('[data-panel-resize="chat"]').bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + 200
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 80, y, steps=4)
    page.mouse.up()
    wider = widths(page)["chat"]
    assert wider >= open_width + 60
    page.reload()
    expect(chat_text).to_be_visible()
    assert abs(widths(page)["chat"] - wider) <= 1


def test_the_comments_panel_collapses_and_resizes_and_remembers_both(new_context):
    page = new_context(viewport={"width": 1440, "height": 800}).new_page()
    sign_up(page, "panel-commenter")
    create_canvas(page, "Notes")
    page.wait_for_function("() => window.canvasEditor && canvasEditor.isSynced()")
    page.locator(".cm-content").click()
    page.keyboard.type("Words worth a comment.")
    add_comment_through_ui(page, "worth", "A note")
    card = page.locator("#comments-panel .comment-card")
    toggle = page.locator('#comments-panel [data-panel-toggle="comments"]')
    expect(card).to_be_visible()
    open_width = widths(page)["comments"]
    toggle.click()
    expect(card).to_be_hidden()
    assert widths(page)["comments"] < 60  # a rail
    page.reload()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(card).to_be_hidden()
    toggle.click()
    expect(card).to_be_visible()
    assert abs(widths(page)["comments"] - open_width) <= 1

    # Its inner (left) edge drags it wider, never past the editor's 60%, and the width
    # survives a reload.
    def drag_by(dx: float) -> None:
        handle = page.locator('[data-panel-resize="comments"]').bounding_box()
        x, y = handle["x"] + handle["width"] / 2, handle["y"] + 200
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + dx, y, steps=4)
        page.mouse.up()

    drag_by(-40)
    wider = widths(page)["comments"]
    assert wider >= open_width + 30
    page.reload()
    expect(card).to_be_visible()
    assert abs(widths(page)["comments"] - wider) <= 1
    drag_by(-400)
    size = widths(page)
    assert size["comments"] > wider
    assert size["editor"] >= 0.6 * size["window"] - 1


def test_at_800_px_the_editor_keeps_60_percent_and_the_header_one_row(new_context):
    page = new_context(viewport={"width": 800, "height": 700}).new_page()
    sign_up(page, "narrow-person-with-a-long-name")
    create_canvas(page, "A rather long title that would push the header onto a second row",
                  "code", "jsx")
    page.wait_for_function("() => window.canvasEditor")
    size = widths(page)
    assert size["editor"] >= 0.6 * size["window"] - 1
    header = page.locator(".topbar").bounding_box()
    for control in ("#history-button", "#share-button", "#canvas-menu summary", ".brand"):
        box = page.locator(control).bounding_box()
        bottom = header["y"] + header["height"]
        assert box["y"] >= header["y"] and box["y"] + box["height"] <= bottom
    assert header["height"] < 60  # one row
    assert page.evaluate("document.documentElement.scrollWidth") <= 800


def test_below_600_px_one_panel_at_a_time_with_tabs(new_context):
    page = new_context(viewport={"width": 480, "height": 800}).new_page()
    sign_up(page, "phone")
    create_canvas(page, "Pocket")
    tabs = page.locator("#panel-tabs")
    expect(tabs).to_be_visible()
    expect(page.locator("#editor-mount")).to_be_visible()
    expect(page.locator("#chat-panel")).to_be_hidden()
    tabs.locator("text=Chat").click()
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(page.locator("#editor-mount")).to_be_hidden()
    expect(tabs.locator("text=Chat")).to_have_attribute("aria-selected", "true")
    tabs.locator("text=Canvas").click()
    expect(page.locator("#editor-mount")).to_be_visible()
    expect(page.locator("#chat-panel")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 480


def test_last_ai_edit_waits_for_text_and_viewers_get_no_edit_tab(new_context):
    owner = new_context().new_page()
    sign_up(owner, "writer")
    create_canvas(owner, "Blank page")
    owner.wait_for_function("() => window.canvasEditor")
    toggle = owner.locator(".last-turn-toggle")
    expect(toggle).to_be_hidden()  # an empty canvas has no AI edit to show
    owner.locator(".cm-content").click()
    owner.keyboard.type("Some words")
    expect(toggle).to_be_visible()
    views = owner.locator("#editor-toolbar .view-toggle-button")
    expect(views).to_have_text(["Edit", "Split", "Preview"])
    link = invite_link(owner, "viewer")

    viewer = new_context().new_page()
    sign_up(viewer, "onlooker")
    viewer.goto(link)
    viewer.click("#invitation button[type=submit]")
    viewer.wait_for_function("() => window.canvasEditor")
    # The first tab is the writing view, read-only: "Read" (the source is behind "Markdown").
    expect(viewer.locator("#editor-toolbar .view-toggle-button")).to_have_text(
        ["Read", "Split", "Preview"])
    expect(viewer.get_by_role("button", name="Markdown", exact=True)).to_be_visible()
    expect(viewer.locator(".last-turn-toggle")).to_have_count(0)


def test_code_canvases_name_their_views_like_documents(new_context):
    page = new_context().new_page()
    sign_up(page, "coder")
    create_canvas(page, "App", "code", "jsx")
    expect(page.locator("#preview-tabs .view-toggle-button")).to_have_text(
        ["Edit", "Split", "Preview"])


def same_row(page, one: str, other: str) -> bool:
    """Whether two elements sit side by side in one row: each one's middle is within the other's
    height, and they do not overlap across."""
    a, b = page.locator(one).bounding_box(), page.locator(other).bounding_box()
    return (b["y"] <= a["y"] + a["height"] / 2 <= b["y"] + b["height"]
            and a["y"] <= b["y"] + b["height"] / 2 <= a["y"] + a["height"]
            and (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]))


@pytest.mark.parametrize("width", [1440, 800])
def test_last_ai_edit_shares_the_view_tabs_row_on_code_canvases(new_context, width):
    owner = new_context(viewport={"width": width, "height": 800}).new_page()
    sign_up(owner, f"coder{width}")
    create_canvas(owner, "Widget", "code", "jsx")
    owner.wait_for_function("() => window.canvasEditor")
    toggle = owner.locator("#editor-toolbar .last-turn-toggle")
    views = "#editor-toolbar .view-toggle"
    expect(owner.locator(views)).to_be_visible()
    expect(toggle).to_be_hidden()  # an empty canvas has no AI edit to show
    owner.locator(".cm-content").click()
    owner.keyboard.type("export default () => <p>hi</p>;")
    expect(toggle).to_be_visible()
    # One toolbar row: the toggles, then the views, as on documents.
    assert same_row(owner, "#editor-toolbar .last-turn-toggle", views)
    assert same_row(owner, "#editor-toolbar .authors-toggle", views)
    in_order = owner.locator("#editor-toolbar").locator(
        ".last-turn-toggle, .authors-toggle, .view-toggle")
    expect(in_order).to_have_class([re.compile("last-turn-toggle"), re.compile("authors-toggle"),
                                 "view-toggle"])
    # The views still switch the layout.
    owner.locator("#preview-tabs [data-preview-mode=split]").click()
    expect(owner.locator("#preview-root")).to_be_visible()
    assert same_row(owner, "#editor-toolbar .last-turn-toggle", views)
    link = invite_link(owner, "viewer")

    viewer = new_context(viewport={"width": width, "height": 800}).new_page()
    sign_up(viewer, f"watcher{width}")
    viewer.goto(link)
    viewer.click("#invitation button[type=submit]")
    viewer.wait_for_function("() => window.canvasEditor")
    expect(viewer.locator("#editor-toolbar .view-toggle-button")).to_have_text(
        ["Source", "Split", "Preview"])
    expect(viewer.locator("#editor-toolbar .authors-toggle")).to_be_visible()
    expect(viewer.locator(".last-turn-toggle")).to_have_count(0)
