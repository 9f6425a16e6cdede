"""Finding the passage an edit names: exactly, then ignoring white space, then fuzzily.

Positions are Python code points. Every failure says what went wrong in words the model
can act on (it gets one chance to correct itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from diff_match_patch import diff_match_patch


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    how: str  # "exact" | "whitespace" | "fuzzy"


class LocateError(ValueError):
    """The text to find matches nowhere, or several places."""


#: A fuzzy match must be at least this similar (1 - edit distance / length).
FUZZY_MIN_SIMILARITY = 0.8
#: Fuzzy matching is quadratic-ish: only patterns up to this many characters.
FUZZY_MAX_PATTERN = 2000


def _within(spans: list[Span], scope: tuple[int, int] | None) -> list[Span]:
    if scope is None:
        return spans
    lo, hi = scope
    return [s for s in spans if lo <= s.start and s.end <= hi]


def _exact(text: str, find: str) -> list[Span]:
    spans, start = [], text.find(find)
    while start != -1:
        spans.append(Span(start, start + len(find), "exact"))
        start = text.find(find, start + len(find))
    return spans


def _whitespace(text: str, find: str) -> list[Span]:
    words = find.split()
    if not words:
        return []
    pattern = r"\s+".join(re.escape(word) for word in words)
    return [Span(m.start(), m.end(), "whitespace") for m in re.finditer(pattern, text)]


def _fuzzy(text: str, find: str, scope: tuple[int, int] | None) -> list[Span]:
    if len(find) > FUZZY_MAX_PATTERN or len(find.strip()) < 8:
        return []
    lo, hi = scope or (0, len(text))
    region = text[lo:hi]
    dmp = diff_match_patch()
    dmp.Match_Threshold = 0.35
    dmp.Match_Distance = max(1000, len(region))
    start = dmp.match_main(region, find, 0)
    if start == -1:
        return []
    # Extend the window a little and map the pattern's end through a diff.
    window = region[start:start + len(find) + len(find) // 4 + 8]
    diffs = dmp.diff_main(find, window)
    end = start + dmp.diff_xIndex(diffs, len(find) - 1) + 1
    candidate = region[start:end]
    distance = dmp.diff_levenshtein(dmp.diff_main(find, candidate))
    if 1 - distance / max(len(find), 1) < FUZZY_MIN_SIMILARITY:
        return []
    return [Span(lo + start, lo + end, "fuzzy")]


def locate(text: str, find: str, *, all_matches: bool = False,
           scope: tuple[int, int] | None = None) -> list[Span]:
    """The spans ``find`` names in ``text``, inside ``scope`` (a selection) if given."""
    if not find:
        raise LocateError("`find` is empty: quote the exact text to change.")
    for finder in (_exact, _whitespace):
        everywhere = finder(text, find)
        spans = _within(everywhere, scope)
        if spans:
            if len(spans) > 1 and not all_matches:
                raise LocateError(
                    f"`find` matches {len(spans)} places; quote more surrounding text so it "
                    "names one place, or set `all` to change every occurrence.")
            return spans
        if everywhere and scope is not None:
            raise LocateError("`find` is outside the selected text; only the selection "
                              "may be changed.")
    spans = _fuzzy(text, find, scope)
    if spans:
        return spans
    if scope is not None and _fuzzy(text, find, None):
        raise LocateError("`find` is outside the selected text; only the selection may be "
                          "changed.")
    raise LocateError("`find` does not occur in the canvas; quote the current text exactly "
                      "(the canvas may have changed since you read it).")
