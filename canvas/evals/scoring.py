"""Scoring one run of a case: each expectation becomes a named check that passes or fails.

The measures behind the checks (how much changed, where, what people typed and whether it
survived) are computed from the text the model read (with people's edits) and the text
afterwards, by a character diff (diff-match-patch, as the turn's own rewrites use).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from diff_match_patch import diff_match_patch

from . import code_checks
from .cases import Case, nth


@dataclass(frozen=True)
class Check:
    name: str  # "action", "match", "keep", ... (the report groups failures by it)
    passed: bool | None  # None: skipped (a tool missing here)
    detail: str = ""
    hard: bool = False  # a must-keep violation: the case fails whatever else holds


@dataclass
class Measures:
    changed_chars: int = 0  # base characters deleted + characters inserted
    changed_fraction: float = 0.0  # 1 - kept / max(len(base), len(after))
    outside_chars: int | None = None  # changed outside the allowed passages (None: no limit)
    selection_respected: bool | None = None
    people_chars: int = 0  # characters people typed or deleted during the turn
    people_survived: int = 0  # ... of which are still as they left them
    keep_violations: int = 0


@dataclass
class Scored:
    checks: list[Check] = field(default_factory=list)
    measures: Measures = field(default_factory=Measures)

    @property
    def passed(self) -> bool:
        return all(c.passed is not False for c in self.checks)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.passed is False]

    def as_dict(self) -> dict:
        return {"checks": [asdict(c) for c in self.checks], "measures": asdict(self.measures)}


def diff(before: str, after: str) -> list[tuple[int, str]]:
    engine = diff_match_patch()
    engine.Diff_Timeout = 2.0
    ops = engine.diff_main(before, after)
    engine.diff_cleanupSemantic(ops)
    return ops


def changed_spans(before: str, after: str) -> list[tuple[int, int, str]]:
    """The changes as (start, end, inserted) in ``before``'s positions."""
    spans: list[tuple[int, int, str]] = []
    at = 0
    for op, text in diff(before, after):
        if op == 0:
            at += len(text)
        elif op == -1:
            if spans and spans[-1][1] == at:
                start, _, inserted = spans.pop()
                spans.append((start, at + len(text), inserted))
            else:
                spans.append((at, at + len(text), ""))
            at += len(text)
        else:
            if spans and spans[-1][1] == at:
                start, end, inserted = spans.pop()
                spans.append((start, end, inserted + text))
            else:
                spans.append((at, at, text))
    return spans


def _allowed_regions(base: str, quotes: tuple[str, ...]) -> list[tuple[int, int]]:
    regions = []
    for quote in quotes:
        at = base.find(quote)
        while at >= 0:
            regions.append((at, at + len(quote)))
            at = base.find(quote, at + 1)
    return regions


def _outside(spans: list[tuple[int, int, str]], regions: list[tuple[int, int]]) -> int:
    """Characters changed outside every region (an insertion at a region's edge is in)."""
    count = 0
    for start, end, inserted in spans:
        inside = [(a, b) for a, b in regions if a <= start and end <= b]
        if inside:
            continue
        covered = sum(max(0, min(end, b) - max(start, a)) for a, b in regions)
        count += (end - start - covered) + (len(inserted) if not any(
            a <= start <= b for a, b in regions) else 0)
    return count


def measure(case: Case, base: str, after: str, people: list[tuple[str, str]]) -> Measures:
    """``people``: (text a person inserted, text they deleted) during the turn."""
    m = Measures()
    spans = changed_spans(base, after)
    m.changed_chars = sum(end - start + len(ins) for start, end, ins in spans)
    kept = len(base) - sum(end - start for start, end, _ in spans)
    longest = max(len(base), len(after))
    m.changed_fraction = 0.0 if not longest else round(1 - kept / longest, 4)
    if case.expect.allowed:
        m.outside_chars = _outside(spans, _allowed_regions(base, case.expect.allowed))
    elif case.selection:
        at = nth(base, case.selection, case.selection_occurrence)
        m.outside_chars = _outside(spans, [(at, at + len(case.selection))] if at >= 0 else [])
    if case.selection:
        m.selection_respected = m.outside_chars == 0
    for inserted, deleted in people:
        m.people_chars += len(inserted) + len(deleted)
        if inserted and inserted in after:
            m.people_survived += len(inserted)
        if deleted and after.count(deleted) <= base.count(deleted):
            m.people_survived += len(deleted)
    return m


def score(case: Case, *, status: str, error: str, chosen: str, base: str, after: str,
          after_comments: list[dict], people: list[tuple[str, str]],
          placement_failed: int, checked_text: str | None = None, reply: str = "") -> Scored:
    """Every expectation of ``case`` against what happened. ``checked_text`` is the text the
    code checks and regexes read (a port writes a new canvas), default ``after``."""
    expect = case.expect
    scored = Scored(measures=measure(case, base, after, people))
    m = scored.measures
    checks = scored.checks
    text = after if checked_text is None else checked_text
    checks.append(Check("status", status == expect.status,
                        f"ended {status}" + (f": {error}" if error else "")
                        + ("" if status == expect.status else f" (expected {expect.status})")))
    checks.append(Check("action", chosen in expect.actions,
                        f"chose {chosen}; acceptable: {' / '.join(expect.actions)}"))
    if placement_failed:
        checks.append(Check("placement", False, f"{placement_failed} edit(s) or comment(s) "
                            "could not be placed"))
    for quote in expect.keep:
        if base.count(quote) and text.count(quote) < base.count(quote):
            m.keep_violations += 1
            checks.append(Check("keep", False, f"must stay untouched: {quote!r}", hard=True))
    for pattern in expect.match:
        found = re.search(pattern, text, re.M) is not None
        checks.append(Check("match", found, f"/{pattern}/ " + ("matches" if found else
                                                                "does not match")))
    for pattern in expect.no_match:
        found = re.search(pattern, text, re.M)
        checks.append(Check("no_match", found is None, f"/{pattern}/ " + (
            f"still matches {found.group(0)!r}" if found else "does not match")))
    if expect.max_changed is not None:
        ok = m.changed_fraction <= expect.max_changed + 1e-9
        checks.append(Check("max_changed", ok, f"changed {m.changed_fraction:.1%} of the text "
                            f"(at most {expect.max_changed:.1%})"))
    if m.outside_chars is not None:
        where = "selection" if case.selection and not expect.allowed else "allowed passages"
        checks.append(Check("outside", m.outside_chars == 0,
                            f"{m.outside_chars} character(s) changed outside the {where}"))
    if people:
        checks.append(Check("people", m.people_survived == m.people_chars,
                            f"{m.people_survived} of {m.people_chars} characters people "
                            "changed during the turn survived"))
    for pattern in expect.said:
        found = re.search(pattern, reply, re.I) is not None
        checks.append(Check("said", found, f"the reply {'matches' if found else 'does not match'}"
                            f" /{pattern}/i"))
    for quote in expect.comments:
        hit = any(c.get("quote") and (quote in c["quote"] or c["quote"] in quote)
                  for c in after_comments)
        checks.append(Check("comment", hit, f"a comment on {quote!r}" + (
            "" if hit else f" is missing (comments on: "
            f"{', '.join(repr(c.get('quote', ''))[:40] for c in after_comments) or 'none'})")))
    for name in expect.code:
        ok, detail = code_checks.run_check(name, text, case.language)
        checks.append(Check(f"code:{name}", ok, detail or ("compiles" if ok else "skipped")))
    return scored
