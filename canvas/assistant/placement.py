"""Placing one model edit in the canvas text: where it goes, and the smallest change there.

The model edits by quoting a passage (`find`) and giving its new text (`replace`). Its quote
is often not byte-exact: it re-types CRLF as LF, curly quotes as straight ones, 4-space
indentation as 2, NFD accents as NFC, or it quotes words a person has changed since. Editing
a wrong place is far worse than refusing (the model gets a reason and tries again), so this
module refuses rather than guesses:

1. **exact** occurrences whose two ends are grapheme-cluster boundaries (half a flag or one
   member of a ZWJ family is not a match);
2. otherwise **normalized** occurrences, after reversible normalizations of both sides (line
   endings, runs of spaces, indentation, trailing spaces, quotes, dashes, NFC) whose index
   maps lead back to the original positions;
3. otherwise one **fuzzy** region, only if it is close and clearly closer than any other.

Several matches need `all_matches`; `scope` (a selection) keeps only matches inside it.

The edit is then applied as a diff, not as a paste: only what the model changed between
`find` and `replace` is written, at the aligned places of the passage. Characters it kept stay
exactly as the document has them (curly quotes, CRLF, NFD accents, tabs), and the text it
inserts takes the document's line endings, indentation unit and normal form.

Positions are Python code points. Pure Python (``regex`` for grapheme clusters,
``diff-match-patch`` for diffs).
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import time
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import regex
from diff_match_patch import diff_match_patch


@dataclass(frozen=True)
class Change:
    """One primitive change in code points of the searched text: text[start:end] := insert."""

    start: int
    end: int
    insert: str


@dataclass(frozen=True)
class Placement:
    """Where one edit goes, and the minimal changes that make it there."""

    start: int  # the matched passage in `text` (code points)
    end: int
    how: str  # "exact" | "normalized" | "fuzzy"
    # Minimal changes turning text[start:end] into the intended replacement: ascending,
    # non-overlapping, all within [start, end]. Apply them in descending order.
    changes: tuple[Change, ...]


class PlacementError(ValueError):
    """The edit names no place, or several, or a place outside the selection.

    ``message`` is worded for the model (it gets one chance to correct itself);
    ``candidates`` are up to three passages of the text it may have meant.
    """

    def __init__(self, message: str, candidates: Sequence[str] = (),
                 outside_scope: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.candidates: tuple[str, ...] = tuple(candidates)[:3]
        self.outside_scope = outside_scope  # the quote is there, but outside ``scope``


#: A fuzzy match must be at least this similar (1 - edit distance / length)...
FUZZY_MIN_SIMILARITY = 0.85
#: ...and beat the runner-up by this much, unless no runner-up reaches RUNNER_UP_IGNORED.
FUZZY_MIN_MARGIN = 0.1
RUNNER_UP_IGNORED = 0.6
#: Below this many non-space characters a quote is too short to place fuzzily: a dozen
#: characters differ from many passages by one or two edits.
FUZZY_MIN_CHARS = 12
#: Fuzzy candidates are found by exact anchor chunks of the normalized quote. Chunks of 12
#: (every 6 characters) survive a changed word every ~10 words; shorter quotes use shorter
#: chunks. A 2,000-character quote nowhere in a 200,000-character text costs ~330 `str.find`
#: scans: with normalizing the text, about 40 ms in all.
ANCHOR_MIN, ANCHOR_MAX = 4, 12
#: A chunk seen more often than this says nothing about where the quote is.
ANCHOR_MAX_HITS = 32
#: Regions scored with a diff; if more places look about as likely, it is ambiguous anyway.
FUZZY_MAX_CANDIDATES = 6
#: Two edits of the model this close, with only letters between, are one change.
WORD_GAP = 4
#: Intent diffs are bounded: on timeout diff-match-patch returns a coarser, still valid diff.
DIFF_TIMEOUT = 0.2
#: How far to look for a known grapheme boundary (then segment from there), and how much
#: text around a passage tells its line endings and normal form.
BOUNDARY_LOOKBACK = 256
NEIGHBOURHOOD = 2000

_HWS = " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
       "\u202f\u205f\u3000"
_WS = "[" + _HWS.replace("\t", "\\t") + "]"
# Every place where the normalized form differs from the original, in one pass. A line
# break takes the trailing spaces before it and the indentation after it; so a passage that
# starts at a line's text starts after its indentation.
_SITES = regex.compile(
    rf"(?P<br>{_WS}*(?:\r\n|\r|\n){_WS}*)"
    rf"|(?P<edge>\A{_WS}+|{_WS}+\Z)"
    rf"|(?P<run>{_WS}{{2,}}|[{_HWS[1:]}])"
    r"|(?P<ch>[‘’‚‛“”„‟‐‑‒–—―−…])"
)
_PUNCT = {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"',
          "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
          "…": "..."}
_NON_ASCII = regex.compile(r"[^\x00-\x7f]+")
_CLUSTER = regex.compile(r"\X")
# Positions that are grapheme boundaries whatever follows or precedes: after a line feed,
# or between two characters of break class Other (letters, CJK, emoji bases, punctuation).
_SAFE = regex.compile(r"(?r)(?<=\n)|(?<=\p{GCB=Other})(?=\p{GCB=Other})")
_EOL = regex.compile(r"\r\n|\r|\n")
# A line's indentation, possibly empty, when the line has text.
_INDENT = regex.compile(r"(?:(?<=[\r\n])|\A)[ \t]*(?=[^ \t\r\n])")
_TOKEN = regex.compile(r"\w+|\W")
_WORD = regex.compile(r"\w*")
_WORD_CHAR = regex.compile(r"\w\w")  # two word characters: a position inside a word
_BREAK = "\r\n"


# -- grapheme clusters -------------------------------------------------------------------

def _is_boundary(s: str, p: int) -> bool:
    """Whether position ``p`` of ``s`` is an extended grapheme-cluster boundary."""
    if p <= 0 or p >= len(s):
        return True
    a, b = s[p - 1], s[p]
    if a == "\r":
        return b != "\n"
    if a == "\n" or b == "\n" or b == "\r":
        return True
    if a < "\x7f" and b < "\x7f":  # two ASCII characters never join
        return True
    lo = max(0, p - BOUNDARY_LOOKBACK)
    safe = _SAFE.search(s, lo, p)
    if safe is not None:
        start = safe.start()
    elif lo == 0:
        start = 0
    else:  # a quarter of a thousand joined characters: segment the whole text once
        return p in _all_boundaries(s)
    target = p - start
    for cluster in _CLUSTER.finditer(s[start:p + 1]):
        if cluster.end() >= target:
            return cluster.end() == target
    return True


@functools.lru_cache(maxsize=1)
def _all_boundaries(s: str) -> frozenset[int]:
    return frozenset([0, *(m.end() for m in _CLUSTER.finditer(s))])


def _snap_down(s: str, p: int) -> int:
    while not _is_boundary(s, p):
        p -= 1
    return p


def _snap_up(s: str, p: int) -> int:
    while not _is_boundary(s, p):
        p += 1
    return p


# -- normalization with a map back ---------------------------------------------------------

def _normalize(s: str) -> tuple[str, list[int]]:
    """The normalized form of ``s`` and, for each of its characters, where it starts in ``s``.

    ``starts`` has one more entry, the end of the last character. Normalized character j
    comes from ``s[starts[j]:starts[j + 1]]``; leading and trailing white space of ``s``
    belongs to no character.
    """
    base, base_starts = _nfc(s)
    parts: list[str] = []
    starts: list[int] = []
    pos, end = 0, len(base)
    for m in _SITES.finditer(base):
        a, b = m.span()
        kind = m.lastgroup
        rep = ("\n" if kind == "br" else "" if kind == "edge" else " " if kind == "run"
               else _PUNCT[m.group()])
        parts.append(base[pos:a])
        starts.extend(range(pos, a))
        if rep:
            parts.append(rep)
            starts.append(a)
            starts.extend([b] * (len(rep) - 1))
        elif b == len(base):
            end = a
        pos = b
    parts.append(base[pos:])
    starts.extend(range(pos, len(base)))
    starts.append(end)
    if base_starts is not None:
        starts = [base_starts[k] for k in starts]
    return "".join(parts), starts


#: The searched text's normalization, kept for the next edit of the same call on a text
#: (a 200,000-character text's map is ~7 MB, so only two).
_normalize_text = functools.lru_cache(maxsize=2)(_normalize)


def _nfc(s: str) -> tuple[str, list[int] | None]:
    """NFC of ``s`` with a start map, or ``(s, None)`` when it is already NFC.

    Composition never reaches across an ASCII character, so only runs of non-ASCII with
    the character before them are normalized, cluster by cluster.
    """
    if s.isascii() or unicodedata.is_normalized("NFC", s):
        return s, None
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for run in _NON_ASCII.finditer(s):
        a, b = max(run.start() - 1, pos), run.end()
        chunk = s[a:b]
        if unicodedata.is_normalized("NFC", chunk):
            continue
        parts.append(s[pos:a])
        starts.extend(range(pos, a))
        pieces = [(m.start(), m.end(), m.group(), unicodedata.normalize("NFC", m.group()))
                  for m in _CLUSTER.finditer(chunk)]
        whole = unicodedata.normalize("NFC", chunk)
        if "".join(p[3] for p in pieces) != whole:  # composition crossed a cluster: one block
            pieces = [(0, len(chunk), chunk, whole)]
        for ca, cb, original, normal in pieces:
            parts.append(normal)
            if normal == original:
                starts.extend(range(a + ca, a + cb))
            else:
                starts.append(a + ca)
                starts.extend([a + cb] * (len(normal) - 1))
        pos = b
    parts.append(s[pos:])
    starts.extend(range(pos, len(s) + 1))
    return "".join(parts), starts


# -- finding the passage -----------------------------------------------------------------

def _occurrences(hay: str, needle: str) -> list[int]:
    """Every start of ``needle`` in ``hay``, overlapping ones included (they are ambiguous)."""
    found, i = [], hay.find(needle)
    while i != -1:
        found.append(i)
        i = hay.find(needle, i + 1)
    return found


class _Match(NamedTuple):
    """A match: ``core`` is what the quote matched (it decides the selection and ambiguity);
    ``start``/``end`` the passage edited, widened over white space by ``_adjust_ends``."""

    core: tuple[int, int]
    start: int
    end: int


def _widened(text: str, start: int, end: int, find: str, exact: bool) -> _Match:
    wide = _adjust_ends(text, start, end, find, exact)
    if not (_is_boundary(text, wide[0]) and _is_boundary(text, wide[1])):
        wide = (start, end)
    return _Match((start, end), *wide)


def _exact(text: str, find: str) -> list[_Match]:
    n = len(find)
    return [_widened(text, i, i + n, find, exact=True) for i in _occurrences(text, find)
            if _is_boundary(text, i) and _is_boundary(text, i + n)]


def _normalized(text: str, find: str) -> list[_Match]:
    fn, _ = _normalize(find)
    if not fn:
        return []
    tn, ts = _normalize_text(text)
    n, matches = len(fn), []
    for i in _occurrences(tn, fn):
        if not (_is_boundary(tn, i) and _is_boundary(tn, i + n)):
            continue
        start, end = ts[i], ts[i + n]
        # Space the quote opens or closes with was dropped by normalizing; the document
        # must have space there too, or " cat" would match the end of "tomcat".
        if find[0] in _HWS and fn[0] != "\n" and start > 0 and not text[start - 1].isspace():
            continue
        if find[-1] in _HWS and fn[-1] != "\n" and end < len(text) and not text[end].isspace():
            continue
        if _is_boundary(text, start) and _is_boundary(text, end):
            matches.append(_widened(text, start, end, find, exact=False))
    return matches


def _adjust_ends(text: str, start: int, end: int, find: str,
                 exact: bool) -> tuple[int, int]:
    """Make a passage's ends follow the quote's ends around white space and line starts.

    A quote that opens at a line's text, or inside its indentation, takes in the line's
    indentation (so the lines the model adds before or after it get indentation like the
    document's, and it may change the first line's). Normalizing dropped the spaces a
    quote opens or closes with, so such a quote takes in the document's spaces there; one
    that ends with a line break stops right after the break, before the next line's
    indentation. An exact quote keeps its own spaces.
    """
    j = start
    while j > 0 and text[j - 1] in _HWS:
        j -= 1
    if j < start and find[0] not in _BREAK and (
            j == 0 or text[j - 1] in _BREAK or (find[0] in _HWS and not exact)):
        start = j
    if exact:
        return start, end
    if find[-1] in _HWS:
        while end < len(text) and text[end] in _HWS:
            end += 1
    elif find[-1] in _BREAK:
        j = end
        while j > start and text[j - 1] in _HWS:
            j -= 1
        if j > start and text[j - 1] in _BREAK:
            end = j
    return start, end


def _choose(text: str, matches: list[_Match], scope: tuple[int, int] | None,
            all_matches: bool) -> list[_Match]:
    """The matches to edit: inside the selection, one unless ``all_matches``."""
    inside = [m for m in matches if _within(m.core, scope)]
    if not inside:
        raise PlacementError(
            "`find` is outside the selected text; only the selection may be changed. Quote "
            "text inside the selection.", [_snippet(text, *m.core) for m in matches],
            outside_scope=True)
    if all_matches:
        chosen, last_end = [], -1
        for m in inside:  # the leftmost of overlapping occurrences, like str.replace
            if m.start >= last_end:
                chosen.append(m)
                last_end = m.end
        return chosen
    if len(inside) > 1:
        raise PlacementError(
            f"`find` matches {len(inside)} places; quote more surrounding text so it names "
            "one place, or set `all` to change every occurrence.",
            [_snippet(text, *m.core) for m in inside])
    return inside


def _within(span: tuple[int, int], scope: tuple[int, int] | None) -> bool:
    return scope is None or (scope[0] <= span[0] and span[1] <= scope[1])


def _snippet(text: str, start: int, end: int, context: int = 24) -> str:
    """The passage with a little context, for "did you mean"; long passages are elided."""
    lo = _snap_down(text, max(0, start - context))
    hi = _snap_up(text, min(len(text), end + context))
    if end - start <= 160:
        return text[lo:hi]
    return (text[lo:_snap_up(text, start + 60)] + " … " + text[_snap_down(text, end - 60):hi])


# -- fuzzy ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Candidate:
    similarity: float
    start: int  # in the searched text (code points)
    end: int


class _OutOfTime(Exception):
    pass


def _check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise _OutOfTime


def _dmp(deadline: float | None = None) -> tuple[diff_match_patch, float]:
    """A diff engine and its deadline in ``time.time()`` terms (diff-match-patch's clock)."""
    dmp = diff_match_patch()
    budget = DIFF_TIMEOUT if deadline is None else max(0.001, deadline - time.monotonic())
    dmp.Diff_Timeout = budget
    return dmp, time.time() + budget


def _token_diff(a: str, b: str, deadline: float | None = None) -> list[tuple[int, str]]:
    """A character diff of two long, similar texts, fast.

    Diffing words first keeps diff-match-patch's O(N·D) small (a 2,000-character quote with
    a few changed words: ~400 tokens, a few edits); changed word runs are then diffed by
    character.
    """
    dmp, dl = _dmp(deadline)
    codes: dict[str, int] = {}
    tokens: list[str] = []

    def encode(s: str) -> str:
        out = []
        for token in _TOKEN.findall(s):
            code = codes.get(token)
            if code is None:
                code = codes[token] = len(tokens) + 1
                tokens.append(token)
            out.append(chr(code))
        return "".join(out)

    coarse = dmp.diff_main(encode(a), encode(b), False, dl)
    diffs: list[tuple[int, str]] = []
    deleted, inserted = [], []

    def flush() -> None:
        d, i = "".join(deleted), "".join(inserted)
        if d and i:
            diffs.extend(dmp.diff_main(d, i, False, dl))
        elif d or i:
            diffs.append((-1, d) if d else (1, i))
        deleted.clear()
        inserted.clear()

    for op, encoded in coarse:
        decoded = "".join(tokens[ord(c) - 1] for c in encoded)
        if op == 0:
            flush()
            diffs.append((0, decoded))
        else:
            (deleted if op < 0 else inserted).append(decoded)
    flush()
    return diffs


def _score(fn: str, tn: str, lo: int, hi: int, deadline: float) -> _Candidate:
    """The best region of ``tn[lo:hi]`` for ``fn``, and its similarity.

    Window text before and after the region is free (a semi-global alignment). The region
    runs from one equal run of the diff to another, chosen for the least edits: a quote's
    characters before the first (after the last) run are edits, paired with as many
    document characters there, to the word's edge. Choosing the runs keeps a stray letter
    matched in the next paragraph from stretching the region.
    """
    window = tn[lo:hi]
    diffs = _token_diff(fn, window, deadline)
    # Equal runs (quote offset, window offset, length) and the blocks between them.
    runs: list[tuple[int, int, int]] = []
    gaps: list[tuple[int, int]] = [(0, 0)]  # (deleted, inserted) before each run, and after
    x = y = 0
    for op, t in diffs:
        if op == 0:
            runs.append((x, y, len(t)))
            gaps.append((0, 0))
            x, y = x + len(t), y + len(t)
        elif op < 0:
            gaps[-1] = (gaps[-1][0] + len(t), gaps[-1][1])
            x += len(t)
        else:
            gaps[-1] = (gaps[-1][0], gaps[-1][1] + len(t))
            y += len(t)
    if not runs:
        return _Candidate(0.0, lo, lo)
    # cost(a, b) = fn before run a + edits between runs a..b + fn after run b; O(runs).
    between = [0]
    for k in range(1, len(runs)):
        between.append(between[-1] + max(gaps[k]))
    best = (math.inf, 0, 0)
    lead_best, lead_at = math.inf, 0
    for b, (bx, _, bn) in enumerate(runs):
        lead = runs[b][0] - between[b]
        if lead < lead_best:
            lead_best, lead_at = lead, b
        cost = lead_best + between[b] + (len(fn) - bx - bn)
        if cost <= best[0]:  # on a tie, the region that keeps the quote's last run
            best = (cost, lead_at, b)
    _, a, b = best
    ax, ay, _ = runs[a]
    bx, by, bn = runs[b]
    head, tail = ax, len(fn) - bx - bn  # quote characters outside the equal runs
    start = ay - min(head, gaps[a][1])
    if head:
        while start > ay - gaps[a][1] and _WORD_CHAR.match(window, start - 1, start + 1):
            start -= 1
    matched_end = by + bn
    end = matched_end + min(tail, gaps[b + 1][1])
    if tail:
        while (end < matched_end + gaps[b + 1][1]
               and _WORD_CHAR.match(window, end - 1, end + 1)):
            end += 1
    distance = (max(head, ay - start) + between[b] - between[a]
                + max(tail, end - matched_end))
    return _Candidate(1 - distance / max(len(fn), end - start, 1), lo + start, lo + end)


def _fuzzy_candidates(fn: str, tn: str, deadline: float) -> tuple[list[_Candidate], bool]:
    """Regions of ``tn`` resembling ``fn``, most similar first, not overlapping; and whether
    more places looked about as likely than were scored (then none may win).

    Chunks of ``fn`` found verbatim in ``tn`` vote for where ``fn`` would start; the best
    voted places are scored by a diff. Raises _OutOfTime past ``deadline``.
    """
    m = len(fn)
    size = min(ANCHOR_MAX, max(ANCHOR_MIN, m // 8))
    step = max(1, size // 2)
    offsets = list(range(0, max(1, m - size + 1), step))
    if offsets[-1] != max(0, m - size):
        offsets.append(max(0, m - size))
    width = max(16, m // 4)  # starts within a quarter quote of each other are one place
    votes: dict[int, list[tuple[int, int]]] = {}  # bucket of start -> (chunk offset, hit)
    chunks = 0
    for k, o in enumerate(offsets):
        chunk = fn[o:o + size]
        if chunk.isspace():
            continue
        chunks += 1
        hits, i = [], tn.find(chunk)
        while i != -1 and len(hits) <= ANCHOR_MAX_HITS:
            hits.append(i)
            i = tn.find(chunk, i + 1)
        if len(hits) <= ANCHOR_MAX_HITS:
            for i in hits:
                votes.setdefault((i - o) // width, []).append((o, i))
        if k % 16 == 15:
            _check(deadline)
    _check(deadline)

    def weight(b: int) -> int:
        return sum(len(votes.get(b + d, ())) for d in (-1, 0, 1))

    ranked = sorted(votes, key=lambda b: (-weight(b), b))
    # A place is worth a diff if it has a few anchors and a fair share of the best place's:
    # diffing a dissimilar window is the slow case (diff-match-patch is O(N·D)).
    least = max(2 if chunks >= 4 else 1, math.ceil(0.3 * weight(ranked[0]))) if ranked else 1
    picked: list[int] = []
    crowded = False
    for b in ranked:
        if weight(b) < least:
            break
        if any(abs(b - p) <= 2 for p in picked):
            continue
        if len(picked) == FUZZY_MAX_CANDIDATES:  # yet another place about as likely?
            crowded = weight(b) >= 0.8 * weight(picked[0])
            break
        picked.append(b)
    scored: list[_Candidate] = []
    for b in picked:
        # The window runs from the first anchor's idea of the start to the last anchor's idea
        # of the end, padded by what edits outside the anchors could shift: a loose window
        # lets the diff align the quote's last word with a later passage.
        anchors = [a for d in (-1, 0, 1) for a in votes.get(b + d, ())]
        centre = sorted(i - o for o, i in anchors)[len(anchors) // 2]
        anchors = [(o, i) for o, i in anchors if abs(i - o - centre) <= m // 4 + 16]
        first, last = min(anchors), max(anchors)
        lo = first[1] - first[0] - first[0] // 4 - 8
        hi = last[1] + (m - last[0]) + (m - last[0] - size) // 4 + 8
        scored.append(_score(fn, tn, max(0, lo), min(len(tn), hi), deadline))
        _check(deadline)
    scored.sort(key=lambda c: -c.similarity)
    # Two windows that found mostly the same region found one place; a small overlap is
    # two places with sloppy edges, and both count (the runner-up must not vanish).
    kept: list[_Candidate] = []
    for c in scored:
        if c.end > c.start and not any(
                2 * (min(c.end, k.end) - max(c.start, k.start))
                >= min(c.end - c.start, k.end - k.start) for k in kept):
            kept.append(c)
    return kept, crowded


def _clear_winner(cands: list[_Candidate]) -> bool:
    if not cands or cands[0].similarity < FUZZY_MIN_SIMILARITY:
        return False
    if len(cands) == 1:
        return True
    runner_up = cands[1].similarity
    return runner_up <= RUNNER_UP_IGNORED or cands[0].similarity - runner_up >= FUZZY_MIN_MARGIN


def _fuzzy(text: str, find: str, scope: tuple[int, int] | None, all_matches: bool,
           deadline: float) -> _Match:
    """The one passage ``find`` approximately quotes; raises PlacementError otherwise."""
    fn, _ = _normalize(find)
    tn, ts = _normalize_text(text)
    cands: list[_Candidate] = []
    found, crowded = _fuzzy_candidates(fn, tn, deadline) if fn else ([], False)
    for c in found:
        start, end = _snap_down(text, ts[c.start]), _snap_up(text, ts[c.end])
        cands.append(_Candidate(c.similarity, start, end))
    snippets = [text[c.start:c.end] for c in cands[:3]]
    not_found = ("`find` does not occur in the canvas; quote the current text exactly (the "
                 "canvas may have changed since you read it).")
    if sum(not ch.isspace() for ch in find) < FUZZY_MIN_CHARS:
        raise PlacementError(not_found + (" Closest passages follow." if snippets else ""),
                             snippets)
    inside = [c for c in cands if _within((c.start, c.end), scope)]
    outside_best = max((c.similarity for c in cands if c not in inside), default=0.0)
    if not crowded and _clear_winner(inside) and outside_best <= inside[0].similarity:
        if all_matches:
            raise PlacementError(
                "`find` only approximately matches one passage, so `all` cannot apply; quote "
                "the current text exactly.", snippets)
        return _widened(text, inside[0].start, inside[0].end, find, exact=False)
    if scope is not None and not crowded and _clear_winner(cands):
        raise PlacementError(
            "`find` is outside the selected text; only the selection may be changed. Quote "
            "text inside the selection.", snippets, outside_scope=True)
    close = FUZZY_MIN_SIMILARITY - FUZZY_MIN_MARGIN
    if crowded or (len(cands) > 1 and cands[1].similarity >= close):
        raise PlacementError(
            "`find` does not occur exactly, and several passages are about equally close; "
            "quote the one you mean exactly, with more surrounding text.", snippets)
    raise PlacementError(not_found + (" Closest passages follow." if snippets else ""),
                         snippets)


# -- the intent: a diff applied to what is there --------------------------------------------

def _count_line_endings(s: str) -> str | None:
    crlf = s.count("\r\n")
    counts = [(crlf, "\r\n"), (s.count("\n") - crlf, "\n"), (s.count("\r") - crlf, "\r")]
    n, eol = max(counts)
    return eol if n else None


def _line_ending(text: str, start: int, end: int) -> str | None:
    """The passage's line ending, else its neighbourhood's; None if there is no line break."""
    return (_count_line_endings(text[start:end])
            or _count_line_endings(text[max(0, start - NEIGHBOURHOOD):end + NEIGHBOURHOOD]))


def _form_of(s: str) -> str | None:
    if s.isascii():
        return None
    nfc, nfd = unicodedata.is_normalized("NFC", s), unicodedata.is_normalized("NFD", s)
    return "NFC" if nfc and not nfd else "NFD" if nfd and not nfc else None


def _normal_form(text: str, start: int, end: int) -> str | None:
    """NFC or NFD as the passage (else its neighbourhood) is written; None if mixed or moot."""
    return (_form_of(text[start:end])
            or _form_of(text[max(0, start - NEIGHBOURHOOD):end + NEIGHBOURHOOD]))


def _conventions(s: str, eol: str | None, form: str | None) -> str:
    if eol is not None:
        s = _EOL.sub(eol, s)
    if form is not None:
        s = unicodedata.normalize(form, s)
    return s


Blocks = list[tuple[int, int, int, int, bool]]  # find norm [x0, x1) ~ passage norm [y0, y1)


def _align(fn: str, pn: str) -> Blocks:
    """Aligned blocks of two normalized texts: equal runs char by char, the rest as blocks."""
    if fn == pn:
        return [(0, len(fn), 0, len(pn), True)]
    diffs = _token_diff(fn, pn)
    diff_match_patch().diff_cleanupSemantic(diffs)
    blocks: Blocks = []
    x = y = 0
    x0 = y0 = None
    for op, t in diffs:
        if op == 0:
            if x0 is not None:
                blocks.append((x0, x, y0, y, False))
                x0 = y0 = None
            blocks.append((x, x + len(t), y, y + len(t), True))
            x, y = x + len(t), y + len(t)
        else:
            if x0 is None:
                x0, y0 = x, y
            if op < 0:
                x += len(t)
            else:
                y += len(t)
    if x0 is not None:
        blocks.append((x0, x, y0, y, False))
    return blocks


def _indentation(ws: str) -> tuple[str, int] | None:
    """(character, count) of an indentation; None when it mixes tabs and spaces."""
    if not ws:
        return "", 0
    if ws.strip(" ") == "":
        return " ", len(ws)
    if ws.strip("\t") == "":
        return "\t", len(ws)
    return None


def _indent_pairs(find: str, fn: str, fs: list[int], passage: str, ps: list[int],
                  blocks: Blocks, line_start: bool) -> list[tuple[str, str]]:
    """(quote indentation, document indentation) of each line the alignment pairs up."""
    pairs = []
    if line_start and fn:
        pairs.append((find[:fs[0]], passage[:ps[0]]))
    for x0, x1, y0, _, equal in blocks:
        if not equal:
            continue
        x = fn.find("\n", x0, x1)
        while x != -1:
            if x + 1 < len(fn) and fn[x + 1] != "\n":  # a line with text, not a blank one
                y = y0 + x - x0
                q, d = find[fs[x]:fs[x + 1]], passage[ps[y]:ps[y + 1]]
                pairs.append((q[len(q.rstrip(_HWS)):], d[len(d.rstrip(_HWS)):]))
            x = fn.find("\n", x + 1, x1)
    return pairs


Convert = Callable[[str], str]


def _indent_mapping(pairs: list[tuple[str, str]], first_line: bool, find: str,
                    replace: str) -> tuple[Convert, Convert] | None:
    """How the quote's indentation becomes the document's, for its first line and the rest.

    Usually one rule, width d = base + ratio * q, fitted on the paired lines (2 → 4 spaces
    is ratio 2; 4 spaces → a tab is 1/4; a quote that dropped a common indentation has a
    base). A multi-line quote that left out only its first line's indentation (the rest
    agree with the document) gets that indentation back on its first line alone. None when
    they agree already or fit no rule: indentation is then left as the model wrote it.
    ``first_line``: ``pairs[0]`` is the quote's first line, which starts a line.
    """
    if all(q == d for q, d in pairs):
        return None
    if (first_line and len(pairs) > 1 and pairs[0][0] == ""
            and all(q == d for q, d in pairs[1:])):
        indentation = pairs[0][1]
        return (lambda ws: indentation + ws), (lambda ws: ws)
    measured = [(_indentation(q), _indentation(d)) for q, d in pairs]
    if any(q is None or d is None for q, d in measured):
        return None
    q_chars = {q[0] for q, _ in measured if q[1]}
    for other in _INDENT.findall(find) + _INDENT.findall(replace):
        if other and _indentation(other):
            q_chars.add(other[0])
    d_chars = {d[0] for _, d in measured if d[1]}
    if len(q_chars) > 1 or len(d_chars) != 1:
        return None
    d_char = d_chars.pop()
    q_char = q_chars.pop() if q_chars else d_char
    points: dict[int, int] = {}
    for (_, qw), (_, dw) in measured:
        if points.setdefault(qw, dw) != dw:
            return None
    (q1, d1), (q2, d2) = min(points.items()), max(points.items())
    if q2 > q1:
        ratio = (d2 - d1) / (q2 - q1)
        base = d1 - ratio * q1
        if ratio <= 0 or base < 0 or any(abs(base + ratio * q - d) > 1e-9
                                         for q, d in points.items()):
            return None
    elif q1 > 0:
        ratio, base = d1 / q1, 0.0
    else:  # only unindented quote lines: keep the quote's steps, in the document's character
        ratio = 1.0 if q_char == d_char else 4.0 if q_char == "\t" else 0.25
        base = d1

    def convert(ws: str) -> str:
        measured_ws = _indentation(ws)
        if measured_ws is None or (measured_ws[1] and measured_ws[0] != q_char):
            return ws
        return d_char * max(0, math.floor(base + ratio * measured_ws[1] + 0.5))

    return convert, convert


def _reindent(s: str, first: Convert, rest: Convert, line_start: bool,
              keep_blank: bool = True) -> str:
    """``s`` with each line's indentation converted, its first line's too if it starts one.

    The first line's indentation is converted even when empty (deleting a first line's
    text keeps the indentation the document has before it) unless that line is blank and
    ``keep_blank`` is false: then it has none (a deleted line leaves no spaces behind).
    """
    rest_of_it = _INDENT.sub(lambda m: rest(m.group()) if m.start() else m.group(), s)
    if not line_start:
        return rest_of_it
    lead = len(s) - len(s.lstrip(" \t"))
    blank = lead == len(s) or s[lead] in _BREAK
    return ("" if blank and not keep_blank else first(s[:lead])) + rest_of_it[lead:]


def _units(fs: list[int], flen: int, ps: list[int], plen: int,
           blocks: Blocks) -> tuple[list[int], list[int]]:
    """Boundaries of aligned units: find[fb[k]:fb[k+1]] corresponds to passage[db[k]:db[k+1]].

    Both lists are non-decreasing and tile the whole quote and the whole passage; a unit may
    be empty on one side (words only the document has, or only the quote).
    """
    fb, db = [0], [0]
    expansions = _has_empty_span(fs) or _has_empty_span(ps)
    for x0, x1, y0, _, equal in blocks:
        if not equal:
            fb.append(fs[x0])
            db.append(ps[y0])
        elif not expansions:
            fb.extend(fs[x0:x1])
            db.extend(ps[y0:y0 + x1 - x0])
        else:  # "…" ~ "...": a character that expands is one unit, never split
            for x in range(x0, x1):
                y = y0 + x - x0
                if x == x0 or (fs[x] < fs[x + 1] and ps[y] < ps[y + 1]):
                    fb.append(fs[x])
                    db.append(ps[y])
    fb += [fs[-1], flen]
    db += [ps[-1], plen]
    return fb, db


def _has_empty_span(starts: list[int]) -> bool:
    return any(map(operator.eq, starts, itertools.islice(starts, 1, None)))


@functools.lru_cache(maxsize=64)
def _edits(find: str, replace: str) -> tuple[tuple[int, int, str], ...]:
    """What the model changed: (start, end, new text) in ``find``, ascending."""
    dmp, deadline = _dmp()
    diffs = dmp.diff_main(find, replace, True, deadline)
    dmp.diff_cleanupSemantic(diffs)
    edits: list[tuple[int, int, str]] = []
    pos, current = 0, None
    for op, t in diffs:
        if op == 0:
            if current:
                edits.append(current)
                current = None
            pos += len(t)
            continue
        a, b, s = current or (pos, pos, "")
        current = (a, b + len(t), s) if op < 0 else (a, b, s + t)
        if op < 0:
            pos += len(t)
    if current:
        edits.append(current)
    # Edits a few letters apart inside one word are one change of that word ("broken" ->
    # "cracked" is not "bro" -> "crac" and "n" -> "d").
    merged: list[tuple[int, int, str]] = []
    for a, b, s in edits:
        if merged and a - merged[-1][1] <= WORD_GAP and _WORD.fullmatch(find, merged[-1][1], a):
            pa, pb, ps = merged.pop()
            a, s = pa, ps + find[pb:a] + s
        merged.append((a, b, s))
    return tuple(merged)


def _snap_edit(edit: tuple[int, int, str], find: str,
               fb: list[int]) -> tuple[int, int, str]:
    """Move an edit's ends onto unit boundaries: slide an insertion, else widen."""
    def is_boundary(p: int) -> bool:
        return fb[bisect_left(fb, p)] == p

    a, b, s = edit
    if a == b and not is_boundary(a):
        for step in (1, -1):  # "x|yz" inserting "y" is also "xy|z" inserting "y"
            j, t = a, s
            for _ in range(len(s) + 8):
                if step > 0 and j < len(find) and find[j] == t[0]:
                    j, t = j + 1, t[1:] + find[j]
                elif step < 0 and j > 0 and find[j - 1] == t[-1]:
                    j, t = j - 1, find[j - 1] + t[:-1]
                else:
                    break
                if is_boundary(j):
                    return j, j, t
    if not is_boundary(a):
        lo = fb[bisect_right(fb, a) - 1]
        a, s = lo, find[lo:a] + s
    if not is_boundary(b):
        hi = fb[bisect_right(fb, b)]
        b, s = hi, s + find[b:hi]
    return a, b, s


def _relative_changes(passage: str, find: str, replace: str, line_start: bool,
                      line_goes_on: bool, eol: str | None,
                      form: str | None) -> tuple[Change, ...]:
    """The changes, relative to the passage, that put the model's edit into it.

    ``line_start``: the passage starts a line; ``line_goes_on``: its first line goes on
    after it; ``eol`` and ``form``: the document's line ending and normal form there
    (None: leave the model's).
    """
    find, replace = _conventions(find, eol, form), _conventions(replace, eol, form)
    if find == passage:  # exact: the quote is the passage, position for position
        fb = db = list(range(len(find) + 1))
        head, tail = 0, len(find)
    else:
        fn, fs = _normalize(find)
        pn, ps = _normalize(passage)
        if fn and pn:
            blocks = _align(fn, pn)
            pairs = _indent_pairs(find, fn, fs, passage, ps, blocks, line_start)
            mapping = _indent_mapping(pairs, line_start, find, replace)
            if mapping is not None:
                find2 = _reindent(find, *mapping, line_start)
                fn2, fs2 = _normalize(find2)
                if fn2 == fn:
                    replace = _reindent(replace, *mapping, line_start, line_goes_on)
                    find, fs = find2, fs2
            fb, db = _units(fs, len(find), ps, len(passage), blocks)
            # Where the quote's first or last words differ from the passage, it is unsure
            # which document words they stand for: the model may not edit there.
            head = fs[blocks[0][1]] if not blocks[0][4] else 0
            tail = fs[blocks[-1][0]] if not blocks[-1][4] else len(find)
        else:
            fb, db = [0, len(find)], [0, len(passage)]
            head, tail = 0, len(find)
    if find == replace:
        return ()
    # Snap each edit onto unit boundaries; edits whose snapped spans meet are merged (in
    # the quote's own coordinates, where the text between them is known) and snapped again.
    originals: list[tuple[int, int, str]] = []
    snapped: list[tuple[int, int, str]] = []
    for edit in _edits(find, replace):
        mine = _snap_edit(edit, find, fb)
        while snapped and _meet(snapped[-1], mine):
            a, b, s = originals.pop()
            snapped.pop()
            edit = (a, edit[1], s + find[b:edit[0]] + edit[2])
            mine = _snap_edit(edit, find, fb)
        originals.append(edit)
        snapped.append(mine)
    if any(a < head or b > tail for a, b, _ in snapped):
        raise PlacementError(
            "`find` only approximately matches the canvas, and the edit changes its first or "
            "last words, which read differently there; quote the current text exactly.",
            [passage])
    changes = []
    for a, b, s in snapped:
        lo = db[bisect_right(fb, a) - 1]  # after text only the document has...
        hi = lo if a == b else db[bisect_left(fb, b)]  # ...and before it
        old = passage[lo:hi]
        # What the widened edit would rewrite identically stays out of the change.
        k = 0
        while k < len(old) and k < len(s) and old[k] == s[k]:
            k += 1
        lo, old, s = lo + k, old[k:], s[k:]
        k = 0
        while k < len(old) and k < len(s) and old[-1 - k] == s[-1 - k]:
            k += 1
        hi, s = hi - k, s[:len(s) - k]
        if lo < hi or s:
            changes.append(Change(lo, hi, s))
    return tuple(changes)


def _meet(first: tuple[int, int, str], second: tuple[int, int, str]) -> bool:
    """Whether two snapped edits overlap, or touch with an insertion between them."""
    return second[0] < first[1] or (second[0] == first[1] and (
        first[0] == first[1] or second[0] == second[1]))


# -- the entry point -------------------------------------------------------------------------

def _search(text: str, find: str, all_matches: bool, scope: tuple[int, int] | None,
            time_budget: float) -> tuple[str, list[_Match], tuple[int, int] | None]:
    """Exact, then normalized, then fuzzy: how it matched, the matches, the clamped scope."""
    deadline = time.monotonic() + time_budget
    if scope is not None:
        lo, hi = sorted(min(max(0, p), len(text)) for p in scope)
        scope = (lo, hi)
    try:
        how, matches = "exact", _exact(text, find)
        if not matches:
            _check(deadline)
            how, matches = "normalized", _normalized(text, find)
        if matches:
            chosen = _choose(text, matches, scope, all_matches)
        else:
            how, chosen = "fuzzy", [_fuzzy(text, find, scope, all_matches, deadline)]
    except _OutOfTime:
        raise PlacementError(
            "searching for `find` took too long; quote a shorter passage exactly as the "
            "canvas has it.") from None
    return how, chosen, scope


def find_passage(text: str, find: str, *, scope: tuple[int, int] | None = None,
                 time_budget: float = 0.15) -> tuple[int, int, str]:
    """Where one quote is (a comment's anchor), by the same rules as ``place``:
    (start, end, how). Raises PlacementError."""
    if not find.strip():
        raise PlacementError("`find` is empty: quote the exact text to comment on.")
    how, chosen, _ = _search(text, find, False, scope, time_budget)
    start, end = chosen[0].core
    return start, end, how


def place(text: str, find: str, replace: str, *, all_matches: bool = False,
          scope: tuple[int, int] | None = None, time_budget: float = 0.15) -> list[Placement]:
    """Placements of one edit in `text`, ascending and non-overlapping; raises PlacementError.

    ``scope`` is a selection (code points): only matches inside it count. ``time_budget``
    (seconds) bounds the search beyond exact matching.
    """
    if not find:
        raise PlacementError("`find` is empty: quote the exact text to change.")
    if find == replace:
        raise PlacementError("nothing to change: `replace` is the same as `find`.")
    how, chosen, scope = _search(text, find, all_matches, scope, time_budget)
    placements, cache = [], {}
    for match in chosen:
        start, end = match.start, match.end
        passage = text[start:end]
        key = (passage, start == 0 or text[start - 1] in _BREAK,
               not _EOL.search(passage) and end < len(text) and text[end] not in _BREAK,
               _line_ending(text, start, end), _normal_form(text, start, end))
        if key not in cache:  # all exact matches of one quote share their changes
            cache[key] = _relative_changes(passage, find, replace, *key[1:])
        changes = tuple(Change(start + c.start, start + c.end, c.insert) for c in cache[key])
        # The passage may reach over white space outside the selection; its changes may not.
        if scope is not None and any(c.start < scope[0] or c.end > scope[1] for c in changes):
            raise PlacementError(
                "the edit would change white space just outside the selected text; only "
                "the selection may be changed.", [_snippet(text, *match.core)])
        if changes:
            placements.append(Placement(start, end, how, changes))
    if not placements:
        raise PlacementError("nothing to change: the canvas already reads as `replace` there.")
    return placements
