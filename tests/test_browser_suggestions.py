"""Suggestion mode in real Chromium: two people and the fake model in one room.

alice asks for a rewrite while bob types in paragraph 2; under the policy "suggest when
others are present" the model's changes arrive as tracked changes in both browsers; bob
accepts one, rejects the rest, and nothing he typed is lost.
"""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from canvas.models import AssistantPolicy, Canvas
from canvas.services import create_canvas
from collab.persistence import load_text
from tests.browser_helpers import assert_no_page_errors, member, send_chat, wait_turn_over
from tests.conftest import wait_htmx_idle, wait_until
from tests.fakes.openai_server import ToolCall, ToolCalls
from tests.test_browser_assistant import put_caret_after, seed, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = ("Our cafe opens at nine every day.\n\n"
        "The coffee is strong and the cakes are sweet and the staff is kind.\n\n"
        "Come early for a seat.\n")
REWRITE = ("Our cafe opens at eight every day.\n\n"
           "The coffee is bold and the cakes are sweet and the staff is friendly.\n\n"
           "Come early for a seat.\n")


def shown(page) -> list[dict]:
    return page.evaluate("""() => canvasEditor.assistantUI.suggestions()
        .map((s) => ({id: s.id, quote: s.quote, insert: s.insert}))""")


def widget(page, suggestion_id: str):
    return page.locator(f'.cm-suggestion[data-suggestion-id="{suggestion_id}"]')


def test_a_rewrite_while_bob_types_arrives_as_suggestions_he_accepts_in_part(
        open_page, make_user, fake_openai):
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    canvas = create_canvas(alice, "Cafe", "document")
    member(canvas, bob)
    member(canvas, carol, role="viewer")
    Canvas.objects.filter(id=canvas.id).update(assistant_policy=AssistantPolicy.SUGGEST)
    seed(canvas, TEXT)
    gate = threading.Event()
    fake_openai.add_response(ToolCalls([ToolCall("rewrite_canvas", {"content": REWRITE})],
                                       gate=gate),
                             "I suggested a few livelier words.")
    page_a = open_page(alice, canvas)
    page_b = open_page(bob, canvas)
    page_c = open_page(carol, canvas)
    # Everyone is in the room before alice asks (presence reaches the server first).
    for page in (page_a, page_b):
        expect(page.get_by_role("button", name="carol: follow")).to_be_visible()

    try:
        send_chat(page_a, "Rewrite it livelier")
        wait_until(lambda: fake_openai.chat_requests, message="the model to be asked")
        put_caret_after(page_b, "the cakes are sweet")
        typed = " — and 東京 😀 cheap"
        page_b.keyboard.type(typed, delay=20)
        with_bob = TEXT.replace("the cakes are sweet", "the cakes are sweet" + typed)
        wait_until(lambda: load_text(str(canvas.id)) == with_bob, message="bob's typing stored")
    finally:
        gate.set()
    answer = wait_turn_over(canvas)
    assert answer.status == "done", answer.error
    assert answer.action == "suggest"

    # Nothing changed in the text: four suggestions wait, in all three browsers.
    expected = {("nine", "eight"), ("strong", "bold"), ("kind", "friendly")}
    for page in (page_a, page_b, page_c):
        wait_until(lambda p=page: {(s["quote"], s["insert"]) for s in shown(p)} == expected,
                   message="the suggestions in every browser")
        assert text_of(page) == with_bob
    suggestions = {s["quote"]: s["id"] for s in shown(page_b)}
    strong = widget(page_b, suggestions["strong"])
    expect(strong.locator(".cm-suggestion-ins")).to_have_text("bold")
    expect(page_b.locator(f'.cm-suggestion-del[data-suggestion-id="{suggestions["strong"]}"]')
           ).to_have_text("strong")
    expect(page_b.locator(".suggestion-bar")).to_contain_text("3 suggestions")
    expect(page_b.locator(".suggestion-bar")).to_contain_text("asked by alice")
    # The viewer sees them, with no buttons to act on them.
    expect(widget(page_c, suggestions["strong"]).locator(".cm-suggestion-ins")).to_have_text(
        "bold")
    expect(page_c.locator(".cm-suggestion-accept")).to_have_count(0)
    expect(page_c.locator(".suggestion-bar-actions")).to_be_hidden()

    # bob accepts one in his paragraph, rejects the other there, then rejects the rest.
    strong.locator(".cm-suggestion-accept").click()
    widget(page_b, suggestions["kind"]).locator(".cm-suggestion-reject").click()
    expect(page_b.locator(".suggestion-bar")).to_contain_text("1 suggestion ")
    page_b.locator(".suggestion-bar").get_by_role("button", name="Reject all").click()
    final = with_bob.replace("strong", "bold")
    for page in (page_a, page_b, page_c):
        wait_until(lambda p=page: text_of(p) == final and not shown(p),
                   message="one accepted, the rest rejected, everywhere")
        expect(page.locator(".cm-suggestion")).to_have_count(0)
        expect(page.locator(".suggestion-bar")).to_be_hidden()
    wait_until(lambda: load_text(str(canvas.id)) == final, message="the result stored")
    assert_no_page_errors(page_a, page_b, page_c)


def test_typing_inside_a_suggestion_survives_accepting_it_and_deleting_its_words_drops_it(
        open_page, make_user, fake_openai):
    alice, bob = make_user("alice"), make_user("bob")
    canvas = create_canvas(alice, "Cafe", "document")
    member(canvas, bob)
    Canvas.objects.filter(id=canvas.id).update(assistant_policy=AssistantPolicy.SUGGEST)
    seed(canvas, TEXT)
    fake_openai.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "The coffee is strong", "replace": "The coffee is bold"},
        {"find": "Come early", "replace": "Arrive early"}]})]), "Suggested.")
    page_a = open_page(alice, canvas)
    page_b = open_page(bob, canvas)
    expect(page_a.get_by_role("button", name="bob: follow")).to_be_visible()
    send_chat(page_a, "Tweak it")
    wait_turn_over(canvas)
    for page in (page_a, page_b):
        wait_until(lambda p=page: {(s["quote"], s["insert"]) for s in shown(p)} == {
            ("strong", "bold"), ("Come", "Arrive")}, message="two suggestions")
    ids = {s["quote"]: s["id"] for s in shown(page_b)}

    # bob types inside the word the first would replace: it stays; alice deletes a letter
    # of the second's word: that one is stale and disappears for both.
    put_caret_after(page_b, "The coffee is str")
    page_b.keyboard.type("😀", delay=20)
    put_caret_after(page_a, "Com")
    page_a.keyboard.press("Backspace")
    for page in (page_a, page_b):
        wait_until(lambda p=page: [s["id"] for s in shown(p)] == [ids["strong"]],
                   message="the overtyped suggestion is gone, the other stays")
        expect(widget(page, ids["Come"])).to_have_count(0)
    # Accepting replaces exactly the characters it read: bob's emoji stays.
    widget(page_b, ids["strong"]).locator(".cm-suggestion-accept").click()
    expected = TEXT.replace("strong", "bold😀").replace("Come", "Coe")
    for page in (page_a, page_b):
        wait_until(lambda p=page: text_of(p) == expected, message="the accepted change")
    wait_until(lambda: load_text(str(canvas.id)) == expected, message="stored")
    # Ctrl/Cmd+Z takes the accepted text back in bob's browser, like his own typing.
    page_b.locator(".cm-content").focus()
    page_b.keyboard.press("Control+z")
    wait_until(lambda: text_of(page_a) == TEXT.replace("str", "str😀").replace("Come", "Coe"),
               message="the accept undone")
    assert_no_page_errors(page_a, page_b)


def test_the_owner_chooses_the_policy_in_the_share_dialog(open_page, make_user, server):
    alice = make_user("alice")
    canvas = create_canvas(alice, "Cafe", "document")
    page = open_page(alice, canvas)
    page.get_by_role("button", name="Share").click()
    policy = page.locator("#assistant-policy")
    expect(policy).to_be_visible()
    wait_htmx_idle(page)
    expect(policy.locator("select")).to_have_value("direct")
    expect(policy.locator("input[type=number]")).to_be_hidden()
    policy.locator("select").select_option("guarded")
    expect(policy).to_contain_text("Saved.")
    expect(policy.locator("input[type=number]")).to_be_visible()
    wait_htmx_idle(page)  # the new form listens for changes once htmx has settled it
    policy.locator("input[type=number]").fill("2")
    policy.locator("input[type=number]").dispatch_event("change")
    expect(policy.locator(".field-error")).to_contain_text("greater than or equal to 5")
    wait_htmx_idle(page)
    policy.locator("input[type=number]").fill("90")
    policy.locator("input[type=number]").dispatch_event("change")
    expect(policy).to_contain_text("Saved.")
    canvas.refresh_from_db()
    assert (canvas.assistant_policy, canvas.assistant_guard_seconds) == ("guarded", 90)
