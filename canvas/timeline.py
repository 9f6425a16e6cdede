"""Which versions the History timeline lists, newest first, each with its label.

An assistant turn always leaves a "before" version (undoing the turn replays from it) and an
"after" one when its tools ran; a turn whose edits all failed, or that only commented, then
leaves versions whose text equals the one before. Those are kept in the database and left
out here: no "After the assistant's edit · No changes" entries, no Before/After pair for a
turn that changed nothing. Only versions whose text equals the version before them are left
out, so no change ever disappears from the timeline.
"""

from __future__ import annotations

from .models import Canvas, Message, Version
from .version_labels import VersionLabel, describe

PAGE = 100
#: What ``versions.summarize`` says when two texts are equal.
NO_CHANGES = "No changes"


class Page(list):
    """Versions to show (each with ``.display``, its VersionLabel); ``older`` is the id to
    ask the next page with, None on the last page."""

    older: int | None = None


def timeline(canvas: Canvas, before: int | None = None) -> Page:
    rows = (canvas.versions.select_related("author", "turn__reply_to__author")
            .defer("state", "text").order_by("-created", "-id"))
    if before:
        rows = rows.filter(id__lt=before)
    fetched = list(rows[:PAGE])
    turn_ids = {v.turn_id for v in fetched if v.turn_id}
    changed = set(Version.objects.filter(turn_id__in=turn_ids,
                                         reason=Version.Reason.ASSISTANT_AFTER)
                  .exclude(summary=NO_CHANGES).values_list("turn_id", flat=True))
    running = set(Message.objects.filter(id__in=turn_ids, status=Message.Status.STREAMING)
                  .values_list("id", flat=True))
    page = Page()
    for version in fetched:
        turn_changed = version.turn_id in changed or version.turn_id in running
        if _left_out(version, turn_changed):
            continue
        version.display = describe(version, turn_changed)
        version.shown_summary = shown_summary(version)
        page.append(version)
    page.older = fetched[-1].id if len(fetched) == PAGE else None
    return page


def shown_summary(version: Version) -> str:
    """The summary an entry shows: none for a turn's "before" that adds nothing (the turn's
    own entry says what changed)."""
    if version.reason == Version.Reason.ASSISTANT_BEFORE and version.summary == NO_CHANGES:
        return ""
    return version.summary


def _left_out(version: Version, turn_changed: bool) -> bool:
    if version.summary != NO_CHANGES:
        return False
    if version.reason == Version.Reason.ASSISTANT_AFTER:
        return True
    return version.reason == Version.Reason.ASSISTANT_BEFORE and not turn_changed


def label(version: Version) -> VersionLabel:
    """The label of one version, as the timeline shows it."""
    return describe(version, _turn_changed(version))


def neighbours(version: Version, look: int = 50) -> tuple[Version | None, Version | None]:
    """(older, newer): the versions next to ``version`` that the timeline lists."""
    same = Version.objects.filter(canvas_id=version.canvas_id).defer("state", "text")
    older = same.filter(created__lte=version.created).exclude(id=version.id) \
        .exclude(created=version.created, id__gt=version.id).order_by("-created", "-id")
    newer = same.filter(created__gte=version.created).exclude(id=version.id) \
        .exclude(created=version.created, id__lt=version.id).order_by("created", "id")
    return _first_listed(older[:look]), _first_listed(newer[:look])


def _first_listed(candidates) -> Version | None:
    for candidate in candidates:
        if not _left_out(candidate, _turn_changed(candidate)):
            return candidate
    return None


def _turn_changed(version: Version) -> bool:
    if not version.turn_id:
        return False
    return Version.objects.filter(turn_id=version.turn_id,
                                  reason=Version.Reason.ASSISTANT_AFTER) \
        .exclude(summary=NO_CHANGES).exists() or Message.objects.filter(
            id=version.turn_id, status=Message.Status.STREAMING).exists()
