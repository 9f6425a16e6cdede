"""Which of a turn's changes arrive as suggestions instead of edits: the room policy.

The owner chooses how the assistant changes a canvas while other people have it open
(``AssistantPolicy``): it edits directly, it only suggests, or it edits directly except in
the passages where people are working (edited in the last ``guard_seconds`` or holding their
cursor). Whatever the policy, a rewrite's changes to a passage that anyone edited while the
turn ran, or (when others are here) that someone other than the asker edited lately, arrive
as suggestions: a rewrite is the model's whole new text, and merging it word by word into a
paragraph a person is changing would leave neither version. Alone with the canvas, the asker
gets direct edits otherwise: there is nobody else's work to protect.

"Passage" is the paragraph (prose) or line (code) around an edit or cursor. Positions are
code points of the turn's fork text; the regions follow the turn's own changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from canvas.models import AssistantPolicy

from .fork import Region
from .placement import Change
from .room import Room, passage_span


@dataclass(frozen=True)
class Policy:
    mode: str = AssistantPolicy.DIRECT
    guard_seconds: int = 60


class Guard:
    """Splits changes into those applied now and those offered as suggestions."""

    def __init__(self, policy: Policy, room: Room, asker_id: object, code: bool) -> None:
        others = room.others(asker_id)
        present = room.others_present(asker_id)
        self.code = code
        self.suggest_all = present and policy.mode == AssistantPolicy.SUGGEST
        self.guarded = present and policy.mode == AssistantPolicy.GUARDED
        #: What others inserted lately (before the snapshot) while someone else is still
        #: here, and where their cursors are.
        self.fresh = [Region(start, end) for person in others
                      for start, end, ago in person.edited
                      if present and ago <= policy.guard_seconds]
        self.cursors = [Region(*_span(person.cursor)) for person in others
                        if person.here and person.cursor is not None]

    def regions(self) -> list[Region]:
        """Spans to move along with the turn's own changes."""
        return [*self.fresh, *self.cursors]

    def split(self, changes: list[Change], text: str, rewrite: bool,
              touched: Callable[[], list[tuple[int, int]]]) -> tuple[list[Change], list[Change]]:
        """(apply now, suggest) for changes to ``text`` (the fork's text now); ``touched``
        gives the spans of it that people changed since the snapshot."""
        if self.suggest_all:
            return [], list(changes)
        if not (rewrite or self.guarded) or not changes:
            return list(changes), []
        spans = [r.span() for r in self.fresh] + touched()
        if self.guarded:
            spans += [r.span() for r in self.cursors]
        if not spans:
            return list(changes), []
        passages = [passage_span(text, min(s, len(text)), min(e, len(text)), self.code)
                    for s, e in spans]
        direct, suggested = [], []
        for change in changes:
            hit = any(start <= change.end and change.start <= end for start, end in passages)
            (suggested if hit else direct).append(change)
        return direct, suggested


def _span(cursor: tuple[int | None, int | None]) -> tuple[int, int]:
    anchor, head = cursor
    anchor = head if anchor is None else anchor
    head = anchor if head is None else head
    return min(anchor, head), max(anchor, head)
