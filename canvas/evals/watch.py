"""Watching one eval turn from inside: people's edits at their hooks, timings, placements,
and the model's answers as they were (for ``--record``).

``EvalWatcher`` is the ``TurnObserver`` the harness gives the real ``TurnRunner``; nothing
here changes what the turn does, apart from the people's edits the case asks for.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field

from canvas.assistant.observer import TurnObserver
from canvas.assistant.tools import StreamedCall

from .cases import Case, CaseError, PersonEdit
from .people import Person


@dataclass
class PersonDone:
    edit: PersonEdit
    text_after: str


@dataclass
class EvalWatcher(TurnObserver):
    case: Case
    person: Person
    started: float = field(default_factory=time.monotonic)
    prompt_at: float | None = None
    first_change_at: float | None = None
    base_text: str = ""  # the canvas with people's edits, before any change of the model
    people_done: list[PersonDone] = field(default_factory=list)
    #: What became of each edit/comment/rewrite: (round, tool name, result for the model).
    results: list[tuple[int, str, dict]] = field(default_factory=list)
    tools_called: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # the v2 prompt's `reason` fields
    answers: list[dict] = field(default_factory=list)  # per round, as replay.py serves them
    harness_error: str = ""  # a case that cannot be run as written (not the model's fault)
    _round: int = 0
    _calls_seen: int = 0
    _tokens: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        self.base_text = self.case.canvas

    # --- people ---------------------------------------------------------------------------

    def _people(self, when: str) -> None:
        for edit in self.case.people:
            if edit.when != when or self.harness_error:
                continue
            try:
                self.base_text = self.person.apply(edit)
            except CaseError as exc:
                self.harness_error = str(exc)
                return
            self.people_done.append(PersonDone(edit, self.base_text))

    # --- hooks ----------------------------------------------------------------------------

    def prompt_built(self, runner, messages: list[dict]) -> None:
        self.prompt_at = time.monotonic()
        self._people("prompt_built")

    def call_started(self, runner, call: StreamedCall) -> None:
        self._calls_seen += 1
        if self._calls_seen == 1:
            self._people("first_call")

    def merged(self, runner) -> None:
        if self.first_change_at is None:
            self.first_change_at = time.monotonic()

    def call_finished(self, runner, call: StreamedCall) -> None:
        self.tools_called.append(call.name)
        for result in call.results:
            self.results.append((self._round, call.name, result))
        try:
            reason = json.loads(call.arguments or "{}").get("reason")
        except (ValueError, AttributeError):
            reason = None
        if isinstance(reason, str) and reason.strip():
            self.reasons.append(reason.strip())

    def answer_finished(self, runner, round_number: int, text: str,
                        calls: list[StreamedCall]) -> None:
        prompt, completion = runner.message.prompt_tokens, runner.message.completion_tokens
        used = {"prompt_tokens": prompt - self._tokens[0],
                "completion_tokens": completion - self._tokens[1]}
        self._tokens = (prompt, completion)
        self.answers.append({"text": text, "usage": used,
                             "calls": [{"name": c.name, "arguments": c.arguments}
                                       for c in calls]})
        self._round = round_number + 1

    # --- reading ----------------------------------------------------------------------------

    def chosen_action(self) -> str:
        """What the model chose, applied or not (same precedence as the message's action)."""
        for tool, action in (("rewrite_canvas", "rewrite"), ("edit_canvas", "edit"),
                             ("comment_canvas", "comment")):
            if tool in self.tools_called:
                return action
        return "reply"

    def placement(self) -> Counter:
        """exact / normalized / fuzzy / failed / fixed_on_retry / dropped (people deleted the
        passage meanwhile) / rewrite / held / skipped."""
        counts: Counter = Counter()
        failed_first = 0
        for round_number, _tool, result in self.results:
            status = result.get("status")
            if status == "applied":
                counts[result.get("matched") or "rewrite"] += 1
                if round_number > 0 and failed_first > counts["fixed_on_retry"]:
                    counts["fixed_on_retry"] += 1
            elif status == "failed" and "people deleted" in result.get("error", ""):
                counts["dropped"] += 1  # the refusal the design promises, not a miss
            elif status == "failed":
                counts["failed"] += 1
                failed_first += round_number == 0
            else:
                counts[status or "unknown"] += 1
        return counts
