"""Helpers of the preview tests: the corpus format, opening a canvas with its preview, waiting."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import login_context

CORPUS = Path(__file__).parent / "corpus"
LANGUAGE_BY_SUFFIX = {".jsx": "jsx", ".tsx": "tsx", ".html": "html", ".js": "javascript"}
FRAME = "#preview-root iframe.preview-frame:not(.is-loading)"

# Installed before page scripts: what the Preview tab reported, for assertions on history.
RECORDER = """
window.__preview = {rendered: [], errors: [], hangs: []};
const kinds = {'preview:rendered': 'rendered', 'preview:error': 'errors', 'preview:hang': 'hangs'};
for (const [name, key] of Object.entries(kinds)) {
  document.addEventListener(name, (e) => {
    window.__preview[key].push({...e.detail, at: performance.now()});
  }, true);
}
window.__violations = [];  // CSP violations of the app page itself (not of the frame)
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
    {directive: e.effectiveDirective, blocked: e.blockedURI}));
window.__pageErrors = [];
window.addEventListener('error', (e) => window.__pageErrors.push(String(e.message)));
"""

_DIRECTIVE = re.compile(r"@(expect-text|expect|click|fill|then-text)\s+(.*?)\s*(?:-->)?\s*$")


@dataclass
class CorpusApp:
    """A fixture app and what it promises (directives in its header comments)."""

    path: Path
    language: str
    code: str
    steps: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def load_corpus() -> list[CorpusApp]:
    apps = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix not in LANGUAGE_BY_SUFFIX:
            continue
        code = path.read_text()
        steps = [(m.group(1), m.group(2)) for line in code.splitlines()
                 if (m := _DIRECTIVE.search(line))]
        apps.append(CorpusApp(path, LANGUAGE_BY_SUFFIX[path.suffix], code, steps))
    return apps


def app_base(url: str) -> str:
    """The app on `localhost`, so that the preview comes from 127.0.0.1 (another site)."""
    return url.replace("127.0.0.1", "localhost")


def open_canvas(context, user, canvas, base: str, mode: str = "split") -> Page:
    """A signed-in page on the canvas, editor synced, preview in ``mode``."""
    login_context(context, user, base)
    context.add_init_script(RECORDER)
    page = context.new_page()
    page.goto(f"{base}/canvases/{canvas.id}/")
    page.wait_for_function("() => window.canvasEditor && window.canvasPreview")
    page.wait_for_function("() => canvasEditor.isSynced()", timeout=15_000)
    if mode:
        page.click(f"#preview-tabs [data-preview-mode={mode}]")
    return page


def set_code(page: Page, code: str) -> None:
    """Replace the canvas text, as one local edit (it syncs to everyone)."""
    page.evaluate("""(code) => {
        const t = canvasEditor.ytext;
        canvasEditor.ydoc.transact(() => { t.delete(0, t.length); t.insert(0, code); });
    }""", code)


def current_run(page: Page) -> int:
    return page.evaluate("() => canvasPreview.run")


def wait_outcome(page: Page, after_run: int, timeout: float = 20) -> dict:
    """Wait until a run newer than ``after_run`` rendered, failed or hung; its outcome."""
    hangs = page.evaluate("() => window.__preview.hangs.length")
    page.wait_for_function(
        """([after, hangs]) => {
            const p = canvasPreview, r = window.__preview;
            const mine = (x) => x.run === p.run;
            return p.run > after
                && (r.rendered.some(mine) || r.errors.some(mine) || r.hangs.length > hangs);
        }""", arg=[after_run, hangs], timeout=timeout * 1000)
    return page.evaluate("""(hangs) => {
        const p = canvasPreview, r = window.__preview;
        return {run: p.run, rendered: r.rendered.find(x => x.run === p.run) || null,
                error: r.errors.find(x => x.run === p.run) || null, hung: r.hangs.length > hangs};
    }""", hangs)


def render(page: Page, code: str, timeout: float = 20) -> dict:
    """Put ``code`` in the canvas and wait for the preview's verdict."""
    before = current_run(page)
    set_code(page, code)
    return wait_outcome(page, before, timeout)


def errors_of_run(page: Page, run: int) -> list[dict]:
    return page.evaluate("(run) => window.__preview.errors.filter(e => e.run === run)", run)


def frame(page: Page):
    return page.frame_locator(FRAME)


def run_steps(page: Page, app: CorpusApp) -> None:
    """Check what the app promises, inside the sandboxed frame."""
    inside = frame(page)
    for kind, arg in app.steps:
        if kind == "expect":
            expect(inside.locator(arg).first).to_be_visible(timeout=10_000)
        elif kind in ("expect-text", "then-text"):
            expect(inside.locator("body")).to_contain_text(arg, timeout=10_000)
        elif kind == "click":
            inside.locator(arg).first.click(timeout=10_000)
        elif kind == "fill":
            selector, _, value = arg.partition("=>")
            inside.locator(selector.strip()).first.fill(value.strip(), timeout=10_000)


def wait_until_true(predicate, timeout: float = 10, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
