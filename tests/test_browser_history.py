"""The History panel in Chromium: beside the canvas; save, show changes (words, authors),
step through, restore; and the Authors view's hover."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from canvas import versions
from canvas.models import Membership, Message, Role, Version
from canvas.services import create_canvas
from collab.models import ClientOrigin, DocUpdate
from collab.persistence import load_text
from tests.assistant.conftest import Human
from tests.conftest import login_context, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_REQUEST = ("Make the introduction friendlier and shorter, keep the numbers, and explain "
                "the second paragraph in plain words for readers who are new to the topic")


def open_canvas(new_context, user, canvas, live_server_url, viewport=None):
    context = new_context(**({"viewport": viewport} if viewport else {}))
    login_context(context, user, live_server_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/canvases/{canvas.id}/")
    page.wait_for_function("() => window.canvasEditor && window.canvasEditor.isSynced()")
    page.errors = errors
    return page


def test_save_show_changes_and_restore_in_the_browser(new_context, make_user,
                                                      live_server_url):
    ada = make_user("ada")
    canvas = create_canvas(ada, "History", "document")
    page = open_canvas(new_context, ada, canvas, live_server_url)
    page.click(".cm-content")
    page.keyboard.type("First words <script>x</script>.")
    wait_until(lambda: load_text(str(canvas.id)) == "First words <script>x</script>.")

    page.click("#history-button")
    panel = page.locator("#history-side")
    panel.locator("input[name=label]").fill("Before the change")
    panel.locator(".save-version button").click()
    expect(panel.locator(".version-label", has_text="Before the change")).to_be_visible()

    # The panel stays open beside the canvas: typing goes on without closing it.
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type(" Second words.")
    # All of it stored, the last keystroke too: "Compare with now" compares with the store.
    wait_until(lambda: load_text(str(canvas.id)).endswith(" Second words."))
    expect(panel).to_be_visible()

    saved = panel.locator(".version", has_text="Before the change")
    saved.locator("text=Compare with now").click()
    expect(panel.locator(".diff ins")).to_have_text(" Second words.")
    expect(panel.locator(".diff ins")).to_have_attribute("title", "Added by ada")
    expect(panel.locator(".diff")).to_contain_text("<script>x</script>")  # shown as text
    saved.locator("text=View").click()
    expect(panel.locator(".version-text")).to_have_text("First words <script>x</script>.")
    page.once("dialog", lambda d: d.accept())
    panel.locator("[data-restore]").click()
    wait_until(lambda: load_text(str(canvas.id)) == "First words <script>x</script>.",
               message="restored text stored")
    page.wait_for_function(
        "() => window.canvasEditor.ytext.toString() === 'First words <script>x</script>.'")
    expect(panel.locator(".version.reason-restore")).to_be_visible()
    assert Version.objects.filter(reason="restore", author=ada).exists()
    assert page.errors == []


@pytest.mark.parametrize("width", [1440, 800])
def test_history_opens_beside_the_canvas_not_over_it(new_context, make_user, live_server_url,
                                                     width):
    ada = make_user("ada")
    canvas = create_canvas(ada, "Beside", "document")
    Human(canvas.id, f"user:{ada.pk}").insert(0, "Some text to look at.\n")
    versions.make_version(canvas.id, Version.Reason.MANUAL, "Named")
    page = open_canvas(new_context, ada, canvas, live_server_url,
                       viewport={"width": width, "height": 800})
    button = page.locator("#history-button")
    page.click("#history-button")
    panel = page.locator("#history-side")
    expect(panel.locator(".version-label", has_text="Named")).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    area = page.locator("#canvas-area").bounding_box()
    side = panel.bounding_box()
    assert side["x"] >= area["x"] + area["width"] - 1, (area, side)  # beside, not over
    assert page.locator("dialog[open]").count() == 0
    if width < 1000:  # no room for three columns: History takes the chat's place
        assert area["width"] >= 0.6 * width, area
        expect(page.locator("#chat-panel")).to_be_hidden()
    else:
        expect(page.locator("#chat-panel")).to_be_visible()
    # Nothing modal: the canvas under it takes clicks and keys while History is open.
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type(" More.")
    wait_until(lambda: "More." in load_text(str(canvas.id)), message="typed with History open")
    # Esc inside the panel closes it and gives the focus back to the button.
    panel.locator(".version-label").first.click()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
    page.click("#history-button")
    expect(panel).to_be_visible()
    panel.locator("[data-history-close]").click()
    expect(panel).to_be_hidden()
    assert page.errors == []


def test_word_changes_name_their_authors_and_long_requests_fit_one_line(
        new_context, make_user, live_server_url):
    ada, bob = make_user("ada"), make_user("bob")
    canvas = create_canvas(ada, "Words", "document")
    Membership.objects.create(canvas=canvas, user=bob, role=Role.EDITOR)
    Human(canvas.id, f"user:{ada.pk}").insert(0, "The quick brown fox jumps over the dog.\n")
    versions.make_version(canvas.id, Version.Reason.MANUAL, "First")
    request = Message.objects.create(canvas=canvas, author=bob, text=LONG_REQUEST)
    turn = Message.objects.create(canvas=canvas, is_assistant=True, reply_to=request)
    versions.make_version(canvas.id, Version.Reason.ASSISTANT_BEFORE, turn=turn)
    assistant = Human(canvas.id, f"assistant:{turn.id}")
    assistant.insert(len("The quick brown fox jumps over the "), "lazy ")
    versions.make_version(canvas.id, Version.Reason.ASSISTANT_AFTER, turn=turn)
    person = Human(canvas.id, f"user:{bob.pk}")
    person.delete(len("The "), len("The quick "))
    person.insert(len("The "), "slow ")
    versions.make_version(canvas.id, Version.Reason.MANUAL, "Bob's")

    page = open_canvas(new_context, ada, canvas, live_server_url)
    page.click("#history-button")
    panel = page.locator("#history-side")
    edit = panel.locator(".version.reason-assistant_after")
    request_line = edit.locator(".version-request")
    expect(request_line).to_have_attribute("title", LONG_REQUEST)
    box = request_line.bounding_box()
    line_height = request_line.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"
                                        " || el.getBoundingClientRect().height")
    assert box["height"] <= line_height * 1.5, box  # one line, cut; the rest on hover
    assert request_line.evaluate("el => el.scrollWidth > el.clientWidth")

    edit.locator("text=Show changes").click()
    ins = panel.locator(".diff ins")
    expect(ins).to_have_text(["lazy "])
    expect(ins).to_have_attribute(
        "title", f"Added by ✦ Assistant · turn: {LONG_REQUEST[:80]} (asked by bob)")
    panel.locator(".version", has_text="Bob's").locator("text=Show changes").click()
    expect(panel.locator(".diff del")).to_have_text(["quick"])  # words, not characters
    expect(panel.locator(".diff ins")).to_have_text(["slow"])
    expect(panel.locator(".diff ins")).to_have_attribute("title", "Added by bob")
    expect(panel.locator(".diff del")).to_have_attribute("title", "Deleted by bob")
    expect(panel.locator(".change-author")).to_have_text(["bob"])
    assert page.errors == []


def test_show_changes_of_a_version_that_changed_nothing_says_so(new_context, make_user,
                                                                live_server_url):
    ada = make_user("ada")
    canvas = create_canvas(ada, "Still", "document")
    Human(canvas.id, f"user:{ada.pk}").insert(0, "Unchanged.\n")
    versions.make_version(canvas.id, Version.Reason.MANUAL, "One")
    versions.make_version(canvas.id, Version.Reason.MANUAL, "Same again")
    page = open_canvas(new_context, ada, canvas, live_server_url)
    page.click("#history-button")
    panel = page.locator("#history-side")
    panel.locator(".version", has_text="Same again").locator("text=Show changes").click()
    expect(panel.locator(".no-changes")).to_have_text(
        "This version changed nothing: its text is the same as the version before it.")
    expect(panel.locator(".diff")).to_have_count(0)


def test_authors_view_hover_says_who_and_when(new_context, make_user, live_server_url):
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Hover", "document")
    Membership.objects.create(canvas=canvas, user=bob, role=Role.EDITOR)
    Human(canvas.id, f"user:{bob.pk}").insert(0, "Bob wrote this paragraph.\n\n")
    three_minutes_ago = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=3)
    DocUpdate.objects.update(created=three_minutes_ago)
    ClientOrigin.objects.update(created=three_minutes_ago)
    request = Message.objects.create(canvas=canvas, author=alice,
                                     text="Make the intro shorter")
    turn = Message.objects.create(canvas=canvas, is_assistant=True, reply_to=request)
    text = "Bob wrote this paragraph.\n\n"
    Human(canvas.id, f"assistant:{turn.id}").insert(len(text), "The model added this.")
    page = open_canvas(new_context, alice, canvas, live_server_url)
    page.locator(".authors-toggle").click()
    tooltip = page.locator(".authors-tooltip")
    page.locator('.cm-author[data-author="bob"]').first.hover()
    expect(tooltip).to_have_text(re.compile(r"^Written by bob · [34] min ago$"))
    page.mouse.move(0, 0)
    expect(tooltip).to_have_count(0)
    page.locator('.cm-author[data-author="✦ Assistant"]').first.hover()
    expect(tooltip).to_have_text(
        "✦ Assistant · turn: Make the intro shorter (asked by alice)")
    assert page.errors == []


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
