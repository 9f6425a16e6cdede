"""Answers served instead of a live model: recordings (``--record`` / ``--replay``), the
cases' reference answers, or any script, through the fake OpenAI-compatible server.

An answer is one model round as ``EvalWatcher`` keeps it::

    {"text": "what it said", "usage": {"prompt_tokens": 812, "completion_tokens": 40},
     "calls": [{"name": "edit_canvas", "arguments": "{\\"edits\\": [...]}"}]}

``arguments`` is the raw JSON text as streamed (malformed JSON included); cases may write a
call in short as ``{edit_canvas: {edits: [...]}}``. ``{"error": "..."}`` is a round where
the provider failed. A replay crosses the real SDK, stream parsing and turn pipeline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from .cases import Case
from .fake_openai import Error, FakeOpenAI, Reply, ToolCall
from .run import CaseRun, Endpoint

#: Served when a run asks for more answers than were recorded: an empty reply ends the turn.
EXHAUSTED = Reply(text="")


def to_response(answer: dict) -> Reply | Error:
    if "error" in answer:
        return Error(400, message=str(answer["error"]))
    calls = []
    for call in answer.get("calls", ()):
        if "name" in call:
            calls.append(ToolCall(call["name"], call.get("arguments", "{}")))
        else:
            (name, arguments), = call.items()
            calls.append(ToolCall(name, arguments))
    return Reply(text=answer.get("text", ""), tool_calls=calls, usage=answer.get("usage"),
                 chunk_size=64, arguments_chunk_size=64)


Answers = Callable[[Case, int], list[dict] | None]


def reference_answers(case: Case, repetition: int) -> list[dict] | None:
    """The case's own reference answer (a correct one: proves the case can pass)."""
    return list(case.reference) or None


def _file_name(case_id: str) -> str:
    return re.sub(r"[^\w.-]", "_", case_id) + ".json"


class Recordings:
    """A directory of recorded answers: one JSON file per case, one list per repetition."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def answers(self, case: Case, repetition: int) -> list[dict] | None:
        path = self.directory / _file_name(case.id)
        if not path.exists():
            return None
        runs = json.loads(path.read_text(encoding="utf-8"))["runs"]
        return runs[repetition % len(runs)] if runs else None

    def save(self, run: CaseRun, model: str, variant: str) -> None:
        """Add ``run``'s answers (repetition r is the r-th list of the file)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / _file_name(run.case.id)
        data = {"case": run.case.id, "model": model, "prompt_variant": variant, "runs": []}
        if path.exists() and run.repetition:
            data = json.loads(path.read_text(encoding="utf-8"))
        data["runs"] = data["runs"][:run.repetition] + [run.answers]
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")


class NoAnswers(LookupError):
    """No recorded answer for this run of a case."""


class ScriptedModel:
    """The fake server answering each run of a case with ``answers(case, repetition)``.

    A case without answers is not run: its result says there was no recording."""

    def __init__(self, answers: Answers, model: str = "replay", label: str = "") -> None:
        self.answers = answers
        self.model = model
        self.label = label or model
        self.fake = FakeOpenAI(default_response=EXHAUSTED)
        self.missing: list[str] = []

    def __enter__(self) -> ScriptedModel:
        self.fake.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.fake.stop()

    def _prepare(self, case: Case, repetition: int) -> None:
        self.fake.reset()
        answers = self.answers(case, repetition)
        if answers is None:
            self.missing.append(case.id)
            raise NoAnswers(f"no recorded answer for case {case.id}")
        self.fake.add_response(*(to_response(a) for a in answers))

    def endpoint(self) -> Endpoint:
        return Endpoint(self.fake.base_url, self.model, "replay-key", self._prepare,
                        self.label)
