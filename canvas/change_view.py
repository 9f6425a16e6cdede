"""Changes as HTML for History: insertions in <ins>, deletions in <del>, each marked with
its author's colour and named on hover; all text escaped.

Prose shows words changing inside their lines; code shows whole lines, one element each,
so a changed line reads as the old line struck out above the new one.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from .change_authors import Change

#: Colours cycle through the Authors view's palette (.cm-author-0 … -7 in canvas.css).
PALETTE_SIZE = 8


@dataclass(frozen=True)
class LegendEntry:
    index: int
    name: str


@dataclass(frozen=True)
class Rendered:
    html: SafeString
    legend: list[LegendEntry]  # the authors of the changes, in order of appearance


def render(changes: list[Change], by_lines: bool = False) -> Rendered:
    colours: dict[str, int] = {}
    legend: list[LegendEntry] = []
    parts: list[str] = []
    for change in changes:
        if change.op == 0:
            parts.append(f'<span class="diff-eq">{html.escape(change.text)}</span>')
            continue
        tag, verb = ("ins", "Added") if change.op == 1 else ("del", "Deleted")
        classes = [f"diff-{tag}"]
        attrs = ""
        if change.author is not None:
            key = change.author["key"]
            if key not in colours:
                colours[key] = len(colours) % PALETTE_SIZE
                legend.append(LegendEntry(colours[key], change.author["name"]))
            classes += ["by-author", f"cm-author-{colours[key]}"]
            attrs = (f' data-author="{html.escape(change.author["name"])}"'
                     f' title="{html.escape(_hover(verb, change.author))}"')
        else:
            attrs = f' title="{verb} (author not known)"'
        pieces = _lines(change.text) if by_lines else [change.text]
        for piece in pieces:
            parts.append(f'<{tag} class="{" ".join(classes)}"{attrs}>{html.escape(piece)}'
                         f'</{tag}>')
    return Rendered(mark_safe("".join(parts)), legend)  # noqa: S308 - escaped above


def _hover(verb: str, author: dict) -> str:
    detail = f" · {author['detail']}" if author.get("kind") == "assistant" and \
        author.get("detail") else ""
    return f"{verb} by {author['name']}{detail}"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) or [text]
