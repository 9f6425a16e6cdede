"""Issue 5, test 1: a corpus of realistic single-file apps renders in the sandboxed preview.

Each app under corpus/ is written the way models write them and names, in its header comments,
what it promises (@expect an element, @expect-text, and @click/@fill steps with @then-text). One
canvas per language is reused for all its apps: the preview follows the live text as it changes.
"""

from __future__ import annotations

import pytest

from canvas.services import create_canvas
from tests.preview.helpers import errors_of_run, frame, load_corpus, render, run_steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORPUS = load_corpus()


def test_corpus_is_big_enough():
    assert len(CORPUS) >= 15
    assert {app.language for app in CORPUS} == {"jsx", "tsx", "html", "javascript"}
    assert all(app.steps for app in CORPUS), "every app must promise something"


@pytest.mark.parametrize("language", ["jsx", "tsx", "html", "javascript"])
def test_corpus_apps_render_and_keep_their_promises(language, make_user, preview_page):
    apps = [app for app in CORPUS if app.language == language]
    owner = make_user(f"corpus-{language}")
    canvas = create_canvas(owner, f"Corpus {language}", "code", language)
    page = preview_page(owner, canvas)
    failures = []
    for app in apps:
        outcome = render(page, app.code)
        if outcome["error"] or not outcome["rendered"]:
            failures.append(f"{app.name}: {outcome['error'] or 'no render'}")
            continue
        try:
            run_steps(page, app)
        except AssertionError as exc:
            failures.append(f"{app.name}: {str(exc).splitlines()[0]}")
            continue
        late = errors_of_run(page, outcome["run"])
        if late:
            failures.append(f"{app.name}: error after rendering: {late[0]}")
    assert not failures, "\n".join(failures)


def test_tailwind_v3_opacity_classes_are_translucent(make_user, preview_page):
    """`bg-black bg-opacity-50` (v3) is 50% black, and a white card inside it stays opaque."""
    owner = make_user("tw")
    canvas = create_canvas(owner, "Tailwind", "code", "jsx")
    page = preview_page(owner, canvas)
    outcome = render(page, """
export default function App() {
  return (
    <div id="backdrop" className="fixed inset-0 bg-black bg-opacity-50 flex items-center">
      <div id="card" className="bg-white p-4 text-gray-900 text-opacity-75 flex-shrink-0 w-[37px]">
        Hi
      </div>
      <div id="arbitrary" className="bg-black/25 md:grid-cols-3 p-4 text-2xl"></div>
    </div>
  );
}""")
    assert outcome["rendered"], outcome
    styles = frame(page).locator("body").evaluate("""() => {
        const alpha = (c) => {
            const m = c.match(/\\/\\s*([\\d.]+)\\)|rgba\\([^)]*,\\s*([\\d.]+)\\)/);
            return m ? Number(m[1] ?? m[2]) : 1;
        };
        const s = (id) => getComputedStyle(document.getElementById(id));
        return {backdrop: alpha(s('backdrop').backgroundColor),
                card: alpha(s('card').backgroundColor),
                text: alpha(s('card').color), shrink: s('card').flexShrink, width: s('card').width,
                slash: alpha(s('arbitrary').backgroundColor), font: s('arbitrary').fontSize};
    }""")
    assert styles == {"backdrop": 0.5, "card": 1, "text": 0.75, "shrink": "0", "width": "37px",
                      "slash": 0.25, "font": "24px"}
