"""The built preview runtime: its manifest, the import map and the files it may serve.

``frontend/preview-runtime/build.mjs`` writes ``static/preview/manifest.json``. Each library is one
self-contained ES module whose only imports are other mapped specifiers, so the same files work
in the frame (URLs) and in the standalone export (``data:`` URLs). lucide-react's icons also come
as modules of just the icons asked for, under one prefix of the import map (``icons.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings

ASSET_PREFIX = "/preview/assets/"


class RuntimeMissing(RuntimeError):
    """The runtime was not built (``make setup`` builds it)."""


@dataclass(frozen=True)
class Runtime:
    """What one build of the runtime offers."""

    root: Path
    modules: dict[str, dict]
    globals: dict[str, dict]
    boot: dict
    tailwind: dict
    compat_css: str
    versions: dict[str, str]
    #: lucide-react's icons (icons.py): ``prefix`` of the import map, ``dir`` of their URLs,
    #: ``drawings`` (the file of each icon's drawing), ``names`` (export name without its
    #: Icon/Lucide variants → icon), ``core`` (the specifier they import), ``deps``.
    icons: dict = field(default_factory=dict)
    files: frozenset[str] = field(default=frozenset())

    def specifier_owners(self) -> dict[str, str]:
        """Bare specifier → module name (several specifiers may share one file)."""
        return {spec: name for name, mod in self.modules.items() for spec in mod["specifiers"]}

    def import_map(self, url_for=None) -> dict:
        """The import map of the frame; ``url_for(module_name, file)`` may replace the URLs."""
        url_for = url_for or (lambda _name, file: ASSET_PREFIX + file)
        imports = {}
        for name, mod in sorted(self.modules.items()):
            for spec in mod["specifiers"]:
                imports[spec] = url_for(name, mod["file"])
        if self.icons:
            imports[self.icons["prefix"]] = url_for(self.icons["module"], self.icons["dir"])
        return {"imports": imports}

    def icon_drawings(self) -> dict[str, list]:
        """Each lucide icon's drawing (its ``__iconNode``), read on first use."""
        return _read_json(self.root / self.icons["drawings"]) if self.icons else {}

    def closure(self, names: set[str]) -> list[str]:
        """These modules and every module they import, dependencies first."""
        ordered: list[str] = []
        seen: set[str] = set()

        def visit(name: str) -> None:
            if name in seen or name not in self.modules:
                return
            seen.add(name)
            for dep in self.modules[name]["deps"]:
                visit(dep)
            ordered.append(name)

        for name in sorted(names):
            visit(name)
        return ordered

    def read(self, file: str) -> bytes:
        return (self.root / file).read_bytes()

    def available_specifiers(self) -> list[str]:
        """Specifiers worth telling a person or the model about (not every alias)."""
        return sorted(spec for spec in self.specifier_owners()
                      if not spec.startswith("@/") and "/addons/" not in spec
                      and "/examples/" not in spec and not spec.startswith("lucide-react/"))

    def ui_names(self) -> list[str]:
        return sorted(spec.removeprefix("@/components/ui/") for spec in self.specifier_owners()
                      if spec.startswith("@/components/ui/"))


@cache
def _read_json(path: Path):
    return json.loads(path.read_text())  # a new build has a new name (its hash)


def runtime_root() -> Path:
    return Path(getattr(settings, "CANVAS_PREVIEW_RUNTIME_DIR", "")
                or Path(settings.BASE_DIR) / "static" / "preview")


_cache: dict[str, tuple[float, Runtime]] = {}


def load_runtime() -> Runtime:
    """The manifest, re-read when a rebuild changed it (cheap: one stat per request)."""
    root = runtime_root()
    path = root / "manifest.json"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise RuntimeMissing(f"{path} is missing: build the preview runtime (make setup)") from None
    cached = _cache.get(str(root))
    if cached and cached[0] == mtime:
        return cached[1]
    data = json.loads(path.read_text())
    files = {mod["file"] for mod in data["modules"].values()}
    files |= {g["file"] for g in data["globals"].values()}
    files |= {data["boot"]["file"], data["tailwind"]["file"]}
    # bench/preview_render.py puts the @babel/standalone pipeline it compares with here.
    if (root / "bench").is_dir():
        files |= {f"bench/{path.name}" for path in (root / "bench").glob("*.js")}
    runtime = Runtime(root=root, modules=data["modules"], globals=data["globals"],
                      boot=data["boot"], tailwind=data["tailwind"],
                      compat_css=data["compat_css"], versions=data["versions"],
                      icons=data.get("icons") or {}, files=frozenset(files))
    _cache[str(root)] = (mtime, runtime)
    return runtime
