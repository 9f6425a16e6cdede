"""Markdown to safe HTML for published documents (with a table of contents) and the chat.

markdown-it-py renders CommonMark with tables and strikethrough and escapes raw HTML; nh3
(the Rust ammonia sanitizer) then allows only a fixed set of tags, attributes and URL
schemes, as a second wall: scripts, event handlers and javascript: links never get through.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

#: A table of contents appears from this many headings on.
TOC_MIN_HEADINGS = 3

ALLOWED_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code", "em",
    "strong", "s", "del", "a", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
    "img", "span",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "th": {"style"},
    "td": {"style"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "ol": {"start"},
}


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: list[Heading]

    @property
    def toc(self) -> list[Heading]:
        return self.headings if len(self.headings) >= TOC_MIN_HEADINGS else []


def _slug(text: str, used: set[str]) -> str:
    base = unicodedata.normalize("NFKC", text).lower()
    base = re.sub(r"[^\w\s-]", "", base).strip()
    base = re.sub(r"[\s_-]+", "-", base) or "section"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def parser() -> MarkdownIt:
    """CommonMark with tables and strikethrough; raw HTML in the text is escaped."""
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"])


def clean(raw: str, tags: frozenset[str] = ALLOWED_TAGS) -> str:
    """The second wall: only ``tags`` (a subset of ALLOWED_TAGS), their allowed attributes
    and http(s)/mailto links survive; links open in a new tab without an opener."""
    attributes = {tag: names for tag, names in ALLOWED_ATTRIBUTES.items() if tag in tags}
    return nh3.clean(raw, tags=set(tags), attributes=attributes,
                     url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow",
                     set_tag_attribute_values={"a": {"target": "_blank"}},
                     filter_style_properties={"text-align"})


def render(text: str) -> Rendered:
    md = parser()
    tokens = md.parse(text)
    headings: list[Heading] = []
    used: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            title = "".join(child.content for child in (inline.children or [])
                            if child.type in ("text", "code_inline")) or inline.content
            anchor = _slug(title, used)
            token.attrSet("id", anchor)
            if int(token.tag[1]) <= 3:
                headings.append(Heading(int(token.tag[1]), title, anchor))
    return Rendered(clean(md.renderer.render(tokens, md.options, {})), headings)
