"""Running cases through the real turn pipeline: a canvas, a request, the turn, the score.

Each run makes a fresh canvas in the current database (the command gives it a throw-away
one), writes the case's text as a person would, saves the request as the chat view does,
and runs ``TurnRunner`` itself (snapshot, fork, placement, merge, versions) against the
endpoint, with an ``EvalWatcher`` that makes people's edits at their hooks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.test import override_settings
from pycrdt import Map

from canvas.assistant import selection as selections
from canvas.assistant.turns import TurnRunner
from canvas.models import Membership, Message, Role
from canvas.services import create_canvas
from collab import persistence
from collab.positions import codepoint_to_utf16

from .cases import Case, nth
from .people import Person
from .scoring import Scored, score
from .watch import EvalWatcher


@dataclass
class Endpoint:
    """Where the model answers: any OpenAI-compatible server (or a replay of one)."""

    base_url: str
    model: str
    api_key: str = "not-needed"
    #: Called before each run of a case (a replay queues that run's recorded answers).
    prepare: Callable[[Case, int], None] | None = None
    label: str = ""  # how the report names it (default: the model)


@dataclass
class CaseRun:
    """One run of one case, and its score."""

    case: Case
    repetition: int
    status: str = ""
    error: str = ""
    action: str = ""  # what the turn applied (Message.action)
    chosen: str = ""  # what the model chose, applied or not
    reply: str = ""  # what it said in the chat
    base: str = ""  # what it read (people's edits included)
    after: str = ""
    checked_text: str = ""  # the text regexes and code checks read (a port's new canvas)
    comments: list[dict] = field(default_factory=list)
    placement: dict = field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_change_s: float | None = None
    end_s: float = 0.0
    reasons: list[str] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)  # as --record saves them
    harness_error: str = ""
    scored: Scored = field(default_factory=Scored)

    @property
    def passed(self) -> bool:
        return not self.harness_error and self.scored.passed

    def as_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k not in ("case", "scored",
                                                                  "answers")}
        out.update(case=self.case.id, tags=list(self.case.tags), source=self.case.source,
                   request=self.case.request or f"/{self.case.shortcut}",
                   expected=list(self.case.expect.actions), passed=self.passed,
                   **self.scored.as_dict())
        return out


def _user(name: str):
    user, _ = get_user_model().objects.get_or_create(username=name)
    return user


def _membership(canvas, name: str, role: str):
    user = _user(name)
    Membership.objects.get_or_create(canvas=canvas, user=user, defaults={"role": role})
    return user


def _comments(canvas_id: str) -> list[dict]:
    comments = persistence.load_doc(canvas_id).get("comments", type=Map).to_py() or {}
    return [{"quote": c.get("quote", ""), "comment": c.get("body", ""),
             "suggestion": c.get("suggestion")} for c in comments.values()
            if isinstance(c, dict)]


def _request(case: Case, canvas) -> Message:
    """The person's request as the chat view saves it (selection anchored in the doc)."""
    if case.role == "owner":
        asker = canvas.owner
    else:
        asker = _membership(canvas, f"eval-{case.role}", case.role)
    for role, text in case.history:
        Message.objects.create(canvas=canvas, author=None if role == "assistant" else asker,
                               is_assistant=role == "assistant", text=text)
    selection = None
    if case.selection:
        text = case.canvas
        at = nth(text, case.selection, case.selection_occurrence)
        selection = selections.anchor(persistence.load_doc(str(canvas.id)), {
            "from": codepoint_to_utf16(text, at), "quote": case.selection,
            "to": codepoint_to_utf16(text, at + len(case.selection))})
    if case.port_language:
        selection = {**(selection or {}), "language": case.port_language}
    return Message.objects.create(canvas=canvas, author=asker, text=case.request,
                                  selection=selection, shortcut=case.shortcut)


def run_case(case: Case, endpoint: Endpoint, repetition: int = 0) -> CaseRun:
    """Run ``case`` once, against ``endpoint``, in the current database."""
    if endpoint.prepare is not None:
        endpoint.prepare(case, repetition)
    run = CaseRun(case, repetition)
    owner = _user("eval-owner")
    canvas = create_canvas(owner, f"eval {case.id}", case.kind, case.language)
    person = _membership(canvas, "eval-person", Role.EDITOR)
    if case.canvas:
        Person(canvas.id, person.id).write(case.canvas)
    request = _request(case, canvas)
    message = Message.objects.create(canvas=canvas, is_assistant=True, reply_to=request,
                                     status=Message.Status.STREAMING)
    watcher = EvalWatcher(case, Person(canvas.id, person.id))
    TurnRunner(message.id, observer=watcher).run()
    ended = time.monotonic()
    message.refresh_from_db()

    run.status, run.error, run.action = message.status, message.error, message.action
    run.reply, run.chosen = message.text, watcher.chosen_action()
    run.prompt_tokens, run.completion_tokens = message.prompt_tokens, message.completion_tokens
    run.harness_error = watcher.harness_error
    run.reasons, run.answers = watcher.reasons, watcher.answers
    if message.status == Message.Status.FAILED and message.error:
        run.answers = [*run.answers, {"error": message.error}]
    started = watcher.prompt_at or watcher.started
    run.end_s = round(ended - started, 4)
    if watcher.first_change_at is not None:
        run.first_change_s = round(watcher.first_change_at - started, 4)
    run.placement = dict(watcher.placement())
    run.base = watcher.base_text
    run.after = persistence.load_text(str(canvas.id))
    target = message.linked_canvas_id or canvas.id  # a port writes a new canvas
    run.checked_text = persistence.load_text(str(target)) if target != canvas.id else run.after
    run.comments = _comments(str(canvas.id))
    people = [(d.edit.inserted, d.edit.quote if d.edit.replace is not None else "")
              for d in watcher.people_done]
    run.scored = score(case, status=run.status, error=run.error, chosen=run.chosen,
                       base=run.base, after=run.after, after_comments=run.comments,
                       people=people, placement_failed=run.placement.get("failed", 0)
                       - run.placement.get("fixed_on_retry", 0),
                       checked_text=run.checked_text, reply=run.reply)
    return run


Progress = Callable[[int, int, list[CaseRun]], None]


def run_cases(cases: list[Case], endpoint: Endpoint, *, repeat: int = 1,
              prompt_variant: str = "v1", progress: Progress | None = None,
              on_run: Callable[[CaseRun], None] | None = None) -> list[CaseRun]:
    """Every case ``repeat`` times; ``progress(done, total, runs)`` after each run."""
    runs: list[CaseRun] = []
    total = len(cases) * repeat
    with override_settings(OPENAI_BASE_URL=endpoint.base_url, OPENAI_API_KEY=endpoint.api_key,
                           CANVAS_MODEL=endpoint.model, CANVAS_PROMPT_VARIANT=prompt_variant):
        for repetition in range(repeat):
            for case in cases:
                try:
                    run = run_case(case, endpoint, repetition)
                except Exception as exc:  # a case that cannot run says why; the rest go on
                    run = CaseRun(case, repetition, harness_error=f"{type(exc).__name__}: {exc}")
                runs.append(run)
                if on_run is not None:
                    on_run(run)
                if progress is not None:
                    progress(len(runs), total, runs)
    return runs
