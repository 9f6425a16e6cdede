"""Hooks a turn calls at fixed points while it runs, for tools that watch turns (the evals).

Each hook runs on the turn's own thread, synchronously, at that exact point of the turn: the
evals make people's edits there ("after the prompt is built", "after the first tool call
starts") and time the turn. Every default does nothing, so a ``TurnRunner`` without an
observer behaves exactly as one with this base class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .tools import StreamedCall
    from .turns import TurnRunner


class TurnObserver:
    """Override the hooks you need; the turn calls them in the order listed here."""

    def prompt_built(self, runner: TurnRunner, messages: list[dict]) -> None:
        """The snapshot is taken and the prompt built; the model has not been asked yet."""

    def call_started(self, runner: TurnRunner, call: StreamedCall) -> None:
        """The first part of a tool call arrived (its name is known, its arguments not yet)."""

    def merged(self, runner: TurnRunner) -> None:
        """Changes of the turn reached the live canvas (called after each merge)."""

    def call_finished(self, runner: TurnRunner, call: StreamedCall) -> None:
        """A tool call was acted on in full; ``call.results`` says what became of each item."""

    def answer_finished(self, runner: TurnRunner, round_number: int, text: str,
                        calls: list[StreamedCall]) -> None:
        """One answer of the model ended: round 0, then 1 for a correction round. ``text`` is
        what it said in the chat during that answer."""


#: The observer of turns nobody watches.
NOBODY = TurnObserver()
