"""Preview rendering: time to first paint, time to repaint after a one-line edit, bytes downloaded.

For every app of the preview corpus (tests/preview/corpus/), through the real canvas page in
headless Chromium (the app on localhost, the sandboxed preview from 127.0.0.1):

* cold: a fresh browser context (empty cache) opens an empty canvas, then the app's code arrives
  (as when the assistant writes it) and the preview renders it;
* fresh: Reload (a fresh frame, same context) once the page is idle. The HTTP cache does not serve
  a sandboxed frame (Chromium keys it by the frame's site, and an opaque origin has none: "from
  cache" counts the frame's files that came from it), so the page keeps a spare frame booted
  ahead of time (frontend/src/preview/controller.js);
* edit: a one-line edit of the code (React apps re-render in the same frame; HTML and plain
  scripts get a fresh frame);
* open: another fresh context opens the canvas that already holds the app (no spare can help);
* babel: the same React app through an @babel/standalone pipeline (in a fresh frame, whose first
  run includes loading Babel itself), and the same one-line edit through it. That pipeline is
  bench/preview_babel.js, which this script installs next to the runtime and adds to the frame.

Paint times are measured inside the frame, from the moment the code reaches it to the second
animation frame after rendering; wait times in the page, from the moment it hands the code to a
frame (which may still have to load) to the frame's report. "open" is from navigation start to that
report. Bytes are the Resource Timing transfer sizes of the frame's document and everything it
loaded (0 for cache hits).

Run: .venv/bin/python bench/preview_render.py [--apps N] [--only NAME]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402 - after the path set-up
    ROOT,
    Cleanup,
    OurServer,
    make_user,
    print_table,
    session_id,
    setup_django,
    temporary_directory,
)

CORPUS = ROOT / "tests" / "preview" / "corpus"
BABEL_SOURCE = ROOT / "frontend" / "preview-runtime" / "node_modules" / "@babel" / "standalone"
#: Served as /preview/assets/bench/ (canvas/preview/runtime.py).
BENCH_ASSETS = ROOT / "static" / "preview" / "bench"
LANGUAGES = {".jsx": "jsx", ".tsx": "tsx", ".html": "html", ".js": "javascript"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
EXPECT_TEXT = re.compile(r"@(?:expect-text|then-text)\s+(.*?)\s*(?:-->)?\s*$", re.MULTILINE)

RECORDER = """
window.__rendered = []; window.__errors = [];
document.addEventListener('preview:rendered', (e) => window.__rendered.push({...e.detail,
    at: performance.now(), waited: performance.now() - canvasPreview.requestedAt}), true);
document.addEventListener('preview:error', (e) => window.__errors.push(e.detail), true);
try { localStorage.setItem('canvas-preview-mode', 'split'); } catch {}
"""
SETTLE_MS = 1500  # before Reload: the spare frame starts 0.4 s after a render, then loads


@dataclass
class App:
    name: str
    language: str
    code: str

    @property
    def react(self) -> bool:
        return self.language in ("jsx", "tsx")

    def edited(self) -> str:
        """The code after a one-line edit: a visible string gets longer (or a line is added)."""
        header_end = 0
        lines = self.code.splitlines(keepends=True)
        for index, line in enumerate(lines):
            if not line.lstrip().startswith(("//", "<!--")):
                header_end = sum(len(x) for x in lines[:index])
                break
        body = self.code[header_end:]
        for text in EXPECT_TEXT.findall(self.code):
            # A whole word of a string or of JSX text, not part of an identifier.
            match = re.search(rf"(?<![\w$]){re.escape(text)}(?![\w$])", body)
            if match and "\n" not in text:
                at = match.start()
                edited = body[:at] + text + " (edited)" + body[at + len(text):]
                return self.code[:header_end] + edited
        comment = "<!-- edited -->\n" if self.language == "html" else "// edited\n"
        return self.code + comment


@dataclass
class Result:
    app: App
    cold_ms: float = float("nan")
    cold_wait_ms: float = float("nan")
    cold_bytes: int = 0
    fresh_ms: float = float("nan")
    fresh_wait_ms: float = float("nan")
    fresh_bytes: int = 0
    fresh_files: int = 0
    fresh_cached: int = 0
    edit_ms: float = float("nan")
    open_ms: float = float("nan")
    open_page_ms: float = float("nan")
    babel_first_ms: float | None = None
    babel_edit_ms: float | None = None
    notes: list[str] = field(default_factory=list)


def load_apps() -> list[App]:
    return [App(path.name, LANGUAGES[path.suffix], path.read_text())
            for path in sorted(CORPUS.iterdir()) if path.suffix in LANGUAGES]


def wait_rendered(page, count: int, timeout: float = 30) -> dict:
    """The ``count``-th rendered report (1-based), or raise on an error report of a later run."""
    page.wait_for_function("""(n) => window.__rendered.length >= n
        || window.__errors.some(e => e.run >= canvasPreview.run)""", arg=count,
                           timeout=timeout * 1000)
    errors = page.evaluate("() => window.__errors.filter(e => e.run >= canvasPreview.run)")
    if errors:
        error = errors[0]
        raise RuntimeError(f"the preview reported {error['phase']} error: {error['message'][:80]}")
    return page.evaluate("(n) => window.__rendered[n - 1]", count)


def set_code(page, code: str) -> None:
    page.evaluate("""(code) => { const t = canvasEditor.ytext;
        canvasEditor.ydoc.transact(() => { t.delete(0, t.length); t.insert(0, code); }); }""", code)


def install_babel() -> None:
    """Put the @babel/standalone pipeline where the preview serves it from (with a gzip copy, as
    the runtime's own files have): the regular build leaves it out of the runtime."""
    import gzip
    import shutil

    BENCH_ASSETS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).with_name("preview_babel.js"), BENCH_ASSETS / "preview_babel.js")
    babel, target = BABEL_SOURCE / "babel.min.js", BENCH_ASSETS / "babel.min.js"
    if not target.exists() or target.stat().st_mtime < babel.stat().st_mtime:
        shutil.copyfile(babel, target)
        target.with_name("babel.min.js.gz").write_bytes(gzip.compress(babel.read_bytes(), 9))


def active_frame(page):
    """The Playwright frame of the preview on screen (its URL carries the frame's channel token)."""
    token = page.evaluate("() => canvasPreview.active.token")
    return next(frame for frame in page.frames if f"ch={token}" in frame.url)


def render_with_babel(page, app: App, code: str, fresh: bool) -> dict:
    """Render ``code`` through the @babel/standalone pipeline: bench/preview_babel.js registers
    itself as the frame's transpiler; Babel loads on the first transform."""
    count = page.evaluate("() => window.__rendered.length")
    if fresh:
        page.click("#preview-tabs [data-preview-reload]")
        count = wait_rendered(page, count + 1) and count + 1
        active_frame(page).evaluate("""(src) => new Promise((resolve, reject) => {
            const script = Object.assign(document.createElement('script'), {src});
            script.onload = resolve; script.onerror = () => reject(new Error('no ' + src));
            document.head.append(script);
        })""", "/preview/assets/bench/preview_babel.js")
    page.evaluate("""([code, language]) => {
        const p = canvasPreview; p.run += 1;
        p.active.render({run: p.run, kind: 'react', language, code});
    }""", [code, app.language])
    rendered = wait_rendered(page, count + 1)
    if not active_frame(page).evaluate("() => !!window.Babel"):
        raise RuntimeError("the Babel pipeline did not run")
    return rendered


def open_page(browser, base: str, cookie: str, canvas_id: str):
    """A fresh context (empty cache) on the canvas, its preview beside the editor."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    context.add_init_script(RECORDER)
    page = context.new_page()
    page.goto(f"{base}/canvases/{canvas_id}/")
    page.wait_for_function("() => window.canvasPreview && canvasEditor.isSynced()",
                           timeout=30_000)
    return context, page


def measure(browser, base: str, cookie: str, canvas_id: str, app: App) -> Result:
    result = Result(app)
    context = None
    try:
        context, page = open_page(browser, base, cookie, canvas_id)
        count = page.evaluate("() => window.__rendered.length")
        set_code(page, app.code)
        cold = wait_rendered(page, count + 1)
        result.cold_ms, result.cold_wait_ms = cold["ms"]["total"], cold["waited"]
        result.cold_bytes = cold["transfer"]["bytes"]

        page.wait_for_timeout(SETTLE_MS)
        page.click("#preview-tabs [data-preview-reload]")
        fresh = wait_rendered(page, count + 2)
        result.fresh_ms, result.fresh_wait_ms = fresh["ms"]["total"], fresh["waited"]
        result.fresh_bytes = fresh["transfer"]["bytes"]
        result.fresh_files = fresh["transfer"]["count"]
        result.fresh_cached = fresh["transfer"]["cached"]

        set_code(page, app.edited())
        edit = wait_rendered(page, count + 3)
        result.edit_ms = edit["ms"]["total"]

        if app.react:
            first = render_with_babel(page, app, app.code, fresh=True)
            result.babel_first_ms = first["ms"]["total"]
            again = render_with_babel(page, app, app.edited(), fresh=False)
            result.babel_edit_ms = again["ms"]["total"]
        context.close()

        context, page = open_page(browser, base, cookie, canvas_id)  # it holds app.edited()
        opened = wait_rendered(page, 1)
        result.open_ms, result.open_page_ms = opened["ms"]["total"], opened["at"]
        set_code(page, "")  # the next app's page starts from an empty canvas
        page.wait_for_timeout(300)
    except Exception as exc:  # noqa: BLE001 - one broken app must not hide the others' figures
        result.notes.append(str(exc).splitlines()[0][:120])
    finally:
        if context is not None:
            context.close()
    return result


def fmt_ms(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value:.0f}"


def fmt_kb(value: int) -> str:
    return f"{value / 1000:.0f} kB"


def median(values: list[float]) -> float:
    values = [v for v in values if v is not None and v == v]
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", type=int, default=0, help="only the first N apps")
    parser.add_argument("--only", default="", help="only apps whose file name contains this")
    args = parser.parse_args()
    apps = [a for a in load_apps() if args.only in a.name]
    if args.apps:
        apps = apps[:args.apps]

    from playwright.sync_api import sync_playwright

    install_babel()
    with temporary_directory() as tmp, Cleanup() as cleanup:
        directory = Path(tmp)
        database = setup_django(directory)
        from canvas.services import create_canvas

        owner = make_user("bench-preview")
        canvases = {language: str(create_canvas(owner, f"Bench {language}", "code", language).id)
                    for language in sorted({a.language for a in apps})}
        cookie = session_id(owner)
        server = cleanup.server(OurServer(directory, database.url, database.secret_key))
        base = f"http://localhost:{server.port}"
        started = time.monotonic()
        results = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS)
            try:
                for app in apps:
                    results.append(measure(browser, base, cookie, canvases[app.language], app))
            finally:
                browser.close()

    babel = BENCH_ASSETS / "babel.min.js"
    print(f"Preview render benchmark: {len(results)} corpus apps, headless Chromium, "
          f"{time.monotonic() - started:.0f} s")
    print("Paint = ms from the code reaching the frame to the 2nd animation frame after render;")
    print("wait = ms from the page handing the code to a frame to its report; open = ms from")
    print("navigation start to the report. Bytes = what the frame downloaded (Resource Timing")
    print("transfer sizes; gzip); from cache = the frame's files that came from the HTTP cache.\n")

    def row(label: str, group: list[Result], babel: bool = True) -> list[str]:
        def m(name: str) -> str:
            return fmt_ms(median([getattr(r, name) for r in group]))
        return [label, "", fmt_kb(int(median([r.cold_bytes for r in group]))),
                fmt_kb(int(median([r.fresh_bytes for r in group]))), "",
                m("cold_ms"), m("cold_wait_ms"), m("fresh_ms"), m("fresh_wait_ms"), m("edit_ms"),
                m("open_ms"), m("open_page_ms"), m("babel_first_ms") if babel else "",
                m("babel_edit_ms") if babel else "", ""]

    rows = []
    for r in results:
        rows.append([r.app.name, r.app.language, fmt_kb(r.cold_bytes), fmt_kb(r.fresh_bytes),
                     f"{r.fresh_cached}/{r.fresh_files}", fmt_ms(r.cold_ms),
                     fmt_ms(r.cold_wait_ms), fmt_ms(r.fresh_ms), fmt_ms(r.fresh_wait_ms),
                     fmt_ms(r.edit_ms), fmt_ms(r.open_ms), fmt_ms(r.open_page_ms),
                     fmt_ms(r.babel_first_ms), fmt_ms(r.babel_edit_ms),
                     "; ".join(r.notes) or ""])
    react = [r for r in results if r.app.react]
    rows.append(row("median (all)", results, babel=False))
    rows.append(row("median (React)", react))
    print_table(["app", "lang", "kB cold", "kB fresh", "from cache", "paint cold", "wait cold",
                 "paint fresh", "wait fresh", "edit", "paint open", "open", "babel first",
                 "babel edit", "notes"], rows)
    first, first_react = median([r.cold_ms for r in results]), median([r.cold_ms for r in react])
    babel_first = median([r.babel_first_ms for r in react])
    print(f"\nFirst paint (paint cold): median {fmt_ms(first)} ms (goal <= 150); React "
          f"{fmt_ms(first_react)} ms vs {fmt_ms(babel_first)} ms through @babel/standalone = "
          f"{first_react / babel_first:.2f}x (goal <= 0.3x).")
    cached = sum(r.fresh_cached for r in results)
    print(f"HTTP cache: fresh frames took {cached} of {sum(r.fresh_files for r in results)} "
          f"files from it.")
    if babel.exists():
        import gzip

        raw = babel.read_bytes()
        print(f"\n@babel/standalone (bench only): {len(raw) / 1e6:.2f} MB, "
              f"{len(gzip.compress(raw, 9)) / 1e3:.0f} kB gzipped, loaded by each 'babel first'.")
    return 1 if any(r.notes for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
