"""Who made each change between two texts of a canvas (History's "Show changes").

Insertions: every character is a Yjs item named after the client id that wrote it, and
provenance names the person or assistant turn behind each client id. Inserted text that
still exists is found in the canvas as it is now (through a diff from the newer text to
today's) and takes the author of its items.

Deletions (and insertions deleted since): deleted characters keep no content, so they are
attributed from the update log instead: the updates logged between the two versions say
who deleted something and who wrote something. When exactly one author did, the change is
theirs; otherwise (or once compaction folded those updates away) it stays unattributed.
"""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass
from datetime import datetime

from diff_match_patch import diff_match_patch
from pycrdt import Doc, Text

from collab import persistence
from collab.yjs_positions import Positions, blocks_of_update, deletions_of_update

from . import provenance, versions
from .models import Canvas

#: Seconds spent finding a version's text in today's canvas; what is not found by then
#: stays unnamed (measured: bench/history.py, 1,000 versions of 200k characters).
MAP_BUDGET = 0.25
#: Seconds spent in all naming inserted text from today's canvas (each character costs a
#: lookup of its Yjs item); past it, the rest of a version's insertions stays unnamed.
LIVE_BUDGET = 0.5
#: Changed lines are compared word by word up to this many characters at a time.
MAP_REFINE_CHARS = 4_000
#: Beyond this many logged updates between two versions, only their origins are read.
MAX_ROWS_READ = 20_000


@dataclass(frozen=True)
class Change:
    op: int  # -1 deleted, 0 kept, 1 inserted
    text: str
    author: dict | None  # provenance's {key, name, kind, detail}; None when not known


def attribute(canvas: Canvas, diffs: list[tuple[int, str]], new_text: str,
              since: datetime | None, until: datetime | None,
              live_doc: Doc | None = None) -> list[Change]:
    """``diffs`` (from the older text to ``new_text``) with the author of each change.
    ``since``/``until`` bound when the changes were made (None: open-ended); ``live_doc``
    is the canvas as stored now, when the caller has loaded it already."""
    if all(op == 0 for op, _ in diffs):
        return [Change(op, text, None) for op, text in diffs]
    inserters, deleters = _writers_between(str(canvas.id), since, until)
    live = None
    # One writer in the window wrote every insertion: no need to load the canvas (as long
    # as a replay of the whole log) to ask its items.
    if len(inserters) != 1 and any(op == 1 for op, _ in diffs):
        live = _LiveAuthors(canvas, new_text, live_doc)
    named = provenance.name_origins(canvas, inserters | deleters)
    fallback_insert = named[next(iter(inserters))] if len(inserters) == 1 else None
    fallback_delete = named[next(iter(deleters))] if len(deleters) == 1 else None
    changes: list[Change] = []
    at = 0  # offset in new_text
    for op, text in diffs:
        if op == 1 and live is not None:
            changes.extend(live.split(at, at + len(text), new_text, fallback_insert))
        elif op == 1:
            changes.append(Change(op, text, fallback_insert))
        elif op == -1:
            changes.append(Change(op, text, fallback_delete))
        else:
            changes.append(Change(op, text, None))
        if op != -1:
            at += len(text)
    return _merged(changes)


def _merged(changes: list[Change]) -> list[Change]:
    out: list[Change] = []
    for change in changes:
        if out and out[-1].op == change.op and out[-1].author == change.author:
            out[-1] = Change(change.op, out[-1].text + change.text, change.author)
        elif change.text:
            out.append(change)
    return out


def _writers_between(canvas_id: str, since: datetime | None,
                     until: datetime | None) -> tuple[set[str], set[str]]:
    """(origins that inserted, origins that deleted) in the updates logged in the window."""
    origins = persistence.log_origins(canvas_id, after=since, until=until)
    if len(origins) <= 1 or persistence.log_count(canvas_id, after=since,
                                                  until=until) > MAX_ROWS_READ:
        return origins, origins
    inserters: set[str] = set()
    deleters: set[str] = set()
    for entry in persistence.log_entries(canvas_id, after=since, until=until):
        origin, data = entry.origin, entry.data
        if origin in inserters and origin in deleters:
            continue
        try:
            if any(b.kind == "item" for bs in blocks_of_update(data).values() for b in bs):
                inserters.add(origin)
            if deletions_of_update(data):
                deleters.add(origin)
        except (ValueError, IndexError):
            continue
    return inserters, deleters


def _map_diff(new: str, today: str) -> list[tuple[int, str]]:
    """A diff good enough to find the newer text's characters in today's, in bounded time:
    lines, then words inside changed lines while MAP_BUDGET lasts (text it cannot place
    stays unnamed rather than slowing History down)."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = MAP_BUDGET
    deadline = time.monotonic() + MAP_BUDGET
    lines_new, lines_today, lines = dmp.diff_linesToChars(new, today)
    blocks = dmp.diff_main(lines_new, lines_today, False)
    dmp.diff_charsToLines(blocks, lines)
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(blocks):
        op, text = blocks[i]
        if op == -1 and i + 1 < len(blocks) and blocks[i + 1][0] == 1 \
                and len(text) + len(blocks[i + 1][1]) <= MAP_REFINE_CHARS \
                and time.monotonic() < deadline:
            out.extend(versions.diff(text, blocks[i + 1][1]))
            i += 2
            continue
        out.append((op, text))
        i += 1
    return out


class _LiveAuthors:
    """The authors of characters of ``new_text`` that still exist in the canvas today."""

    def __init__(self, canvas: Canvas, new_text: str, doc: Doc | None = None) -> None:
        self.deadline = time.monotonic() + LIVE_BUDGET
        doc = doc if doc is not None else persistence.load_doc(str(canvas.id))
        self.positions = Positions(doc.get("content", type=Text))
        self.authors = provenance.authors(canvas)
        # (start in new_text, start in today's text, length) of the stretches both share
        self.kept: list[tuple[int, int, int]] = []
        a = b = 0
        for op, text in _map_diff(new_text, self.positions.value):
            if op == 0:
                self.kept.append((a, b, len(text)))
            if op != 1:
                a += len(text)
            if op != -1:
                b += len(text)
        self.starts = [k[0] for k in self.kept]

    def split(self, start: int, end: int, new_text: str,
              fallback: dict | None) -> list[Change]:
        """The inserted ``new_text[start:end]`` cut into runs by author."""
        out: list[Change] = []
        at = start
        while at < end:
            i = bisect.bisect_right(self.starts, at) - 1
            if time.monotonic() > self.deadline:  # out of time: the rest stays unnamed
                out.append(Change(1, new_text[at:end], fallback))
                break
            if i >= 0 and at < self.kept[i][0] + self.kept[i][2]:
                a, b, length = self.kept[i]
                stop = min(end, a + length)
                for run_start, run_end, author in self._runs(b + at - a, b + stop - a):
                    out.append(Change(1, new_text[at:at + run_end - run_start],
                                      author or fallback))
                    at += run_end - run_start
            else:  # gone since: up to the next stretch still there
                following = self.starts[i + 1] if i + 1 < len(self.starts) else end
                stop = min(end, max(following, at + 1))
                out.append(Change(1, new_text[at:stop], fallback))
                at = stop
        return out

    def _runs(self, start: int, end: int) -> list[tuple[int, int, dict | None]]:
        """[(start, end, author)] of today's text[start:end], one per Yjs block."""
        runs: list[tuple[int, int, dict | None]] = []
        at = start
        while at < end:
            try:
                client, clock = self.positions.char_id(at)
                step = self._rest_of_block(client, clock)
            except LookupError:
                client, step = None, end - at
            stop = min(end, at + max(step, 1))
            author = self.authors.get(client) if client is not None else None
            if runs and runs[-1][2] == author and runs[-1][1] == at:
                runs[-1] = (runs[-1][0], stop, author)
            else:
                runs.append((at, stop, author))
            at = stop
        return runs

    def _rest_of_block(self, client: int, clock: int) -> int:
        """Code points from the character (client, clock) to the end of its block."""
        blocks = self.positions.blocks[client]
        block = blocks[bisect.bisect_right(self.positions.clocks[client], clock) - 1]
        units = clock - block.clock  # UTF-16 units of the block before the character
        for k, char in enumerate(block.text or ""):
            if units <= 0:
                return len(block.text) - k
            units -= 2 if ord(char) > 0xFFFF else 1
        return 1
