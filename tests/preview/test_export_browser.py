"""Issue 5, test 6: Export downloads the code, and a standalone HTML file that runs offline.

The standalone file inlines the preview runtime (the same vendored modules, as data: URLs) and is
opened from a file:// URL in a browser context with the network off; any http(s) request it tried
would be recorded and fail the test.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from canvas.services import create_canvas
from tests.assistant.conftest import Human
from tests.preview.helpers import CORPUS, wait_outcome

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def export(page, which: str, tmp_path, name: str):
    page.locator("#preview-tabs details.preview-export > summary").click()
    with page.expect_download() as info:
        page.locator(f"#preview-tabs [data-export='{which}']").click()
    download = info.value
    path = tmp_path / name
    download.save_as(path)
    return download.suggested_filename, path


def open_offline(browser, path):
    context = browser.new_context(offline=True)
    requests = []
    context.route(re.compile(r"^(https?|wss?)://"),
                  lambda route: (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    return context, page, requests, errors


@pytest.mark.parametrize("fixture", ["recharts_dashboard.tsx", "tailwind_canvas_page.html"])
def test_standalone_export_runs_offline_from_disk(fixture, make_user, preview_page, browser,
                                                  tmp_path):
    source = (CORPUS / fixture).read_text()
    language = "tsx" if fixture.endswith(".tsx") else "html"
    owner = make_user("exporter")
    canvas = create_canvas(owner, "My dashboard", "code", language)
    Human(canvas.id).insert(0, source)
    page = preview_page(owner, canvas)
    outcome = wait_outcome(page, 0)
    assert outcome["rendered"], outcome

    name, code_path = export(page, "code", tmp_path, "code")
    assert name == f"My-dashboard.{language}"
    assert code_path.read_text() == source

    name, html_path = export(page, "html", tmp_path, "export.html")
    assert name.endswith(".html")
    html = html_path.read_text()
    assert "data:text/javascript;base64," in html and "/preview/assets/" not in html

    context, offline, requests, errors = open_offline(browser, html_path)
    try:
        if language == "tsx":
            expect(offline.locator("svg.recharts-surface").first).to_be_visible(timeout=15_000)
            # Its five lucide icons come one module each, without the whole of lucide-react.
            assert '"lucide-react/icons/trending-up.js":' in html and '"lucide-react":' not in html
            for icon in ("trending-up", "users", "dollar-sign", "shopping-cart", "arrow-up-right"):
                expect(offline.locator(f"svg.lucide-{icon}").first).to_be_visible()
            expect(offline.locator("body")).to_contain_text("Revenue Overview")
            expect(offline.locator("body")).to_contain_text("$74,600")
            # Tailwind is inlined too: the v3 class still gives a translucent background.
            bg = offline.locator(".bg-opacity-75").first.evaluate(
                "e => getComputedStyle(e).backgroundColor")
            assert "/ 0.75" in bg or "0.75)" in bg, bg
        else:
            expect(offline.locator("#count")).to_have_text("Stars: 40", timeout=15_000)
            offline.locator("#add-star").click()
            expect(offline.locator("#count")).to_have_text("Stars: 41")
            expect(offline.locator("#three")).to_contain_text("three.js r")
        assert requests == [], requests
        assert errors == [], errors
    finally:
        context.close()
