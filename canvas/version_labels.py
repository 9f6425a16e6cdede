"""How History names a version: one format for every kind of version.

Every entry reads the same way: a title saying what the version is, who made it, and, for
the assistant's versions, the request on a line of its own (cut to one line on screen, the
whole text on hover). Titles never embed the request or a date: the labels stored by older
code ("Before: Make the intro…", "After the assistant's edit") are not shown as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Version
from .provenance import ASSISTANT

_ASSISTANT_TITLES = {
    Version.Reason.ASSISTANT_BEFORE: "Before the assistant's edit",
    Version.Reason.ASSISTANT_AFTER: "Assistant's edit",
    Version.Reason.PROPOSAL: "Proposed rewrite (not applied)",
}
_DEFAULT_TITLES = {
    Version.Reason.CHECKPOINT: "Checkpoint",
    Version.Reason.MANUAL: "Saved version",
    Version.Reason.RESTORE: "Restored",
}


@dataclass(frozen=True)
class VersionLabel:
    title: str
    by: str  # a person's name, "✦ Assistant", or "Canvas" (made by the server)
    by_assistant: bool
    request: str  # the whole request of an assistant version, "" otherwise
    asked_by: str  # who made that request, "" when not known
    model: str = ""  # the model of an assistant version's turn, "" when not known


def describe(version: Version, turn_changed: bool = True) -> VersionLabel:
    """The label of ``version``. ``turn_changed`` is False for the "before" version of a turn
    that changed nothing: then it is only a checkpoint of what people had written."""
    reason = version.reason
    before_nothing = reason == Version.Reason.ASSISTANT_BEFORE and not turn_changed
    if reason in _ASSISTANT_TITLES and version.turn_id and not before_nothing:
        request = version.turn.reply_to if version.turn else None
        asker = request.author.get_username() if request and request.author else ""
        return VersionLabel(_ASSISTANT_TITLES[reason], ASSISTANT, True,
                            " ".join(request.text.split()) if request else "", asker,
                            version.turn.model if version.turn else "")
    if reason in _ASSISTANT_TITLES:
        title = "Checkpoint" if before_nothing else _ASSISTANT_TITLES[reason]
        return VersionLabel(title, "Canvas" if before_nothing else ASSISTANT, not before_nothing,
                            "", "")
    title = version.label or _DEFAULT_TITLES.get(reason, version.get_reason_display())
    by = version.author.get_username() if version.author_id and version.author else "Canvas"
    return VersionLabel(title, by, False, "", "")
