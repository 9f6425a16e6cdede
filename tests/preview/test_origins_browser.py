"""The default preview origin works both ways: app on 127.0.0.1 → preview from localhost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from canvas.services import create_canvas
from tests.preview.helpers import FRAME, frame, render

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_app_on_127_0_0_1_gets_its_preview_from_localhost(make_user, preview_page,
                                                          live_server_url):
    owner = make_user("numeric")
    canvas = create_canvas(owner, "Numeric host", "code", "tsx")
    page = preview_page(owner, canvas, base=live_server_url)
    outcome = render(page, "export default function App(): JSX.Element {\n"
                           "  return <h1 id='hi' className='text-3xl'>Hello</h1>;\n}\n")
    assert outcome["rendered"], outcome
    src = page.locator(FRAME).get_attribute("src")  # the frame on screen, not a spare
    assert src.startswith(live_server_url.replace("127.0.0.1", "localhost") + "/preview/frame?")
    assert "parent=" + live_server_url.replace(":", "%3A").replace("/", "%2F") in src
    expect(frame(page).locator("#hi")).to_have_css("font-size", "30px")
