"""The standalone export: one HTML file that runs a canvas offline, opened straight from disk.

It is the preview frame turned inside out: the same boot runtime and library modules, inlined as
``data:`` URLs in the import map (file:// pages can import those, and our modules have no relative
imports), Tailwind as a ``data:`` script, and the code itself base64-encoded in a data block so that
no ``</script>`` in it can end the block early. Only the modules the code imports are included, and
of lucide-react only the icons it names when the frame will load them one module each.
"""

from __future__ import annotations

import base64
import json
import re

from django.template.loader import render_to_string

from .icons import icon_imports, icon_module, icon_specifier
from .runtime import Runtime, load_runtime

# The import forms the frame also checks (boot/imports.js IMPORT_RE): static, re-exports and
# import("x").
IMPORT_RE = re.compile(
    r"""^[ \t]*(?:import|export)\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']"""
    r"""|\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)""", re.MULTILINE)
SCRIPT_SRC_RE = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
TAILWIND_CDN_RE = re.compile(r"tailwindcss|@tailwindcss/browser|twind")
REACT_CORE = {"react", "react-dom", "react-dom-client", "react-jsx-runtime"}
LANGUAGES = {"jsx", "tsx", "html", "javascript"}


def data_url(content: bytes, mime: str = "text/javascript") -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def imported_specifiers(code: str) -> set[str]:
    return {m.group(1) or m.group(2) for m in IMPORT_RE.finditer(code)}


def needed_globals(runtime: Runtime, html: str) -> list[str]:
    """Globals (window.THREE, ...) standing in for the CDN scripts an HTML page loads."""
    names: list[str] = []
    for src in SCRIPT_SRC_RE.findall(html):
        for name, entry in runtime.globals.items():
            if re.search(entry["pattern"], src) and name not in names:
                if entry.get("after") and entry["after"] not in names:
                    names.append(entry["after"])
                names.append(name)
                break
    return names


def _json_for_script(value: object) -> str:
    """JSON that cannot close the <script> element it sits in."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def build_standalone(code: str, language: str, title: str) -> str:
    """The export as HTML text."""
    runtime = load_runtime()
    owners = runtime.specifier_owners()
    # HTML pages get React only if one of their module scripts imports it.
    wanted = set() if language == "html" else set(REACT_CORE) | set(runtime.boot["deps"])
    specifiers = imported_specifiers(code)
    icons, whole = icon_imports(runtime, code)
    if icons:
        wanted |= set(runtime.icons["deps"])
        if not whole:
            specifiers.discard(runtime.icons["module"])
    wanted |= {owners[spec] for spec in specifiers if spec in owners}
    modules = runtime.closure(wanted)
    imports: dict[str, str] = {}
    for name in modules:
        url = data_url(runtime.read(runtime.modules[name]["file"]))
        for spec in runtime.modules[name]["specifiers"]:
            imports[spec] = url
    for file in sorted(icons):
        imports[icon_specifier(runtime, file)] = data_url(icon_module(runtime, [file]))
    imports["canvas-runtime/boot"] = data_url(runtime.read(runtime.boot["file"]))

    needs_tailwind = language != "html" or bool(
        [src for src in SCRIPT_SRC_RE.findall(code) if TAILWIND_CDN_RE.search(src)])
    globals_config = {}
    if language == "html":
        for name in needed_globals(runtime, code):
            entry = runtime.globals[name]
            globals_config[name] = {"pattern": entry["pattern"], "global": entry["global"],
                                    "after": entry.get("after"),
                                    "url": data_url(runtime.read(entry["file"]))}
    config = {"globals": globals_config,
              "tailwind": data_url(runtime.read(runtime.tailwind["file"])) if needs_tailwind
              else None}
    return render_to_string("preview/standalone.html", {
        "title": title or "Canvas",
        "import_map": _json_for_script({"imports": imports}),
        "runtime_config": _json_for_script(config),
        "compat_css": runtime.compat_css,
        "language": language,
        "source_b64": base64.b64encode(code.encode("utf-8")).decode("ascii"),
        "versions": ", ".join(f"{k} {v}" for k, v in sorted(runtime.versions.items())),
    })


def export_filename(title: str, extension: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-._")[:60] or "canvas"
    return f"{slug}.{extension}"
