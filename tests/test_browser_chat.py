"""The chat panel in real Chromium (issue #15, "The chat"): it keeps up with the newest message,
renders replies, says what the assistant is doing, retries, edits and resends, names the
assistant one way, and offers shortcuts as a compact menu with sliders.

A uvicorn server talks to the fake OpenAI-compatible model (tests/fakes).
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from canvas.models import Message
from canvas.services import create_canvas
from tests.assistant.conftest import Human
from tests.browser_helpers import (
    MODEL,
    assert_no_page_errors,
    last_answer,
    member,
    send_chat,
    wait_turn_over,
)
from tests.fakes.openai_server import Error, Reply, ToolCall, ToolCalls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chat_at_end(page) -> bool:
    return page.evaluate("""() => {
        const list = document.getElementById('chat-messages');
        return list.scrollHeight - list.scrollTop - list.clientHeight <= 2;
    }""")


def past_conversation(canvas, user, turns: int = 25) -> None:
    for n in range(turns):
        asked = Message.objects.create(canvas=canvas, author=user,
                                       text=f"Question {n}: " + "tell me more " * 8)
        Message.objects.create(canvas=canvas, is_assistant=True, reply_to=asked,
                               text=f"Answer {n}. " + "Here is a fairly long answer. " * 6)


# --- scrolling ------------------------------------------------------------------------------------


def test_the_chat_opens_at_the_newest_message_and_keeps_up_unless_scrolled_up(
        open_page, make_user, fake_openai):
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Long chat", "document")
    member(canvas, bob)
    past_conversation(canvas, alice)
    page_a = open_page(alice, canvas)
    page_b = open_page(bob, canvas)

    newest = page_a.locator("#chat-messages li.chat-message", has_text="Answer 24.")
    expect(newest).to_be_in_viewport()
    assert chat_at_end(page_a)
    pill = page_a.locator("#chat-new-messages")
    expect(pill).to_be_hidden()

    # Alice scrolls up to read; Bob asks something: she stays where she was, with a pill.
    page_a.locator("#chat-messages li", has_text="Question 3:").scroll_into_view_if_needed()
    page_a.wait_for_function("""() => {
        const list = document.getElementById('chat-messages');
        return list.scrollHeight - list.scrollTop - list.clientHeight > 200;
    }""")
    fake_openai.add_response(Reply(text="Hello Bob, nice to meet you."))
    send_chat(page_b, "Hello from Bob")
    expect(page_a.locator("#chat-messages")).to_contain_text("Hello from Bob")
    expect(pill).to_be_visible()
    expect(pill).to_have_text("New messages ↓")
    expect(page_a.locator("#chat-messages li.chat-message", has_text="Hello from Bob")) \
        .not_to_be_in_viewport()
    expect(page_a.locator("#chat-messages li", has_text="Question 3:")).to_be_in_viewport()
    # Bob, who was at the end, follows his own question and its answer.
    expect(last_answer(page_b)).to_contain_text("nice to meet you")
    expect(last_answer(page_b)).to_be_in_viewport()

    pill.click()
    expect(pill).to_be_hidden()
    expect(last_answer(page_a)).to_be_in_viewport()
    page_a.wait_for_function("""() => {
        const list = document.getElementById('chat-messages');
        return list.scrollHeight - list.scrollTop - list.clientHeight <= 2;
    }""")

    # At the end again, she follows what arrives next, without a pill.
    fake_openai.add_response(Reply(text="Second answer " + "streamed slowly " * 20,
                                   chunk_size=8, chunk_delay=0.02))
    send_chat(page_b, "One more thing")
    expect(last_answer(page_a)).to_contain_text("streamed slowly streamed slowly")
    wait_turn_over(canvas)
    expect(last_answer(page_a)).to_have_attribute("data-status", "done")
    page_a.wait_for_function("""() => {
        const list = document.getElementById('chat-messages');
        return list.scrollHeight - list.scrollTop - list.clientHeight <= 2;
    }""")
    expect(pill).to_be_hidden()
    assert_no_page_errors(page_a, page_b, csp=True)


# --- replies --------------------------------------------------------------------------------------


def test_replies_render_markdown_safely_and_code_blocks_copy(open_page, make_user, fake_openai):
    alice = make_user("alice")
    canvas = create_canvas(alice, "Markdown", "document")
    reply = ("**Tip:** keep it *short*.\n\n"
             "- one\n- two\n\n"
             "```python\nprint('héllo 世界')\n```\n\n"
             "<img src=x onerror=\"window.__xss=1\"> [bad](javascript:window.__xss=2) "
             "[docs](https://example.com)")
    fake_openai.add_response(Reply(text=reply))
    page = open_page(alice, canvas, permissions=("clipboard-read", "clipboard-write"))

    send_chat(page, "Give me a tip")
    answer = last_answer(page)
    expect(answer).to_have_attribute("data-status", "done")
    text = answer.locator(".chat-text")
    expect(text.locator("strong")).to_have_text("Tip:")
    expect(text.locator("em")).to_have_text("short")
    expect(text.locator("li")).to_have_text(["one", "two"])
    expect(text).not_to_contain_text("**")
    expect(text.locator("a", has_text="docs")).to_have_attribute("href", "https://example.com")
    expect(text.locator("a", has_text="bad")).to_have_count(0)
    expect(text.locator("img")).to_have_count(0)
    assert page.evaluate("() => window.__xss") is None

    copy = text.locator(".code-block [data-copy-code]")
    expect(copy).to_have_text("Copy")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == "print('héllo 世界')\n"
    expect(copy).to_have_text("Copy", timeout=5000)
    assert_no_page_errors(page, csp=True)


# --- what the assistant is doing ------------------------------------------------------------------


def test_the_bubble_says_what_the_assistant_is_doing(open_page, make_user, fake_openai):
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Activity", "document")
    member(canvas, bob)
    Human(canvas.id).insert(0, "Alpha line.\n\nBeta line.\n\nGamma line.\n")
    gate = threading.Event()
    fake_openai.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "Alpha line.", "replace": "ALPHA line."},
        {"find": "Gamma line.", "replace": "GAMMA " + "with a long replacement " * 10},
    ]})], arguments_chunk_size=3, chunk_delay=0.03, gate=gate))
    page_a = open_page(alice, canvas)
    page_b = open_page(bob, canvas)

    send_chat(page_a, "Capitalise the first words")
    for page in (page_a, page_b):
        # The model has the request and has not answered yet.
        expect(last_answer(page).locator(".chat-activity")).to_have_text("Reading…")
    gate.set()
    for page in (page_a, page_b):
        expect(last_answer(page).locator(".chat-activity")).to_have_text("Editing 2 passages…")
    answer = wait_turn_over(canvas)
    assert answer.status == Message.Status.DONE, answer.error
    for page in (page_a, page_b):
        expect(last_answer(page).locator(".chat-activity")).to_have_count(0)
        expect(last_answer(page).locator("[data-summary]")).to_have_text("Edited 2 passages")

    # A rewrite says how far it got.
    fake_openai.add_response(ToolCalls([ToolCall("rewrite_canvas", {
        "content": "A brand new text. " * 30})], arguments_chunk_size=6, chunk_delay=0.02))
    send_chat(page_a, "Rewrite it all")
    expect(last_answer(page_b).locator(".chat-activity")).to_have_text(
        re.compile(r"^Rewriting… [1-9]0%$"))
    answer = wait_turn_over(canvas, after=answer)
    assert answer.status == Message.Status.DONE, answer.error
    assert_no_page_errors(page_a, page_b, csp=True)


# --- retry, edit and resend -----------------------------------------------------------------------


def retry_offered(asker, editor, viewer):
    """The asker's Retry on the last answer, once the asker and an editor see it and a viewer
    does not."""
    expect(last_answer(editor).locator("[data-retry-turn]")).to_be_visible()
    expect(last_answer(viewer).locator("[data-retry-turn]")).to_be_hidden()
    retry = last_answer(asker).locator("[data-retry-turn]")
    expect(retry).to_be_visible()
    return retry


def retry_asks_again(retry, fake_openai, ended: Message, pages, asked_text: str,
                     reply_part: str) -> None:
    """Click Retry on the turn that ended: the same request is asked again, as a new message
    everyone sees, and its answer (the model's next one, holding ``reply_part``) arrives."""
    retry.click()
    answer = wait_turn_over(ended.canvas, after=ended)
    assert answer.status == Message.Status.DONE, answer.error
    for page in pages:
        expect(last_answer(page)).to_contain_text(reply_part)
        asked = page.locator("#chat-messages li.from-person")
        expect(asked).to_have_count(2)
        expect(asked.last).to_contain_text(asked_text)
    assert fake_openai.chat_requests[-1].messages[-1]["content"].endswith(asked_text)


def test_a_failed_turn_can_be_retried_by_the_asker_and_editors(open_page, make_user,
                                                                fake_openai):
    alice, carol, vera = make_user("alice"), make_user("carol"), make_user("vera")
    canvas = create_canvas(alice, "Retry", "document")
    member(canvas, carol, "commenter")
    member(canvas, vera, "viewer")
    fake_openai.add_response(Error(400, message="The model refused the request."))
    page_c = open_page(carol, canvas)
    page_a = open_page(alice, canvas)
    page_v = open_page(vera, canvas)

    send_chat(page_c, "Write a haiku about 世界")
    failed = wait_turn_over(canvas)
    assert failed.status == Message.Status.FAILED
    for page in (page_c, page_a, page_v):
        expect(last_answer(page)).to_have_attribute("data-status", "failed")
        expect(last_answer(page).locator(".chat-error")).to_be_visible()
    # Carol asked, Alice edits: both may retry; Vera only reads.
    retry = retry_offered(asker=page_c, editor=page_a, viewer=page_v)

    fake_openai.add_response(Reply(text="Quiet world, 世界 — the second try."))
    retry_asks_again(retry, fake_openai, failed, (page_c, page_a, page_v),
                     "Write a haiku about 世界", "the second try")
    assert_no_page_errors(page_c, page_a, page_v, csp=True)


def test_a_stopped_turn_offers_retry_and_retry_runs_it_again(open_page, make_user,
                                                              fake_openai):
    alice, bob, vera = make_user("alice"), make_user("bob"), make_user("vera")
    canvas = create_canvas(alice, "Stop and retry", "document")
    member(canvas, bob)
    member(canvas, vera, "viewer")
    # An answer that would go on for ever, until Alice stops it.
    fake_openai.add_response(Reply(text="Once upon a time", endless=True,
                                   endless_text=" and then", chunk_delay=0.05))
    page_a = open_page(alice, canvas)
    page_b = open_page(bob, canvas)
    page_v = open_page(vera, canvas)

    send_chat(page_a, "Tell a story about 世界")
    expect(last_answer(page_a).locator(".chat-text")).to_contain_text("Once upon a time")
    stop = last_answer(page_a).locator("[data-stop-turn]")
    expect(last_answer(page_a).locator("[data-retry-turn]")).to_have_count(0)
    stop.click()
    stopped = wait_turn_over(canvas)
    assert stopped.status == Message.Status.CANCELLED
    for page in (page_a, page_b, page_v):
        expect(last_answer(page)).to_have_attribute("data-status", "cancelled")
        expect(last_answer(page).locator("[data-summary]")).to_contain_text("Stopped")
        expect(last_answer(page).locator("[data-stop-turn]")).to_have_count(0)
    # Like a failed turn: the asker and editors may retry, a viewer only reads.
    retry = retry_offered(asker=page_a, editor=page_b, viewer=page_v)

    fake_openai.add_response(Reply(text="A short story, 世界, told in full this time."))
    retry_asks_again(retry, fake_openai, stopped, (page_a, page_b, page_v),
                     "Tell a story about 世界", "told in full this time")
    for page in (page_a, page_b, page_v):
        expect(last_answer(page).locator("[data-retry-turn]")).to_have_count(0)
    assert len(fake_openai.chat_requests) == 2
    assert_no_page_errors(page_a, page_b, page_v, csp=True)


def test_a_person_can_edit_and_resend_their_own_message(open_page, make_user, fake_openai):
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Resend", "document")
    member(canvas, bob)
    Human(canvas.id).insert(0, "The café opens at nine.\n")
    page_a = open_page(alice, canvas)
    page_b = open_page(bob, canvas)

    # About a selection, so resending keeps what it was about.
    page_a.evaluate("""() => canvasSetChatSelection({from: 4, to: 8, quote: 'café'})""")
    fake_openai.add_response(Reply(text="Noted."))
    send_chat(page_a, "Translate this wrod")
    first = wait_turn_over(canvas)
    mine = page_a.locator("#chat-messages li.from-person", has_text="Translate this wrod")
    resend = mine.locator("[data-edit-resend]")
    expect(resend).to_be_visible()
    # Only on one's own messages.
    expect(page_b.locator("#chat-messages li.from-person", has_text="Translate this wrod")
           .locator("[data-edit-resend]")).to_be_hidden()

    resend.click()
    box = page_a.locator("#chat-text")
    expect(box).to_be_focused()
    expect(box).to_have_value("Translate this wrod")
    expect(page_a.locator("#chat-selection-quote")).to_have_text("café")
    box.fill("Translate this word")
    fake_openai.add_response(Reply(text="Café, in English: coffee shop."))
    box.press("Enter")
    answer = wait_turn_over(canvas, after=first)
    assert answer.status == Message.Status.DONE, answer.error
    resent = Message.objects.filter(canvas=canvas, is_assistant=False).latest("id")
    assert resent.text == "Translate this word"
    assert resent.selection["quote"] == "café"
    expect(page_b.locator("#chat-messages li.from-person").last).to_contain_text(
        "Translate this word")
    assert_no_page_errors(page_a, page_b, csp=True)


# --- one identity, one time format ----------------------------------------------------------------


def test_the_assistant_has_one_name_and_times_say_just_now(open_page, make_user, fake_openai):
    alice = make_user("alice")
    canvas = create_canvas(alice, "Identity", "document")
    Human(canvas.id).insert(0, "The prices is too high.\n")
    fake_openai.add_response(ToolCalls([ToolCall("comment_canvas", {"comments": [
        {"find": "The prices is too high", "comment": "Grammar: use 'are'."}]})]))
    page = open_page(alice, canvas)

    send_chat(page, "Review it")
    answer = last_answer(page)
    expect(answer).to_have_attribute("data-status", "done")
    expect(answer.locator(".chat-author")).to_have_text("✦ Assistant")
    expect(answer.locator(".chat-author-detail")).to_have_text(MODEL)
    card = page.locator(".comment-card", has_text="Grammar")
    expect(card.locator(".comment-author")).to_have_text("✦ Assistant")
    expect(card.locator(".comment-author-detail")).to_have_text(MODEL)
    # One time format: in the chat and on comment cards alike.
    expect(answer.locator("time")).to_have_text("just now")
    expect(page.locator("#chat-messages li.from-person time").last).to_have_text("just now")
    expect(card.locator("time")).to_have_text("just now")

    # Older messages say how long ago, in the same words after a reload.
    Message.objects.filter(canvas=canvas).update(created=timezone.now() - timedelta(minutes=5))
    page.reload()
    expect(last_answer(page).locator("time")).to_have_text("5 min ago")
    assert_no_page_errors(page, csp=True)



def test_each_answer_names_the_model_that_gave_it(open_page, make_user, fake_openai):
    alice = make_user("alice")
    canvas = create_canvas(alice, "Models", "document")
    for model, text in (("", "From before models were kept."), ("older-model", "From older.")):
        asked = Message.objects.create(canvas=canvas, author=alice, text="Hello?")
        Message.objects.create(canvas=canvas, is_assistant=True, reply_to=asked, text=text,
                               model=model)
    fake_openai.add_response(Reply(text="From today's model."))
    page = open_page(alice, canvas)

    send_chat(page, "Hello again")
    expect(last_answer(page)).to_have_attribute("data-status", "done")
    answers = page.locator("#chat-messages li.from-assistant")
    expect(answers.locator(".chat-author")).to_have_text(["✦ Assistant"] * 3)
    unknown, older, today = answers.nth(0), answers.nth(1), answers.nth(2)
    expect(unknown.locator(".chat-author-detail")).to_have_count(0)  # not known: nothing
    expect(older.locator(".chat-author-detail")).to_have_text("older-model")
    expect(today.locator(".chat-author-detail")).to_have_text(MODEL)
    page.reload()
    expect(answers.nth(1).locator(".chat-author-detail")).to_have_text("older-model")
    expect(answers.nth(2).locator(".chat-author-detail")).to_have_text(MODEL)
    assert_no_page_errors(page, csp=True)


# --- shortcuts ------------------------------------------------------------------------------------


def test_shortcuts_are_grouped_and_length_is_a_slider(open_page, make_user, fake_openai):
    alice = make_user("alice")
    canvas = create_canvas(alice, "Shortcuts", "document")
    Human(canvas.id).insert(0, "A short text about cafés.\n")
    page = open_page(alice, canvas)

    page.locator("#shortcuts > summary").click()
    menu = page.locator("#shortcuts .shortcut-menu")
    expect(menu).to_be_visible()
    expect(menu.locator(".shortcut-group-title")).to_have_text(["Review", "Adjust", "Finish"])
    # No separate entry per length or reading level: two sliders.
    expect(menu.get_by_role("button", name=re.compile("Reading level|Shorter|Longer"))) \
        .to_have_count(0)
    length = menu.get_by_role("slider", name="Length")
    level = menu.get_by_role("slider", name="Reading level")
    expect(length).to_have_attribute("aria-valuetext", "Keep current")
    expect(level).to_have_attribute("aria-valuetext", "Keep current")
    apply = menu.locator(".shortcut-slider").filter(
        has=page.get_by_role("slider", name="Length")).locator("[data-slider-apply]")
    expect(apply).to_be_disabled()

    length.focus()
    page.keyboard.press("ArrowRight")
    expect(length).to_have_attribute("aria-valuetext", "Longer")
    page.keyboard.press("ArrowRight")
    expect(length).to_have_attribute("aria-valuetext", "Longest")
    expect(apply).to_be_enabled()
    expect(apply).to_have_accessible_name("Apply: Longest")
    fake_openai.add_response(Reply(text="Done."))
    apply.click()
    answer = wait_turn_over(canvas)
    assert answer.status == Message.Status.DONE, answer.error
    expect(page.locator("#chat-messages li.from-person").last).to_contain_text("⚡ Longest")
    assert "twice as long" in fake_openai.chat_requests[-1].messages[-1]["content"]
    # The menu closed and the slider is back in the middle.
    expect(menu).to_be_hidden()
    page.locator("#shortcuts > summary").click()
    expect(length).to_have_attribute("aria-valuetext", "Keep current")
    expect(apply).to_be_disabled()
    assert_no_page_errors(page, csp=True)
