"""The numbers of a report, from its runs: the issue's metrics, one dict, JSON-ready."""

from __future__ import annotations

import statistics
from collections import Counter

from .cases import ACTIONS
from .run import CaseRun

PLACEMENT_KEYS = ("exact", "normalized", "fuzzy", "failed", "fixed_on_retry", "dropped")


def _quantiles(values: list[float]) -> dict:
    if not values:
        return {"median": None, "p90": None, "max": None}
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return {"median": round(statistics.median(ordered), 4), "p90": round(p90, 4),
            "max": round(ordered[-1], 4)}


def expected_label(run: CaseRun) -> str:
    return " or ".join(run.case.expect.actions)


def summarize(runs: list[CaseRun]) -> dict:
    scored = [r for r in runs if not r.harness_error]
    passed = sum(r.passed for r in scored)
    confusion: dict[str, Counter] = {}
    for run in scored:
        confusion.setdefault(expected_label(run), Counter())[run.chosen] += 1
    placement: Counter = Counter()
    for run in scored:
        placement.update(run.placement)
    measures = [r.scored.measures for r in scored]
    with_selection = [m.selection_respected for m in measures
                      if m.selection_respected is not None]
    cost: dict[str, list[int]] = {}
    for run in scored:
        changed = run.scored.measures.changed_chars
        if changed and run.chosen in ("edit", "rewrite"):
            tokens, chars = cost.setdefault(run.chosen, [0, 0])
            cost[run.chosen] = [tokens + run.completion_tokens, chars + changed]
    failed_checks: Counter = Counter()
    for run in scored:
        failed_checks.update({c.name for c in run.scored.failures()})
    return {
        "runs": len(runs),
        "scored": len(scored),
        "passed": passed,
        "score": round(passed / len(scored), 4) if scored else 0.0,
        "harness_errors": len(runs) - len(scored),
        "action_accuracy": round(sum(r.chosen in r.case.expect.actions for r in scored)
                                 / len(scored), 4) if scored else 0.0,
        "confusion": {label: {a: row.get(a, 0) for a in ACTIONS}
                      for label, row in sorted(confusion.items())},
        "placement": {key: placement.get(key, 0) for key in PLACEMENT_KEYS},
        "keep_violations": sum(m.keep_violations for m in measures),
        "people_chars": sum(m.people_chars for m in measures),
        "people_survived": sum(m.people_survived for m in measures),
        "outside_chars": sum(m.outside_chars or 0 for m in measures),
        "selection_respected": f"{sum(with_selection)}/{len(with_selection)}",
        "output_tokens_per_changed_char": {
            action: round(tokens / chars, 3) for action, (tokens, chars) in sorted(cost.items())},
        "latency_first_change_s": _quantiles([r.first_change_s for r in scored
                                              if r.first_change_s is not None]),
        "latency_end_s": _quantiles([r.end_s for r in scored]),
        "prompt_tokens": sum(r.prompt_tokens for r in scored),
        "completion_tokens": sum(r.completion_tokens for r in scored),
        "failed_checks": dict(failed_checks.most_common()),
    }
