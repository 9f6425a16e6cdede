"""Version history: making versions, summarising them, thinning, diffs and restoring.

A version is a snapshot of the canvas text at one moment (plus, before assistant edits,
the Y state that undoing the turn needs): never a copy of the whole update history.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta

from diff_match_patch import diff_match_patch
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from collab import persistence
from collab.peer import DocumentPeer

from .models import Version

#: Diffs give up refining after this many seconds (the result is still a correct diff).
DIFF_TIMEOUT = 1.0


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def _tokens_to_chars(old: str, new: str) -> tuple[str, str, list[str]]:
    """Encode each word, space run and sign as one character (dmp's lines-to-chars trick
    at word granularity), so diffs show whole words changing: readable prose and code."""
    table: list[str] = []
    index: dict[str, int] = {}

    def encode(text: str) -> str:
        out = []
        for token in _TOKEN.findall(text):
            if token not in index:
                index[token] = len(table)
                table.append(token)
            code = index[token]
            out.append(chr(code + 0x800 if code + 0x800 < 0xD800 else code + 0x1000))
        return "".join(out)

    return encode(old), encode(new), table


def _token_diff(old: str, new: str, dmp: diff_match_patch) -> list[tuple[int, str]]:
    chars_old, chars_new, table = _tokens_to_chars(old, new)
    coded = dmp.diff_main(chars_old, chars_new, False)
    dmp.diff_cleanupSemantic(coded)  # on tokens: boundaries stay between words

    def decode(chars: str) -> str:
        return "".join(table[ord(c) - (0x800 if ord(c) < 0xD800 else 0x1000)] for c in chars)

    return [(op, decode(chars)) for op, chars in coded]


def _diff(old: str, new: str) -> list[tuple[int, str]]:
    """Lines first (fast on long texts with few changes), then words inside each changed
    block of lines."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT
    lines_old, lines_new, lines = dmp.diff_linesToChars(old, new)
    blocks = dmp.diff_main(lines_old, lines_new, False)
    dmp.diff_charsToLines(blocks, lines)
    result: list[tuple[int, str]] = []
    deleted = inserted = ""

    def flush() -> None:
        if deleted and inserted:
            result.extend(_token_diff(deleted, inserted, dmp))
        elif deleted:
            result.append((-1, deleted))
        elif inserted:
            result.append((1, inserted))

    for op, text in blocks:
        if op == -1:
            deleted += text
        elif op == 1:
            inserted += text
        else:
            flush()
            deleted = inserted = ""
            result.append((0, text))
    flush()
    return result


def _line_diff(old: str, new: str) -> list[tuple[int, str]]:
    """Whole lines only: how code reads best (a changed line shows as removed and added)."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT
    lines_old, lines_new, lines = dmp.diff_linesToChars(old, new)
    blocks = dmp.diff_main(lines_old, lines_new, False)
    dmp.diff_charsToLines(blocks, lines)
    return [(op, text) for op, text in blocks if text]


def diff(old: str, new: str, by_lines: bool = False) -> list[tuple[int, str]]:
    """(op, text) pieces from ``old`` to ``new``: -1 deleted, 0 kept, 1 inserted. Words for
    prose; whole lines when ``by_lines`` (code)."""
    return _line_diff(old, new) if by_lines else _diff(old, new)


def summarize(old: str, new: str) -> str:
    """"+N/−M characters, K passages" between two texts."""
    diffs = _diff(old, new)
    added = sum(len(t) for op, t in diffs if op == 1)
    removed = sum(len(t) for op, t in diffs if op == -1)
    passages, previous = 0, 0
    for op, _ in diffs:
        if op != 0 and previous == 0:
            passages += 1
        previous = op
    if not added and not removed:
        return "No changes"
    return (f"+{added}/−{removed} characters, {passages} passage"
            f"{'s' if passages != 1 else ''}")


def render_diff(old: str, new: str, by_lines: bool = False) -> SafeString:
    """The changes inline: insertions in <ins>, deletions in <del>, all text escaped."""
    parts = []
    for op, text in diff(old, new, by_lines):
        escaped = html.escape(text)
        if op == 1:
            parts.append(f'<ins class="diff-ins">{escaped}</ins>')
        elif op == -1:
            parts.append(f'<del class="diff-del">{escaped}</del>')
        else:
            parts.append(f'<span class="diff-eq">{escaped}</span>')
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def previous_version(version: Version) -> Version | None:
    return (Version.objects.filter(canvas_id=version.canvas_id)
            .filter(created__lt=version.created).order_by("-created", "-id").first()) or \
        (Version.objects.filter(canvas_id=version.canvas_id, created=version.created,
                                id__lt=version.id).order_by("-id").first())


def make_version(canvas_id: object, reason: str, label: str = "", text: str | None = None,
                 state: bytes = b"", author: AbstractBaseUser | None = None,
                 turn=None) -> Version:
    """Snapshot the canvas as stored now (or the given text) as a version."""
    if text is None:
        text = persistence.load_text(str(canvas_id))
    last = (Version.objects.filter(canvas_id=canvas_id).order_by("-created", "-id")
            .only("text").first())
    summary = summarize(last.text if last else "", text)
    return Version.objects.create(canvas_id=canvas_id, reason=reason, label=label[:200],
                                  text=text, state=state, author=author, turn=turn,
                                  summary=summary[:300])


def checkpoint(canvas_id: object, text: str, author_id: int | None = None,
               label: str = "") -> Version | None:
    """A checkpoint after a pause in people's editing: at most one per interval per canvas,
    and none when nothing changed since the last version."""
    last = (Version.objects.filter(canvas_id=canvas_id).order_by("-created", "-id")
            .only("text").first())
    if last is not None and last.text == text:
        return None
    if not cache.add(f"checkpoint:{canvas_id}", 1, settings.CANVAS_CHECKPOINT_INTERVAL):
        return None
    # One transaction: nobody (History, a test polling for it) sees it without its author.
    with transaction.atomic():
        version = make_version(canvas_id, Version.Reason.CHECKPOINT, label, text=text)
        if author_id is not None:
            Version.objects.filter(id=version.id).update(author_id=author_id)
    thin(canvas_id)
    return version


@dataclass(frozen=True)
class Thinning:
    kept: int
    deleted: int


def thin(canvas_id: object, now=None) -> Thinning:
    """Keep every checkpoint of the last day, then one per hour for a month, then one per
    day. Named, assistant and restore versions are always kept."""
    now = now or timezone.now()
    checkpoints = (Version.objects.filter(canvas_id=canvas_id,
                                          reason=Version.Reason.CHECKPOINT,
                                          created__lt=now - timedelta(days=1))
                   .order_by("-created", "-id").values_list("id", "created"))
    seen: set[tuple] = set()
    doomed = []
    for version_id, created in checkpoints:
        age = now - created
        bucket = (created.date(), created.hour) if age <= timedelta(days=30) else \
            (created.date(),)
        if bucket in seen:
            doomed.append(version_id)
        else:
            seen.add(bucket)
    if doomed:
        Version.objects.filter(id__in=doomed).delete()
    return Thinning(kept=len(seen), deleted=len(doomed))


def restore(version: Version, user: AbstractBaseUser) -> Version:
    """Make the canvas equal to ``version`` as one new edit that merges like any other.

    The change is a minimal diff from the text as it stands, so people typing meanwhile
    keep their text; the state before and after become versions, so a restore can be
    undone by restoring the one before it.
    """
    peer = DocumentPeer(version.canvas_id, f"user:{user.pk}")
    current = peer.text()
    when = when_label(version.created)
    make_version(version.canvas_id, Version.Reason.CHECKPOINT,
                 f"Before restoring the version of {when}", text=current, author=user)
    peer.rewrite(current, version.text)
    return make_version(version.canvas_id, Version.Reason.RESTORE,
                        f"Restored the version of {when}", text=peer.text(), author=user)


def when_label(moment) -> str:
    """A version's time as History shows it everywhere ("Mar 4, 14:05")."""
    return date_format(timezone.localtime(moment), "M j, H:i")
