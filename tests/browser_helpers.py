"""Pages on a server that talks to the fake model, and what the chat and assistant browser tests
do with them (tests/test_browser_chat.py, test_browser_assistant.py, test_browser_suggestions.py).

Loaded as a plugin by tests/conftest.py, so ``server`` and ``open_page`` are fixtures everywhere;
a module with its own ``server`` (another model name, other settings) overrides it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login_context, wait_until

MODEL = "Fake Model"

#: Run before the page's scripts: uncaught errors and CSP violations, kept apart.
RECORDER = """
window.__errors = [];
window.__cspViolations = [];
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));
document.addEventListener('securitypolicyviolation',
    (e) => window.__cspViolations.push('CSP ' + e.violatedDirective));
"""


@pytest.fixture
def server(fake_openai, asgi_server_factory):
    """A uvicorn process whose model is the fake OpenAI-compatible server."""
    return asgi_server_factory(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="test-key",
                               CANVAS_MODEL=MODEL)


@pytest.fixture
def open_page(browser, server):
    """Open the canvas page as a user, in a context of their own, once its editor is synced and
    its chat is connecting; contexts close at the end."""
    contexts = []

    def open_(user, canvas, viewport=None, permissions=()):
        context = browser.new_context(base_url=server.url,
                                      viewport=viewport or {"width": 1280, "height": 800})
        if permissions:
            context.grant_permissions(list(permissions), origin=server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        login_context(context, user, server.url)
        context.add_init_script(RECORDER)
        page = context.new_page()
        page.goto(f"/canvases/{canvas.id}/")
        page.wait_for_function("() => window.canvasEditor && window.canvasEditor.view")
        expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected")
        expect(page.locator("#chat-panel")).to_have_attribute("ws-connect", re.compile("chat"))
        page.wait_for_function("() => canvasEditor.isSynced()")
        return page

    yield open_
    for context in contexts:
        context.close()


def assert_no_page_errors(*pages, csp: bool = False) -> None:
    """No uncaught error (and, with ``csp``, no CSP violation) on the pages still open."""
    for page in pages:
        if page.is_closed():
            continue
        assert page.evaluate("() => window.__errors") == []
        if csp:
            assert page.evaluate("() => window.__cspViolations") == []


def member(canvas, user, role: str = "editor") -> None:
    from canvas.models import Membership

    Membership.objects.create(canvas=canvas, user=user, role=role)


def send_chat(page, text: str) -> None:
    box = page.locator("#chat-text")
    box.click()
    box.fill(text)
    box.press("Enter")


def last_answer(page):
    return page.locator("#chat-messages li.chat-message.from-assistant").last


def wait_turn_over(canvas, timeout: float = 30, after=None):
    """The newest answer (newer than the Message ``after``) once it has ended."""
    from canvas.models import Message

    def over():
        answers = Message.objects.filter(canvas=canvas, is_assistant=True)
        if after is not None:
            answers = answers.filter(id__gt=after.id)
        answer = answers.order_by("-id").first()
        return answer if answer and answer.status != Message.Status.STREAMING else None

    return wait_until(over, timeout=timeout, message="the assistant's turn to end")
