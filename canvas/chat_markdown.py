"""Chat messages as safe HTML: Markdown, sanitized, code blocks with Copy, folded details.

The same parser and sanitizer as published documents (canvas/publish/markdown.py), minus
images (a message could otherwise make every reader's browser fetch a URL someone chose)
and heading anchors (many messages share one page). People's messages keep their line
breaks; the assistant's follow CommonMark.

A fenced block whose info string is ``fold <title>`` is shown folded, under its title
("Fix with assistant" sends the stack that way: frontend/src/preview/assistant.js).

The Copy button is added after sanitizing, so nh3 never has to allow buttons; a delegated
click listener copies (frontend/src/chat/actions.js: the CSP allows no inline handlers).
"""

from __future__ import annotations

from functools import cache, lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from canvas.publish import markdown

CHAT_TAGS = (markdown.ALLOWED_TAGS - {"img"}) | {"details", "summary"}
FOLD = "fold"

#: Put before each sanitized ``<pre>``: nh3 leaves ``<pre>`` without attributes, and text
#: that merely looks like one is escaped to ``&lt;pre&gt;``, so only real blocks match.
_COPY = ('<div class="code-block"><button class="code-copy" type="button" data-copy-code '
         'aria-label="Copy the code">Copy</button><pre>')


def _fence(self, tokens, idx, options, env) -> str:
    """Fenced code as usual, or folded under its title when its info says ``fold``."""
    token = tokens[idx]
    word, _, title = token.info.strip().partition(" ")
    if word != FOLD:
        return self.fence_default(tokens, idx, options, env)
    return (f'<details class="chat-fold"><summary>{escape(title.strip() or "Details")}'
            f'</summary><pre><code>{escape(token.content)}</code></pre></details>\n')


@cache
def _parser(breaks: bool) -> MarkdownIt:
    md = markdown.parser()
    md.options["breaks"] = breaks
    md.renderer.fence_default = md.renderer.rules["fence"]
    md.add_render_rule("fence", _fence)
    return md


@lru_cache(maxsize=1024)  # a page load renders the last 200 messages again
def _render(text: str, breaks: bool) -> SafeString:
    safe = markdown.clean(_parser(breaks).render(text), tags=CHAT_TAGS)
    return mark_safe(safe.replace("<pre>", _COPY).replace("</pre>", "</pre></div>"))


def render_reply(text: str) -> SafeString:
    """An assistant's reply (or the part of it streamed so far)."""
    return _render(text, breaks=False)


def render_request(text: str) -> SafeString:
    """A person's message: their line breaks stay."""
    return _render(text, breaks=True)
