"""``/evals/``: the latest eval reports, for staff (ARCHITECTURE.md §9).

Reads the JSON reports ``canvas_eval`` wrote to ``CANVAS_EVAL_REPORTS``: a table of metrics
with one column per report (the latest per model and prompt variant), and the failures of
the chosen report with their diffs.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .report import metric_rows

#: Reports listed at most (the newest first).
LATEST = 12


def _reports(directory: Path) -> list[tuple[str, dict]]:
    """(file name, report) of the newest reports, newest first; unreadable files skipped."""
    paths = sorted(directory.glob("eval-*.json"), key=lambda p: p.stat().st_mtime,
                   reverse=True) if directory.is_dir() else []
    out = []
    for path in paths[:LATEST * 4]:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
            metric_rows(report["summary"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        out.append((path.name, report))
    return out


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("Only staff may see the eval reports.")
    found = _reports(Path(settings.CANVAS_EVAL_REPORTS))
    latest: dict[tuple, tuple[str, dict]] = {}
    for name, report in found:  # newest first: the first of each model and variant stays
        meta = report["meta"]
        latest.setdefault((meta.get("label") or meta.get("model"),
                           meta.get("prompt_variant"), meta.get("mode")), (name, report))
    columns = list(latest.values())[:LATEST]
    rows = []
    for index, (metric, _) in enumerate(metric_rows(columns[0][1]["summary"])
                                        if columns else []):
        rows.append((metric, [metric_rows(r["summary"])[index][1] for _, r in columns]))
    chosen_name = request.GET.get("report") or (columns[0][0] if columns else "")
    chosen = next((r for name, r in found if name == chosen_name), None)
    failures = [run for run in chosen["runs"] if not run["passed"]] if chosen else []
    return render(request, "evals/reports.html", {
        "columns": [(name, r["meta"]) for name, r in columns], "rows": rows,
        "chosen_name": chosen_name if chosen else "", "chosen": chosen,
        "failures": failures, "directory": settings.CANVAS_EVAL_REPORTS})
