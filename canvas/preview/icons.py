"""lucide-react's icons, served as modules of just the icons an import statement names.

The whole of lucide-react is ~1,700 icons in one 750 kB module that took ~100 ms of a fresh frame's
first paint to compile and evaluate, for apps that use five. The frame rewrites
``import { Camera, Edit as E } from "lucide-react"`` (in its import prologue) into
``import { i0 as Camera, i1 as E } from "lucide-react/icons/camera,square-pen.js"``
(``frontend/preview-runtime/src/boot/icons.js``); the import map's prefix ``lucide-react/icons/``
brings that here, and we answer with one module made from the icons' drawings (the build's
``lucide-react-icons-<hash>.json``) around the shared ``lucide-react/core``, exporting the icons as
i0, i1, … in the order of the URL. One request per statement: a file per icon cost a request per
icon (~5 ms each, one at a time, from our server).

The standalone export maps one such module per icon instead (the frame falls back to those when
the import map has no prefix), and only for the statements the frame will rewrite: the same rules.
"""

from __future__ import annotations

import json
import re

from .runtime import Runtime

# The frame's import prologue: blanks, comments, directives and import statements, one at a time.
PROLOGUE_RE = re.compile(
    r"""\s+|//[^\n]*|/\*.*?\*/|(["'])use [\w ]+\1;?"""
    r"""|import\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?(["'])[^"'\n]+\2[ \t]*;?""", re.DOTALL)
NAMED_RE = re.compile(r"""^import\s*\{([^{}]*)\}\s*from\s*(["'])lucide-react\2""")
SPECIFIER_RE = re.compile(r"^(type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$")
# Or the whole module: anything else that names it.
MODULE_RE = re.compile(r"""["']lucide-react["']""")
MAX_PER_MODULE = 500


def icon_file(runtime: Runtime, name: str) -> str | None:
    """The icon lucide-react exports as ``name`` (Camera, CameraIcon, LucideCamera; Edit is
    square-pen), or None. As ``iconFile`` of boot/icon-names.mjs."""
    names = runtime.icons.get("names", {})
    found = names.get(name)
    if found is None and name.endswith("Icon"):
        found = names.get(name[:-4])
    if found is None and name.startswith("Lucide"):
        found = names.get(name[6:])
    return found


def files_in_path(runtime: Runtime, name: str) -> list[str] | None:
    """The icons of an asset path ``lucide-react-icons-<hash>/a,b.js`` (sorted, each once), or None
    when it is not one."""
    directory = runtime.icons.get("dir")
    if not directory or not name.startswith(directory) or not name.endswith(".js"):
        return None
    files = name[len(directory):-3].split(",")
    drawings = runtime.icon_drawings()
    if (len(files) > MAX_PER_MODULE or files != sorted(set(files))
            or not all(file in drawings for file in files)):
        return None
    return files


def icon_module(runtime: Runtime, files: list[str]) -> bytes:
    """An ES module exporting the icons ``files`` as i0, i1, … (in that order)."""
    drawings = runtime.icon_drawings()
    lines = [f"import createLucideIcon from {json.dumps(runtime.icons['core'])};"]
    for index, file in enumerate(files):
        drawing = json.dumps(drawings[file], separators=(",", ":"))
        lines.append(f"const i{index} = createLucideIcon({json.dumps(file)}, {drawing});")
    lines.append(f"export {{ {', '.join(f'i{index}' for index in range(len(files)))} }};\n")
    return "\n".join(lines).encode()


def icon_specifier(runtime: Runtime, file: str) -> str:
    """The specifier of one icon's own module, as the export maps it."""
    return f"{runtime.icons['prefix']}{file}.js"


def icon_imports(runtime: Runtime, code: str) -> tuple[set[str], bool]:
    """The icons ``code`` names in statements the frame rewrites, and whether it needs the whole
    module too. When in doubt the whole module is needed (the frame keeps a statement whole when
    the import map lacks its icons), and never fewer icons than the frame rewrites: the frame
    sees the code after sucrase, whose prologue only ever loses type imports and names."""
    if not runtime.icons:
        return set(), False
    files: set[str] = set()
    whole = False
    end = 0
    while (match := PROLOGUE_RE.match(code, end)) and match.end() > end:
        statement, end = match.group(0), match.end()
        if not statement.startswith("import") or not MODULE_RE.search(statement):
            continue
        if re.match(r"import\s+type\s", statement):
            continue  # types only: sucrase removes it
        named = NAMED_RE.match(statement)
        split = _named_icons(runtime, named.group(1)) if named else None
        if split is None:
            whole = True
        else:
            files |= split
    if MODULE_RE.search(code, end):  # past the prologue: not rewritten
        whole = True
    return files, whole


def _named_icons(runtime: Runtime, names: str) -> set[str] | None:
    files = set()
    for part in names.split(","):
        if not part.strip():
            continue
        specifier = SPECIFIER_RE.match(part.strip())
        if not specifier:
            return None
        if specifier.group(1):
            continue  # `type LucideProps`
        file = icon_file(runtime, specifier.group(2))
        if file is None:
            return None
        files.add(file)
    return files
