"""The Shortcuts menu of the chat form: shortcuts grouped by purpose, and length and
reading level as sliders (as ChatGPT Canvas has them) rather than a row of entries each.

A slider is a list of stops from one end to the other; each stop is a shortcut of
canvas/assistant/prompts.py, except the middle one, "Keep current", which asks for
nothing. frontend/src/chat/shortcuts.js points the slider's Apply button at the chosen
stop's shortcut; the form then posts it like any other shortcut.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from canvas.assistant.prompts import SHORTCUTS, Shortcut

KEEP = "Keep current"


@dataclass(frozen=True)
class Stop:
    shortcut: str  # "" for "Keep current"
    label: str


@dataclass(frozen=True)
class Slider:
    name: str
    label: str
    stops: tuple[Stop, ...]

    @property
    def keep(self) -> int:
        """The index of the "Keep current" stop, where the slider starts."""
        return next(i for i, stop in enumerate(self.stops) if not stop.shortcut)

    @property
    def last(self) -> int:
        return len(self.stops) - 1


@dataclass(frozen=True)
class Group:
    title: str
    shortcuts: list[Shortcut] = field(default_factory=list)
    sliders: list[Slider] = field(default_factory=list)
    port: bool = False  # the "Port to…" row (code canvases)


SLIDERS = (
    Slider("length", "Length", (Stop("shortest", "Shortest"), Stop("shorter", "Shorter"),
                                Stop("", KEEP), Stop("longer", "Longer"),
                                Stop("longest", "Longest"))),
    Slider("level", "Reading level", (Stop("level-child", "Child"), Stop("level-teen", "Teen"),
                                      Stop("", KEEP), Stop("level-adult", "Adult"),
                                      Stop("level-college", "College"),
                                      Stop("level-graduate", "Expert"))),
)

#: Group title → shortcut names, per kind of canvas, in menu order.
_GROUPS = {
    "document": (("Review", ("suggest",)), ("Adjust", ()), ("Finish", ("polish", "emojis"))),
    "code": (("Review", ("review",)), ("Improve", ("fix", "comments", "logs")), ("Port", ())),
}


def menu(kind: str, may_edit: bool) -> list[Group]:
    """The groups a person sees on a canvas of ``kind`` (without the ones that would only
    hold shortcuts that change the text, for people who may only comment)."""
    groups = []
    for title, names in _GROUPS.get(kind, ()):
        shortcuts = [SHORTCUTS[n] for n in names if may_edit or not SHORTCUTS[n].edits]
        sliders = list(SLIDERS) if title == "Adjust" and may_edit else []
        port = title == "Port" and may_edit
        if shortcuts or sliders or port:
            groups.append(Group(title, shortcuts, sliders, port))
    return groups
