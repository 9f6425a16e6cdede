"""Reports: JSON (every run, for scripts and ``--compare``) and Markdown (for people), both
from one dict; and what got better or worse between two JSON reports."""

from __future__ import annotations

import difflib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from .metrics import summarize
from .run import CaseRun

DIFF_LINES = 80  # a failure's diff in the report is cut after this many lines


def text_diff(before: str, after: str) -> str:
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), "read",
                                      "after", n=2, lineterm=""))
    if len(lines) > DIFF_LINES:
        lines = lines[:DIFF_LINES] + [f"… ({len(lines) - DIFF_LINES} more lines)"]
    return "\n".join(lines)


def build(runs: list[CaseRun], meta: dict) -> dict:
    """The report: ``meta`` (model, endpoint, variant, cases, …), the summary, every run."""
    out_runs = []
    for run in runs:
        entry = run.as_dict()
        for heavy in ("base", "after", "checked_text"):
            entry.pop(heavy)
        if not run.passed:
            entry["diff"] = text_diff(run.base, run.checked_text or run.after)
        out_runs.append(entry)
    return {"meta": {"created": datetime.now(UTC).isoformat(timespec="seconds"), **meta},
            "summary": summarize(runs), "runs": out_runs}


def _slug(value: str) -> str:
    return re.sub(r"[^\w.-]+", "-", value).strip("-")[:60] or "model"


def write(report: dict, directory: str | Path) -> tuple[Path, Path]:
    """Write ``report`` as JSON and Markdown; return both paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    meta = report["meta"]
    stamp = meta["created"].replace(":", "").replace("-", "")[:15]
    stem = f"eval-{stamp}-{_slug(meta.get('label') or meta.get('model', ''))}-" \
           f"{_slug(meta.get('prompt_variant', 'v1'))}"
    json_path, md_path = directory / f"{stem}.json", directory / f"{stem}.md"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n",
                         encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return json_path, md_path


def _pct(value: float) -> str:
    return f"{value:.1%}"


def metric_rows(summary: dict) -> list[tuple[str, str]]:
    """The summary as (metric, value) rows: the Markdown table and the /evals/ page."""
    latency = summary["latency_first_change_s"], summary["latency_end_s"]
    placement = summary["placement"]
    cost = summary["output_tokens_per_changed_char"]
    return [
        ("score (cases passed)", f"{summary['passed']}/{summary['scored']} "
                                 f"({_pct(summary['score'])})"),
        ("action accuracy", _pct(summary["action_accuracy"])),
        ("placement: exact / normalized / fuzzy", f"{placement['exact']} / "
         f"{placement['normalized']} / {placement['fuzzy']}"),
        ("placement: failed / fixed on retry / dropped (people deleted it)",
         f"{placement['failed']} / {placement['fixed_on_retry']} / {placement['dropped']}"),
        ("must-keep violations", str(summary["keep_violations"])),
        ("people's concurrent edits survived (chars)",
         f"{summary['people_survived']}/{summary['people_chars']}"),
        ("chars changed outside what was allowed", str(summary["outside_chars"])),
        ("selection respected", summary["selection_respected"]),
        ("output tokens per changed char", ", ".join(f"{k} {v}" for k, v in cost.items())
         or "–"),
        ("latency to first change (median / p90 s)",
         f"{latency[0]['median']} / {latency[0]['p90']}"),
        ("latency to the end (median / p90 s)", f"{latency[1]['median']} / "
                                                f"{latency[1]['p90']}"),
        ("tokens (prompt / completion)", f"{summary['prompt_tokens']} / "
                                         f"{summary['completion_tokens']}"),
        ("cases that could not run", str(summary["harness_errors"])),
    ]


def markdown(report: dict) -> str:
    meta, summary = report["meta"], report["summary"]
    lines = [f"# Canvas eval: {meta.get('label') or meta.get('model')}", "",
             f"{meta['created']} · model `{meta.get('model')}` at `{meta.get('base_url')}` · "
             f"prompt `{meta.get('prompt_variant')}` · {meta.get('mode', 'live')} · "
             f"cases `{meta.get('cases')}`" + (f" (only {meta['only']})" if meta.get("only")
                                               else "")
             + f" × {meta.get('repeat', 1)}", "",
             "| metric | value |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in metric_rows(summary)]
    lines += ["", "## Actions (rows: acceptable, columns: chosen)", "",
              "| acceptable | reply | edit | rewrite | comment |",
              "| --- | --- | --- | --- | --- |"]
    for label, row in summary["confusion"].items():
        lines.append(f"| {label} | " + " | ".join(str(v) for v in row.values()) + " |")
    failures = [r for r in report["runs"] if not r["passed"]]
    lines += ["", f"## Failures ({len(failures)})", ""]
    if summary["failed_checks"]:
        lines += ["By check: " + ", ".join(f"{k} {v}" for k, v in
                                           summary["failed_checks"].items()), ""]
    for run in failures:
        lines += [f"### {run['case']} (run {run['repetition'] + 1}) · {run['source']}", "",
                  f"Request: {run['request']!r}; expected {' / '.join(run['expected'])}, "
                  f"chose {run['chosen']}, ended {run['status']}."]
        if run["harness_error"]:
            lines.append(f"- could not run: {run['harness_error']}")
        lines += [f"- **{c['name']}**: {c['detail']}" for c in run["checks"]
                  if c["passed"] is False]
        if run.get("reply"):
            lines.append(f"- said: {run['reply'][:300]!r}")
        if run.get("reasons"):
            lines.append(f"- its reasons: {'; '.join(run['reasons'])[:300]!r}")
        if run.get("diff"):
            lines += ["", "```diff", run["diff"], "```"]
        elif "diff" in run:
            lines.append("- the text did not change")
        lines.append("")
    return "\n".join(lines) + "\n"


def load(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def compare(old: dict, new: dict) -> str:
    """What got better and worse from ``old`` to ``new`` (metrics, then cases)."""
    lines = [f"Compared with {old['meta'].get('label') or old['meta'].get('model')} "
             f"({old['meta']['created']}, prompt {old['meta'].get('prompt_variant')}):"]
    for key in ("score", "action_accuracy", "keep_violations", "outside_chars",
                "people_survived", "completion_tokens"):
        a, b = old["summary"].get(key), new["summary"].get(key)
        if a != b:
            lines.append(f"  {key}: {a} → {b}")

    def outcome(report: dict) -> dict[str, bool]:
        by_case: dict[str, bool] = {}
        for run in report["runs"]:
            by_case[run["case"]] = by_case.get(run["case"], True) and run["passed"]
        return by_case

    before, after = outcome(old), outcome(new)
    better = sorted(c for c in after if after[c] and before.get(c) is False)
    worse = sorted(c for c in after if not after[c] and before.get(c) is True)
    lines.append(f"  better ({len(better)}): {', '.join(better) or '–'}")
    lines.append(f"  worse ({len(worse)}): {', '.join(worse) or '–'}")
    new_cases = sorted(set(after) - set(before))
    if new_cases:
        lines.append(f"  new cases ({len(new_cases)}): {', '.join(new_cases)}")
    return "\n".join(lines)
