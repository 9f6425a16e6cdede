"""What the assistant is doing right now, in a few words for its chat bubble.

"Reading…" until the model answers, then "Editing 2 passages…", "Commenting on 1
passage…" or "Rewriting… 40%" while a tool call streams. The turn shows it in the
answer's ``summary`` while the answer streams (the summary of what it did replaces it at
the end); the chat bubble renders it (templates/canvas/_message.html).
"""

from __future__ import annotations

from .stream import CallComplete, CallProgress, Event, TextDelta
from .tools import COMMENT, EDIT, REWRITE, StreamedCall

READING = "Reading…"
WORKING = "Working…"
#: Rewrite progress is said in steps of this many percent: the bubble is sent to everyone
#: each time the words change, so a long rewrite sends it at most ten times.
PERCENT_STEP = 10


def _passages(n: int) -> str:
    return f"{n} passage{'s' if n != 1 else ''}"


def of_call(call: StreamedCall, shown_chars: int) -> str:
    """The call being streamed, as words; ``shown_chars`` is the length of the text a
    rewrite replaces (0 for an empty canvas: then it writes, with no percentage)."""
    # done_items counts the finished items already acted on; one more is being written.
    items = call.done_items if call.completed else call.done_items + 1
    if call.name == EDIT:
        return f"Editing {_passages(items)}…"
    if call.name == COMMENT:
        return f"Commenting on {_passages(items)}…"
    if call.name == REWRITE:
        if shown_chars <= 0:
            return "Writing…"
        percent = min(90, call.streamed_chars * 100 // shown_chars)
        percent -= percent % PERCENT_STEP
        return f"Rewriting… {percent}%" if percent else "Rewriting…"
    return WORKING


def of_event(event: Event, shown_chars: int) -> str | None:
    """The new words for an event of the model's stream, or None when they stay the same.

    Text clears them: the reply being written shows itself."""
    if isinstance(event, TextDelta):
        return ""
    if isinstance(event, (CallProgress, CallComplete)):
        return of_call(event.call, shown_chars)
    return None
