"""The foundation flows in real Chromium against a live uvicorn server."""

import re

import pytest
from playwright.sync_api import expect

from canvas.models import Canvas, Membership, Role
from tests.conftest import wait_htmx_idle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-pass-phrase-42"


def sign_up(page, username):
    page.goto("/accounts/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_have_text(username)


def create_canvas(page, title, kind="document", language=""):
    page.goto("/")
    page.fill("#create-form input[name=title]", title)
    page.select_option("#create-form select[name=kind]", kind)
    if language:
        page.select_option("#create-form select[name=language]", language)
    page.click("#create-form button[type=submit]")
    expect(page.locator(".canvas-name")).to_have_text(title)
    return page.url


def invite_link(page, role):
    page.click("#share-button")
    dialog = page.locator("#share-dialog")
    expect(dialog).to_be_visible()
    dialog.locator(".invite-form select[name=role]").select_option(role)
    dialog.locator(".invite-form button").click()
    url = dialog.locator("#invite-url").input_value()
    dialog.locator("form[method=dialog] button").click()
    return url


def test_sign_up_create_share_and_see_it_listed_for_both(new_context):
    alice = new_context().new_page()
    sign_up(alice, "alice")
    canvas_url = create_canvas(alice, "Launch plan")
    link = invite_link(alice, "editor")
    assert "/canvases/join/" in link

    bob = new_context().new_page()
    bob.goto(link)  # not signed in yet: the invitation says who invites to what
    expect(bob.locator("#invitation")).to_contain_text(
        "alice invited you to “Launch plan” as editor")
    bob.click("#invitation >> text=Sign up")
    expect(bob).to_have_url(re.compile(r"/accounts/signup/\?next="))
    bob.fill("input[name=username]", "bob")
    bob.fill("input[name=password1]", PASSWORD)
    bob.fill("input[name=password2]", PASSWORD)
    bob.click("button[type=submit]")
    # Signed up: back through the link, joined, on the canvas.
    expect(bob).to_have_url(canvas_url)
    expect(bob.locator(".canvas-name")).to_have_text("Launch plan")
    expect(bob.locator(".canvas-header .role-editor")).to_be_visible()

    for page in (alice, bob):
        page.goto("/")
        expect(page.locator(".canvas-row", has_text="Launch plan")).to_be_visible()
    canvas = Canvas.objects.get(title="Launch plan")
    assert Membership.objects.get(canvas=canvas, user__username="bob").role == Role.EDITOR

    # The owner sees bob in the share dialog, and can demote him in place.
    alice.goto(canvas_url)
    with alice.expect_response(lambda r: r.url.endswith("/share")):
        alice.click("#share-button")
    wait_htmx_idle(alice)
    row = alice.locator("#members .member[data-username=bob]")
    expect(row).to_be_visible()
    with alice.expect_response(lambda r: "/members/" in r.url and r.status == 200):
        row.locator("select[name=role]").select_option("viewer")
    expect(alice.locator("#members .member[data-username=bob] select[name=role]")) \
        .to_have_value("viewer")
    assert Membership.objects.get(canvas=canvas, user__username="bob").role == Role.VIEWER

    # The link is listed with its role and maker; revoked, it lets nobody else in.
    live = alice.locator("#invites .invite")
    expect(live).to_have_count(1)
    expect(live).to_contain_text("by alice")
    alice.once("dialog", lambda dialog: dialog.accept())
    live.locator("button", has_text="Revoke").click()
    expect(alice.locator("#invites .invite")).to_have_count(0)
    carol = new_context().new_page()
    sign_up(carol, "carol")
    carol.goto(link)
    expect(carol.locator("main")).to_contain_text("The owner revoked this invite link")

    # Invited by user name instead: carol sees the canvas in her list at once.
    form = alice.locator("#members .add-member-form")
    form.locator("input[name=username]").fill("carol")
    form.locator("select[name=role]").select_option("commenter")
    form.locator("button[type=submit]").click()
    expect(alice.locator("#members .member[data-username=carol] select[name=role]")) \
        .to_have_value("commenter")
    carol.goto("/")
    expect(carol.locator(".canvas-row", has_text="Launch plan")).to_be_visible()

    # Publishing is the owner's until they let editors do it.
    assert not canvas.editors_may_publish
    alice.locator("#publish-setting input[name=editors_may_publish]").check()
    expect(alice.locator("#publish-setting")).to_contain_text("Saved.")
    canvas.refresh_from_db()
    assert canvas.editors_may_publish


def test_viewer_sees_no_rename_delete_or_share_controls(new_context):
    alice = new_context().new_page()
    sign_up(alice, "owner1")
    canvas_url = create_canvas(alice, "Read me", "code", "python")
    expect(alice.locator("#share-button")).to_be_visible()
    expect(alice.locator("#canvas-menu")).to_be_visible()  # Delete waits in the "⋯" menu
    link = invite_link(alice, "viewer")

    viewer = new_context().new_page()
    sign_up(viewer, "reader")
    viewer.goto(link)
    viewer.click("#invitation button[type=submit]")
    expect(viewer).to_have_url(canvas_url)
    expect(viewer.locator(".canvas-name")).to_have_text("Read me")
    for control in ("#share-button", "#canvas-menu", "#delete-button", "[data-rename]"):
        expect(viewer.locator(control)).to_have_count(0)
    expect(viewer.locator("#editor-mount")).to_have_attribute("data-readonly", "true")
    viewer.goto("/")
    expect(viewer.locator(".canvas-row", has_text="Read me").locator("text=Delete")) \
        .to_have_count(0)


def test_owner_renames_in_place_and_sees_form_errors(new_context):
    page = new_context().new_page()
    sign_up(page, "renamer")
    create_canvas(page, "First title")
    page.click("[data-rename]")
    page.fill("#canvas-title input[name=title]", "   ")
    page.evaluate("document.querySelector('#canvas-title input[name=title]').required = false")
    page.press("#canvas-title input[name=title]", "Enter")
    expect(page.locator("#canvas-title .field-error")).to_have_text("Give the canvas a title.")
    page.fill("#canvas-title input[name=title]", "Second title")
    page.press("#canvas-title input[name=title]", "Enter")
    expect(page.locator(".canvas-name")).to_have_text("Second title")
    assert Canvas.objects.get().title == "Second title"


def test_create_form_errors_show_in_place_and_layout_works_on_a_phone(new_context):
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_up(page, "phoneuser")
    page.goto("/")
    page.locator("#create-form input[name=title]").evaluate("i => i.removeAttribute('maxlength')")
    page.fill("#create-form input[name=title]", "x" * 201)
    page.click("#create-form button[type=submit]")
    expect(page.locator("#create-form .field-error")).to_contain_text(
        "Keep the title under 200 characters")
    assert Canvas.objects.count() == 0
    # Nothing overflows sideways on a narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_share_dialog_loads_while_the_editor_script_is_still_downloading(new_context):
    """Deferred scripts hold DOMContentLoaded back; htmx must not wait for it to wire buttons.

    The editor bundle is large: on a loaded machine a person (or a test) clicks Share after the
    site script ran but before the editor script arrived. The dialog must still fill.
    """
    context = new_context()
    page = context.new_page()
    sign_up(page, "early")
    canvas_url = create_canvas(page, "Slow network")
    held = []
    context.route("**/static/dist/editor.js", lambda route: held.append(route))
    page.goto(canvas_url, wait_until="commit")
    page.wait_for_function("() => window.htmx !== undefined")
    assert page.evaluate("document.readyState") == "interactive"  # editor.js still held
    page.click("#share-button")
    expect(page.locator("#share-dialog .invite-form select[name=role]")).to_be_visible()
    for route in held:
        route.continue_()
