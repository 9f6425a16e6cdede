"""The tools the model edits the canvas with, and reading their arguments as they stream."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from partial_json_parser import loads as loads_partial

EDIT = "edit_canvas"
REWRITE = "rewrite_canvas"
COMMENT = "comment_canvas"

TOOLS: list[dict] = [
    {"type": "function", "function": {
        "name": EDIT,
        "description": (
            "Targeted edits of the passages concerned. Each `find` is text copied exactly "
            "from the canvas (long enough to occur once); `replace` is its new text. Use "
            "for local changes and whenever text is selected."),
        "parameters": {
            "type": "object",
            "properties": {"edits": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "find": {"type": "string", "description": "Exact current text."},
                    "replace": {"type": "string", "description": "The new text."},
                    "all": {"type": "boolean",
                            "description": "Change every occurrence (default: one)."},
                },
                "required": ["find", "replace"],
            }}},
            "required": ["edits"],
        },
    }},
    {"type": "function", "function": {
        "name": REWRITE,
        "description": (
            "Replace the whole canvas with new content. Only when most of the text changes "
            "(tone, translation, restructuring) or the canvas is empty."),
        "parameters": {
            "type": "object",
            "properties": {"content": {"type": "string",
                                       "description": "The complete new canvas text."}},
            "required": ["content"],
        },
    }},
    {"type": "function", "function": {
        "name": COMMENT,
        "description": (
            "Comments anchored to passages, for reviews and suggestions. `find` is exact "
            "text from the canvas; `suggestion` optionally proposes replacement text for it."),
        "parameters": {
            "type": "object",
            "properties": {"comments": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "find": {"type": "string"},
                    "comment": {"type": "string"},
                    "suggestion": {"type": "string"},
                },
                "required": ["find", "comment"],
            }}},
            "required": ["comments"],
        },
    }},
]
TOOL_NAMES = {tool["function"]["name"] for tool in TOOLS}
#: What a commenter's turn may use: it answers and comments, never changes the text.
COMMENT_TOOLS: list[dict] = [tool for tool in TOOLS if tool["function"]["name"] == COMMENT]


class ToolArgumentsError(ValueError):
    """The arguments are not the JSON object the tool needs."""


@dataclass
class StreamedCall:
    """One tool call being assembled from streamed deltas."""

    index: int
    id: str = ""
    name: str = ""
    arguments: str = ""
    done_items: int = 0  # list items already acted on while streaming
    streamed_chars: int = 0  # characters of a streamed string already acted on
    results: list[dict] = field(default_factory=list)
    completed: bool = False  # its arguments were all acted on
    parsed_at: float = 0.0  # when the partial arguments were last read

    def partial(self) -> dict:
        """Best reading of the arguments so far ({} when nothing parses yet)."""
        if not self.arguments.strip():
            return {}
        try:
            value = loads_partial(self.arguments)
        except Exception:
            return {}
        return value if isinstance(value, dict) else {}

    def complete(self) -> dict[str, Any]:
        try:
            value = json.loads(self.arguments or "{}")
        except ValueError as exc:
            raise ToolArgumentsError(f"the arguments are not valid JSON ({exc.msg})") from exc
        if not isinstance(value, dict):
            raise ToolArgumentsError("the arguments must be a JSON object")
        return value

    def is_complete(self) -> bool:
        try:
            json.loads(self.arguments)
            return True
        except ValueError:
            return False

    def finished_items(self, key: str) -> list:
        """Items of the list ``key`` that can no longer change while streaming."""
        items = self.partial().get(key)
        if not isinstance(items, list):
            return []
        return items if self.is_complete() else items[:-1]
