"""Layers point one way: the sync engine (collab/) never imports the app (canvas/), and the
benchmarks (bench/) never import the tests. Checked on the source, import by import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def sources(package: str) -> list[Path]:
    return [p for p in sorted((ROOT / package).rglob("*.py")) if "migrations" not in p.parts]


@pytest.mark.parametrize(("package", "forbidden"), [("collab", "canvas"), ("bench", "tests")])
def test_a_layer_never_imports_the_one_above_it(package, forbidden):
    offenders = {str(path.relative_to(ROOT)): sorted(
        m for m in imported_modules(path) if m == forbidden or m.startswith(forbidden + "."))
        for path in sources(package)}
    assert not {path: mods for path, mods in offenders.items() if mods}


def test_the_check_sees_an_import_when_there_is_one(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("import os\nfrom canvas.models import Canvas\nfrom . import x\n")
    assert imported_modules(source) == {"os", "canvas.models"}


def test_the_app_reads_documents_through_collabs_api_not_its_tables():
    """Only the room model (which extends collab's AbstractRoom) and the admin know collab's
    tables; everything else reads through collab.persistence and collab.peer."""
    allowed = {"canvas/models.py", "canvas/admin.py"}
    readers = {str(path.relative_to(ROOT)) for path in sources("canvas")
               if "collab.models" in imported_modules(path)}
    assert readers <= allowed, sorted(readers - allowed)
