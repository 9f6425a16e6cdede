"""A soak run: canvases, their editors typing in load processes, an assistant turn per canvas
each minute, memory samples, and the checks that nothing was lost or diverged.

Sizes come from the environment so a run can be short: STRESS_MINUTES (10), STRESS_CANVASES
(20), STRESS_EDITORS (10 a canvas), STRESS_RATE (5 keystrokes/s an editor) and
STRESS_GENERATORS (load processes, 2).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from bench._harness import percentile, proc_stats
from tests.fakes.openai_server import Reply, ToolCall, ToolCalls
from tests.stress.load import LETTERS, CanvasSpec, EditorSpec, Load, seed_text
from tests.stress.stack import Stack
from tests.sync.helpers import http_post, session_id, sync_url

TURN_EVERY = 60.0
MARKER = re.compile(r"\[AI ([A-Z0-9-]+)\]")
ASK = re.compile(r"Add marker ([A-Z0-9-]+)")


def setting(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def progress(message: str) -> None:
    """Long runs say where they are (pytest captures stdout; this goes to the terminal)."""
    print(f"[stress {time.strftime('%H:%M:%S')}] {message}", file=sys.__stderr__, flush=True)


def model_answer(request: dict) -> Reply:
    """The fake model's part in a soak: put the asked-for marker after the header, streaming
    the call in small pieces as a real model does."""
    last = request["messages"][-1]
    found = ASK.search(last.get("content") or "") if last.get("role") == "user" else None
    if not found:
        return Reply(text="Done.")
    marker = found.group(1)
    if marker.startswith("S"):  # slow: a turn still streaming when its worker is killed
        return ToolCalls([ToolCall("edit_canvas", {"edits": [
            {"find": "NOTES:", "replace": f"NOTES: [AI {marker}]"}]})],
            text=f"Adding {marker}.", arguments_chunk_size=2, chunk_delay=0.3)
    return ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "NOTES:", "replace": f"NOTES: [AI {marker}]"}]})],
        text=f"Adding {marker}.", chunk_size=4, arguments_chunk_size=8, chunk_delay=0.03)


@dataclass
class CanvasCheck:
    converged: bool
    lost: int  # characters typed that the final text lacks (doubled ones count too)
    doubled_markers: int
    text: str


@dataclass
class Convergence:
    ok: bool
    seconds: float
    lost: int
    doubled_markers: int
    diverged: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)


class Soak:
    def __init__(self, stack: Stack, canvases: int, editors: int, rate: float,
                 generators: int) -> None:
        self.stack = stack
        self.n_canvases, self.n_editors, self.rate = canvases, min(editors, 26), rate
        self.generators = generators
        self.canvases: list = []
        self.owner_sessions: dict[str, str] = {}
        self.load: Load | None = None
        self.posts: list[Future] = []
        self.asked: dict[str, str] = {}  # marker -> canvas id
        self.pool = ThreadPoolExecutor(4, thread_name_prefix="stress-post")
        self.rss_samples: list[tuple[float, dict[str, int]]] = []

    # --- set-up ------------------------------------------------------------------------------

    def create(self) -> list[CanvasSpec]:
        from django.contrib.auth import get_user_model
        from pycrdt import Doc, Text

        from canvas.models import Membership, Role
        from canvas.services import create_canvas
        from collab import persistence

        users = get_user_model().objects
        specs = []
        letters = LETTERS[:self.n_editors]
        for c in range(self.n_canvases):
            people = [users.create_user(f"s{c}-{x}-{time.monotonic_ns()}", password=None)
                      for x in letters]
            canvas = create_canvas(people[0], f"Canvas {c}", "document")
            Membership.objects.bulk_create(Membership(canvas=canvas, user=p, role=Role.EDITOR)
                                           for p in people[1:])
            doc = Doc()
            doc.get("content", type=Text).insert(0, seed_text(f"Canvas {c}", letters))
            persistence.append_updates(str(canvas.id), [(doc.get_update(), "system")])
            sessions = [session_id(p) for p in people]
            self.canvases.append(canvas)
            self.owner_sessions[str(canvas.id)] = sessions[0]
            # Half the editors of each canvas on each process: the relay is always in play.
            servers = self.stack.asgi
            editors = [EditorSpec(sync_url(servers[i % 2].url, canvas.id), sessions[i], x)
                       for i, x in enumerate(letters)]
            chat = servers[0].url.replace("http", "ws") + f"/ws/canvases/{canvas.id}/chat"
            specs.append(CanvasSpec(str(canvas.id), editors, chat))
        return specs

    def connect(self) -> None:
        from django.db import connections

        specs = self.create()
        connections.close_all()
        self.load = Load(specs, self.generators, self.rate)
        answers = self.load.ask("connect", timeout=300)
        connected = sum(a["connected"] for a in answers)
        progress(f"{connected} of {len(specs) * self.n_editors} editors connected "
                 f"in {len(self.load.processes)} load process(es)")

    # --- running -------------------------------------------------------------------------------

    def type_for(self, seconds: float, turns: bool = True, sample_every: float = 10.0,
                 pause: bool = True) -> None:
        """Type (and ask the assistant each minute on every canvas) for ``seconds``."""
        assert self.load is not None
        self.load.ask("type")
        started = time.monotonic()
        n = len(self.canvases)
        due = [started + c * TURN_EVERY / n for c in range(n)]
        next_sample = started
        while (now := time.monotonic()) < started + seconds:
            if turns:
                for c, when in enumerate(due):
                    if now >= when:
                        due[c] = when + TURN_EVERY
                        self.ask_assistant(self.canvases[c])
            if now >= next_sample:
                self.rss_samples.append((now, self.stack.rss()))
                next_sample = now + sample_every
            time.sleep(0.1)
        if pause:
            self.load.ask("pause")

    def ask_assistant(self, canvas, prefix: str = "T") -> str:
        marker = f"{prefix}{len(self.asked)}"
        self.asked[marker] = str(canvas.id)
        base = self.stack.asgi[len(self.asked) % 2].url

        def post() -> int:
            try:
                response = asyncio.run(http_post(
                    base, self.owner_sessions[str(canvas.id)], f"/canvases/{canvas.id}/messages",
                    {"text": f"Add marker {marker}"}))
                return response.status_code
            except Exception as exc:  # counted: the server was unreachable
                return -1 if not isinstance(exc, OSError) else -2

        self.posts.append(self.pool.submit(post))
        return marker

    def post_statuses(self) -> Counter:
        return Counter(f.result() for f in self.posts)

    def wait_for_turns(self, timeout: float = 60) -> None:
        from canvas.models import Message

        for future in self.posts:
            future.result(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and Message.objects.filter(
                canvas__in=self.canvases, is_assistant=True, status="streaming").exists():
            time.sleep(0.5)

    def turn_outcomes(self) -> Counter:
        from canvas.models import Message

        return Counter(f"{m.status}/{m.action}" for m in Message.objects.filter(
            canvas__in=self.canvases, is_assistant=True))

    # --- checks -----------------------------------------------------------------------------

    def converge(self, timeout: float = 90) -> Convergence:
        """Wait until every canvas is the same in every editor and in the database, then
        count lost characters and doubled assistant edits."""
        from django.db import connections

        from collab.persistence import load_text

        assert self.load is not None
        started = time.monotonic()
        while True:
            snapshot = self.load.snapshot()
            diverged, checks = [], {}
            try:
                for canvas_id, state in snapshot.items():
                    stored = load_text(canvas_id)
                    same = state["texts"] == [stored] and state["connected"] == self.n_editors
                    if not same:
                        diverged.append(canvas_id)
                    checks[canvas_id] = (state, stored)
            except Exception as exc:  # the database may still be on its way back
                diverged = [f"database: {exc!r}"]
                connections.close_all()
            if not diverged or time.monotonic() - started > timeout:
                break
            time.sleep(0.5)
        seconds = time.monotonic() - started
        for canvas_id in diverged[:3]:
            self._describe_divergence(canvas_id, *checks.get(canvas_id, ({}, "")))
        lost = doubled = 0
        for state, stored in checks.values():
            text = state["texts"][0] if state["texts"] else stored
            lost += sum(abs(text.count(letter) - typed)
                        for letter, typed in state["typed"].items())
            doubled += sum(count - 1 for count in Counter(MARKER.findall(text)).values()
                           if count > 1)
        return Convergence(not diverged and lost == 0 and doubled == 0, seconds, lost, doubled,
                           diverged, {cid: s for cid, (_, s) in checks.items()})

    @staticmethod
    def _describe_divergence(canvas_id: str, state: dict, stored: str) -> None:
        """Say which editors of a canvas that did not converge lack what (stderr)."""
        if not state:
            progress(f"not converged: {canvas_id}")
            return
        progress(f"not converged: canvas {canvas_id}: {len(state['texts'])} texts, "
                 f"{state['connected']} connected, stored length {len(stored)}")
        for letter, editor in state["editors"].items():
            in_stored = stored.count(letter)
            text = editor.pop("text")
            if editor["typed"] != in_stored or not editor["connected"]:
                progress(f"  {letter}: {editor}, in stored {in_stored}")
            if text != stored:  # what this editor's text lacks or has more of than stored
                differs = {x: text.count(x) - stored.count(x) for x in set(text + stored)
                           if text.count(x) != stored.count(x)}
                progress(f"  {letter}'s text differs from the stored one by {differs}")

    def missing_markers(self, texts: dict[str, str]) -> list[str]:
        """Markers of turns that finished with an edit but are not in their canvas."""
        from canvas.models import Message

        done = Message.objects.filter(canvas__in=self.canvases, is_assistant=True,
                                      status="done", action="edit").select_related("reply_to")
        missing = []
        for message in done:
            found = ASK.search(message.reply_to.text if message.reply_to else "")
            if found and f"[AI {found.group(1)}]" not in texts.get(str(message.canvas_id), ""):
                missing.append(found.group(1))
        return missing

    def stats(self, reset: bool = False) -> dict:
        assert self.load is not None
        parts = self.load.ask("stats", reset)
        latencies = [x for p in parts for x in p["latencies"]]
        counters = Counter()
        codes = Counter()
        for p in parts:
            c = p["counters"]
            counters.update({"disconnects": c.disconnects, "connect_failures":
                             c.connect_failures, "error_frames": c.error_frames,
                             "chat_disconnects": c.chat_disconnects})
            codes.update(c.close_codes)
        return {"latencies": latencies, "p50": percentile(latencies, 0.5) * 1000,
                "p99": percentile(latencies, 0.99) * 1000,
                "max": max(latencies, default=float("nan")) * 1000,
                "send_lag_p99": percentile([x for p in parts for x in p["send_lag"]], 0.99)
                * 1000,
                "typed": sum(p["typed"] for p in parts),
                "unfinished": sum(p["unfinished"] for p in parts),
                "counters": counters, "close_codes": codes}

    def generator_cpu(self) -> float:
        assert self.load is not None
        return sum(proc_stats(pid).cpu_seconds for pid in self.load.pids)

    def close(self) -> None:
        if self.load is not None:
            self.load.close()
        self.pool.shutdown(wait=False, cancel_futures=True)
