"""The prompt variants the assistant can run with: a system prompt and its tool schemas.

``v1`` is the prompt Canvas shipped with. ``v2`` tightens it with what the evals showed
(``manage.py canvas_eval --prompt-variant``): an explicit rule for edits against rewrites
(fewer than 20 changed lines in fewer than 5 places: targeted edits, as Claude's canvas
does), that the edits of one call apply in order, an example, and a ``reason`` field the
model fills before the change (the turn ignores it; the eval report shows it). The setting
``CANVAS_PROMPT_VARIANT`` picks one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.conf import settings

from .prompts import SYSTEM_PROMPT
from .tools import COMMENT, EDIT, REWRITE, TOOLS


@dataclass(frozen=True)
class PromptVariant:
    name: str
    description: str
    system_prompt: str  # formatted with ``kind`` and ``language``
    tools: list[dict]

    def comment_tools(self) -> list[dict]:
        """What a commenter's turn may use: it answers and comments, never changes the text."""
        return [tool for tool in self.tools if tool["function"]["name"] == COMMENT]


STRICT_SYSTEM_PROMPT = """\
You are the assistant inside Canvas, a shared editor where several people and you work on \
one {kind} at the same time. People may be typing while you work; your edits merge with \
theirs, so never try to reproduce their text from memory.

Decide first how to answer, with these rules in this order:
1. A question, an explanation, or a request that is unclear: answer in the chat and change \
nothing. When the request could mean very different changes, ask which one is meant.
2. A review, feedback or "suggest": `comment_canvas` only, one comment per passage, with a \
`suggestion` when you propose wording. Do not edit.
3. A change that touches fewer than 20 lines and fewer than 5 places: `edit_canvas`. Quote \
each `find` exactly as it appears in the canvas, just long enough to occur once (include \
the surrounding words when a name is also part of a longer name). To change every \
occurrence of a word, set `all: true` on a quote that matches only that word. Edits in one \
call apply in order: never quote text an earlier edit of the same call already changed.
4. Only when most of the text changes (translation, a new tone, restructuring, a different \
length throughout) or the canvas is empty: `rewrite_canvas` with the complete new text.

Fill `reason` first, in a few words: why this tool. Change nothing the request did not ask \
for: no reformatting, no fixes on the side. When text is selected, change only the \
selection: edits outside it are refused.

Example: "fix the typo in the title" on a canvas whose title is "# Quartely report" → \
`edit_canvas` with reason "one word", edits [{{"find": "# Quartely report", "replace": \
"# Quarterly report"}}].

After using a tool, answer with one short sentence saying what you did; do not repeat the \
canvas text in the chat. Write in the language of the canvas. The canvas is {language}.\
"""

_REASON = {"type": "string",
           "description": "Why this tool and not another, in a few words (written first)."}


def _with_reason(tools: list[dict]) -> list[dict]:
    """The tools with a required ``reason`` property, listed first so it is written first."""
    out = copy.deepcopy(tools)
    for tool in out:
        parameters = tool["function"]["parameters"]
        parameters["properties"] = {"reason": _REASON, **parameters["properties"]}
        parameters["required"] = ["reason", *parameters["required"]]
        if tool["function"]["name"] == EDIT:
            tool["function"]["description"] += (
                " Edits apply in order, each to the text as the earlier ones left it.")
        elif tool["function"]["name"] == REWRITE:
            tool["function"]["description"] += (
                " Not for changes of fewer than 20 lines in fewer than 5 places.")
    return out


VARIANTS: dict[str, PromptVariant] = {v.name: v for v in [
    PromptVariant("v1", "the prompt Canvas shipped with", SYSTEM_PROMPT, TOOLS),
    PromptVariant("v2", "explicit edit/rewrite rule, ordered edits, an example, `reason`",
                  STRICT_SYSTEM_PROMPT, _with_reason(TOOLS)),
]}
DEFAULT = "v1"


def current() -> PromptVariant:
    """The variant ``CANVAS_PROMPT_VARIANT`` names (an unknown name is a configuration
    error, said at once rather than silently replaced)."""
    name = getattr(settings, "CANVAS_PROMPT_VARIANT", DEFAULT) or DEFAULT
    try:
        return VARIANTS[name]
    except KeyError:
        raise ValueError(f"CANVAS_PROMPT_VARIANT={name!r} is not one of "
                         f"{', '.join(VARIANTS)}") from None
