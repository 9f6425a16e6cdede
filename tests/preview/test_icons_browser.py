"""lucide-react icons come in a module of just the icons an import names: an app that names five
does not download, compile and evaluate all ~1,700 (the whole module took ~100 ms of a fresh
frame's first paint).

The frame rewrites the named imports of the code's import prologue (boot/icons.js) and the server
makes the module (canvas/preview/icons.py); anything else (a namespace import, a name that is no
icon) keeps the whole module, and line numbers stay.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from canvas.services import create_canvas
from tests.preview.helpers import frame, render

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_ICONS = """import { useState } from "react";
import {
  Edit,
  Star as Favourite,
} from "lucide-react";

export default function App() {
  const [n, setN] = useState(0);
  if (n > 0) throw new Error("clicked");
  return (
    <p id="icons"><Edit size={20} /><Favourite color="red" />
      <button id="boom" onClick={() => setN(1)}>Go</button></p>
  );
}
"""
WHOLE = r"lucide-react-[0-9a-f]{12}\.js"  # the whole module's file
NAMESPACE = """import * as Icons from "lucide-react";
import { Camera } from "lucide-react";

export default function App() {
  return <p id="icons"><Icons.Rocket /><Icons.AlertCircle /><Camera /></p>;
}
"""


def render_icons(make_user, preview_page, code: str, count: int):
    """A page whose preview rendered ``code``, its ``#icons svg``, and the runtime files the frame
    loaded (paths under /preview/assets/)."""
    owner = make_user("icons")
    page = preview_page(owner, create_canvas(owner, "Icons", "code", "jsx"))
    outcome = render(page, code)
    assert outcome["rendered"], outcome
    icons = frame(page).locator("#icons svg")
    expect(icons).to_have_count(count)
    loaded = frame(page).locator("body").evaluate(
        "() => performance.getEntriesByType('resource')"
        ".map(e => e.name.split('/preview/assets/')[1]).filter(Boolean)")
    return page, icons, sorted(loaded)


def icon_modules(scripts: list[str]) -> list[str]:
    return [name.split("/")[1] for name in scripts if name.startswith("lucide-react-icons-")]


def test_named_icons_load_only_their_own_modules_in_one_request(make_user, preview_page):


    page, icons, scripts = render_icons(make_user, preview_page, TWO_ICONS, 2)
    # Edit is lucide's old name of square-pen; props still reach the svg.
    assert icons.nth(0).get_attribute("class") == "lucide lucide-square-pen"
    assert icons.nth(0).get_attribute("width") == "20"
    assert icons.nth(1).get_attribute("class") == "lucide lucide-star"
    assert icons.nth(1).get_attribute("stroke") == "red"
    assert icon_modules(scripts) == ["square-pen,star.js"], scripts
    assert sum(name.startswith("lucide-react-core-") for name in scripts) == 1, scripts
    assert not any(re.fullmatch(WHOLE, name) for name in scripts), scripts

    # The rewrite keeps the lines: an error thrown on line 9 is reported on line 9.
    frame(page).locator("#boom").click()
    page.wait_for_function("() => window.__preview.errors.length > 0")
    error = page.evaluate("() => window.__preview.errors.at(-1)")
    assert "clicked" in error["message"] and error["line"] == 9, error


def test_a_namespace_import_gets_the_whole_module(make_user, preview_page):
    _page, icons, scripts = render_icons(make_user, preview_page, NAMESPACE, 3)
    assert [icons.nth(i).get_attribute("class") for i in range(3)] == [
        "lucide lucide-rocket", "lucide lucide-circle-alert", "lucide lucide-camera"]
    assert any(re.fullmatch(WHOLE, name) for name in scripts), scripts
    assert icon_modules(scripts) == ["camera.js"]  # the named import goes alone; one shared core
    assert sum(name.startswith("lucide-react-core-") for name in scripts) == 1, scripts
