"""Replay a real editing trace through our sync server and the reference y-websocket server.

What it measures
    The automerge-paper trace (shared/data/automerge-paper.json.gz: 259,778 single-character
    edits that wrote a 104,852-character LaTeX paper) is pushed through a server as fast as
    the server takes it, and a second client waits for the final text. Printed per server:

    - edits/s end to end: edits / (first frame sent -> the second client holds endContent);
    - edits/s ingested: edits / (first frame sent -> the server has answered the last
      flow-control SyncStep1, i.e. has applied every edit);
    - server CPU seconds and peak RSS (VmHWM) of the server process; the client process's
      CPU (with the reference, the Python clients are close to being the bottleneck, so
      compare the servers' CPU per edit too) and other processes' CPU on the machine;
    - for ours, the bytes persisted: the DocUpdate rows plus the canvas state right after
      the run (the server compacts every 2,000 updates on its own), and again after a
      compaction (collab.persistence.compact). The reference keeps nothing: n/a.

    It CHECKS that both clients and, for ours, a fresh load from the database
    (collab.persistence.load_text) equal the trace's endContent, and exits 1 if not.

How
    Before any timing, every edit is encoded as its own Y update (v1) by one pycrdt Doc with
    a client id below 2**32, as a browser would send them: one update per keystroke,
    positions in code points (the trace is ASCII). One SyncClient (collab/client.py) sends
    the frames in windows of --window frames, each window followed by a SyncStep1 carrying
    the state vector the server will have after it; the server answers with a SyncStep2 only
    after handling everything before, so at most two windows are in flight (no gigabytes
    buffered anywhere). A second SyncClient only receives. Both clients run in this one
    asyncio process; the servers are real subprocesses on loopback:

    - ours: uvicorn canvas.asgi:application (as `make run`), a temporary SQLite database,
      a real user and canvas, the session cookie of that user;
    - reference: y-websocket 1.5.4 bin/server.js on Node (bench/reference), in memory.

Run: .venv/bin/python bench/trace_replay.py [--limit N] [--window N] [--only ours|reference]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h  # noqa: E402

TRACE = h.SHARED_DATA / "automerge-paper.json.gz"
TRACE_CLIENT_ID = 0x2A5E_11ED  # below 2**32, as browsers' Yjs ids are
SEND_TIMEOUT = 300.0  # seconds one window may take before we give up


@dataclass
class Trace:
    updates: list[bytes]
    frames: list[bytes]
    end_content: str
    state_vectors: list[bytes]  # the trace doc's state vector after each window
    final_state: bytes
    window: int
    encode_seconds: float = 0.0

    @property
    def frame_bytes(self) -> int:
        return sum(len(frame) for frame in self.frames)


def encode_trace(limit: int | None, window: int) -> Trace:
    """Every edit of the trace as its own Y update, produced by one pycrdt document."""
    from pycrdt import Doc, Text

    from collab.protocol import sync_update

    started = time.perf_counter()
    with gzip.open(TRACE, "rt", encoding="utf-8") as stream:
        data = json.load(stream)
    txns = data["txns"][:limit] if limit else data["txns"]
    doc = Doc(client_id=TRACE_CLIENT_ID)
    text = doc.get("content", type=Text)
    updates: list[bytes] = []
    subscription = doc.observe(lambda event: updates.append(event.update))
    state_vectors = []
    for number, txn in enumerate(txns, 1):
        for position, deleted, inserted in txn["patches"]:
            # One patch is one edit; ASCII only, so code points = UTF-8 bytes = pycrdt index.
            with doc.transaction():
                if deleted:
                    del text[position:position + deleted]
                if inserted:
                    text.insert(position, inserted)
        if number % window == 0 or number == len(txns):
            state_vectors.append(doc.get_state())
    doc.unobserve(subscription)
    end_content = data["endContent"] if not limit else str(text)
    if str(text) != end_content:
        raise SystemExit("encoding the trace did not reproduce its endContent")
    return Trace(updates, [sync_update(update) for update in updates], end_content,
                 state_vectors, doc.get_state(), window, time.perf_counter() - started)


# --- the replay --------------------------------------------------------------------------------

def replay_client_class():
    from collab.client import SyncClient

    class ReplayClient(SyncClient):
        """A SyncClient that counts the SyncStep2 answers it receives (flow control)."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.step2_count = 0
            self.step2_event = asyncio.Event()

        async def _handle(self, data: bytes) -> None:
            await super()._handle(data)
            if len(data) > 1 and data[0] == 0 and data[1] == 1:
                self.step2_count += 1
                self.step2_event.set()

        async def wait_step2(self, count: int, timeout: float) -> None:
            deadline = time.monotonic() + timeout
            while self.step2_count < count:
                if not self.connected:
                    raise RuntimeError(f"connection closed (code {self.close_code})")
                self.step2_event.clear()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the server stopped answering SyncStep1")
                try:
                    await asyncio.wait_for(self.step2_event.wait(), min(remaining, 1.0))
                except TimeoutError:
                    pass

    return ReplayClient


@dataclass
class Result:
    server: str
    edits: int
    end_to_end_s: float = 0.0
    ingest_s: float = 0.0
    sender_final_s: float = 0.0
    cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    other_cpu_s: float = 0.0
    peak_rss: int = 0
    rss_after: int = 0
    texts_ok: dict[str, bool] = field(default_factory=dict)
    persisted: dict[str, int] | None = None
    stored_after_s: float | None = None  # from the receiver having the text to the log having it
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    log_tail: str = ""


async def has_text(client, trace: Trace, deadline: float) -> float:
    """Wait until ``client`` holds the final text; return the time it did."""
    while True:
        if client.doc.get_state() == trace.final_state and \
                client.get_text() == trace.end_content:
            return time.perf_counter()
        if time.monotonic() > deadline:
            raise TimeoutError("the final text never arrived")
        if not client.connected:
            raise RuntimeError(f"connection closed (code {client.close_code})")
        await asyncio.sleep(0.002)


async def replay(url: str, session: str | None, trace: Trace, server: h.Server,
                 result: Result) -> None:
    from collab.protocol import sync_step1

    client_class = replay_client_class()
    sender = client_class(url, session, name="sender")
    receiver = client_class(url, session, name="receiver")
    await sender.connect(timeout=30)
    await receiver.connect(timeout=30)
    receiver_done: asyncio.Future = asyncio.get_running_loop().create_future()
    try:
        base = sender.step2_count
        cpu_before, self_before = server.stats().cpu_seconds, h.self_cpu_seconds()
        machine_before = h.machine_busy_seconds()
        started = time.perf_counter()
        receiver_done = asyncio.create_task(
            has_text(receiver, trace, time.monotonic() + 20 * SEND_TIMEOUT))
        windows = range(0, len(trace.frames), trace.window)
        for number, start in enumerate(windows):
            for frame in trace.frames[start:start + trace.window]:
                await sender.ws.send(frame)
            await sender.ws.send(sync_step1(trace.state_vectors[number]))
            await sender.wait_step2(base + number, SEND_TIMEOUT)  # <= 2 windows in flight
        await sender.wait_step2(base + len(windows), SEND_TIMEOUT)
        ingested = time.perf_counter()
        received = await receiver_done
        sender_final = await has_text(sender, trace, time.monotonic() + SEND_TIMEOUT)
        stats = server.stats()
        result.ingest_s = ingested - started
        result.end_to_end_s = received - started
        result.sender_final_s = sender_final - started
        result.cpu_s = stats.cpu_seconds - cpu_before
        result.client_cpu_s = h.self_cpu_seconds() - self_before
        result.other_cpu_s = max(0.0, h.machine_busy_seconds() - machine_before
                                 - result.cpu_s - result.client_cpu_s)
        result.peak_rss = stats.peak_rss_bytes
        result.rss_after = stats.rss_bytes
        result.texts_ok["sender"] = sender.get_text() == trace.end_content
        result.texts_ok["receiver"] = receiver.get_text() == trace.end_content
        if sender.errors or receiver.errors:
            result.problems.append(f"auth messages: {sender.errors + receiver.errors}")
    finally:
        if not receiver_done.done():
            receiver_done.cancel()
        elif not receiver_done.cancelled():
            receiver_done.exception()  # retrieved: the error that matters is raised above
        await sender.close()
        await receiver.close()


def wait_stored(canvas_id: str, text: str, timeout: float = 10.0) -> float | None:
    """Seconds until a fresh load from the database gives ``text`` (None: never did)."""
    from collab import persistence

    started = time.perf_counter()
    while persistence.load_text(canvas_id) != text:
        if time.perf_counter() - started > timeout:
            return None
        time.sleep(0.005)
    return time.perf_counter() - started


def persisted_bytes(canvas_id: str) -> tuple[int, int, int]:
    """(log rows, log bytes, state bytes) stored for the canvas."""
    from canvas.models import Canvas
    from collab.models import DocUpdate

    rows = list(DocUpdate.objects.filter(canvas_id=canvas_id).values_list("data", flat=True))
    state = Canvas.objects.values_list("state", flat=True).get(id=canvas_id)
    return len(rows), sum(len(bytes(row)) for row in rows), len(bytes(state or b""))


def run_ours(trace: Trace, db: h.BenchDatabase, cleanup: h.Cleanup) -> Result:
    from collab import persistence

    owner = h.make_user("trace-owner")
    canvas = h.make_canvas(owner, "Trace replay")
    session = h.session_id(owner)
    h.close_db_connections()
    server = cleanup.server(h.OurServer(db.directory, db.url, db.secret_key))
    result = Result("ours", len(trace.updates))
    canvas_id = str(canvas.id)
    try:
        asyncio.run(replay(server.sync_url(canvas_id), session, trace, server, result))
        # The server relays first and stores right after: the log catches up within its write
        # window (20 ms under load), not necessarily before the receiver has the text.
        result.stored_after_s = wait_stored(canvas_id, trace.end_content)
        result.texts_ok["database"] = result.stored_after_s is not None
        rows, log_bytes, state_bytes = persisted_bytes(canvas_id)
        compaction = persistence.compact(canvas_id)
        rows_after, log_after, state_after = persisted_bytes(canvas_id)
        result.texts_ok["compacted"] = persistence.load_text(canvas_id) == trace.end_content
        result.persisted = {"rows": rows, "log": log_bytes, "state": state_bytes,
                            "folded": compaction.folded, "rows_after": rows_after,
                            "log_after": log_after, "state_after": state_after}
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        result.log_tail = server.log_tail()
    finally:
        h.close_db_connections()
        server.stop()
        result.problems += server.log_problems()
    return result


def run_reference(trace: Trace, db: h.BenchDatabase, cleanup: h.Cleanup) -> Result:
    server = cleanup.server(h.ReferenceServer(db.directory))
    result = Result("reference", len(trace.updates))
    try:
        asyncio.run(replay(server.sync_url("trace-replay"), None, trace, server, result))
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        result.log_tail = server.log_tail()
    finally:
        server.stop()
        result.problems += server.log_problems()
    return result


# --- output --------------------------------------------------------------------------------------

def report(trace: Trace, results: list[Result]) -> None:
    by_name = {r.server: r for r in results if r.error is None}
    ours, reference = by_name.get("ours"), by_name.get("reference")
    print()
    print(f"Trace replay: automerge-paper, {len(trace.updates):,} edits as "
          f"{len(trace.updates):,} Y updates ({sum(map(len, trace.updates)):,} B of updates, "
          f"{trace.frame_bytes:,} B of frames), final text {len(trace.end_content):,} chars")
    print(f"one sender + one receiver (SyncClient, one asyncio process); flow control: "
          f"SyncStep1 every {trace.window:,} frames, <= 2 windows in flight")
    print(f"(encoding the updates took {trace.encode_seconds:.1f} s, not counted)")
    print()

    def value(result: Result | None, fn) -> str:
        return "-" if result is None else fn(result)

    metrics = [
        ("end to end (first send -> receiver has final text)", "s",
         lambda r: r.end_to_end_s, lambda v: f"{v:.2f}"),
        ("edits/s end to end", "edits/s", lambda r: r.edits / r.end_to_end_s,
         lambda v: f"{v:,.0f}"),
        ("ingest (first send -> server applied all)", "s", lambda r: r.ingest_s,
         lambda v: f"{v:.2f}"),
        ("edits/s ingested", "edits/s", lambda r: r.edits / r.ingest_s, lambda v: f"{v:,.0f}"),
        ("sender's echo complete", "s", lambda r: r.sender_final_s, lambda v: f"{v:.2f}"),
        ("server CPU during the replay", "s", lambda r: r.cpu_s, lambda v: f"{v:.2f}"),
        ("server CPU per edit", "us", lambda r: r.cpu_s / r.edits * 1e6, lambda v: f"{v:.1f}"),
        ("client process CPU (both clients)", "s", lambda r: r.client_cpu_s,
         lambda v: f"{v:.2f}"),
        ("other processes' CPU on the machine", "s", lambda r: r.other_cpu_s,
         lambda v: f"{v:.2f}"),
        ("server peak RSS (VmHWM)", "MiB", lambda r: r.peak_rss / 2**20, lambda v: f"{v:.1f}"),
        ("server RSS after the replay", "MiB", lambda r: r.rss_after / 2**20,
         lambda v: f"{v:.1f}"),
    ]
    rows = []
    for label, unit, get, fmt in metrics:
        rows.append([label, unit, value(ours, lambda r, g=get, f=fmt: f(g(r))),
                     value(reference, lambda r, g=get, f=fmt: f(g(r))),
                     h.ratio(get(ours), get(reference))
                     if ours and reference and not label.startswith("other processes")
                     else "n/a"])
    if ours and ours.persisted:
        p = ours.persisted
        stored = ours.stored_after_s
        rows += [
            ["log has the final text, after the receiver", "ms",
             "never" if stored is None else f"{stored * 1000:.0f}", "n/a", "n/a"],
            ["persisted after the run: log rows", "rows", f"{p['rows']:,}", "n/a", "n/a"],
            ["persisted after the run: log + state", "B",
             f"{p['log'] + p['state']:,}", "n/a", "n/a"],
            ["  (log / state)", "B", f"{p['log']:,} / {p['state']:,}", "n/a", "n/a"],
            ["persisted after compact(): log + state", "B",
             f"{p['log_after'] + p['state_after']:,}", "n/a", "n/a"],
        ]
    h.print_table(["metric", "unit", "ours", "reference", "ours/ref"], rows)
    print()
    for result in results:
        if result.error:
            print(f"{result.server}: FAILED: {result.error}")
            print(f"{result.server}: last lines of the server log:")
            for line in result.log_tail.splitlines():
                print(f"    {line[:200]}")
        h.print_outcome(result.server, "final text equals endContent", result.texts_ok,
                        result.problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None,
                        help="replay only the first N edits (default: all 259,778)")
    parser.add_argument("--window", type=int, default=2000,
                        help="frames between flow-control SyncStep1 messages (default 2000)")
    parser.add_argument("--only", choices=["ours", "reference"], default=None)
    args = parser.parse_args()

    h.ensure_reference_installed()
    print(f"encoding {TRACE.name} ...", flush=True)
    trace = encode_trace(args.limit, args.window)
    results: list[Result] = []
    with h.temporary_directory() as tmp, h.Cleanup() as cleanup:
        db = h.setup_django(Path(tmp))
        if args.only in (None, "ours"):
            print("replaying through ours ...", flush=True)
            results.append(run_ours(trace, db, cleanup))
        if args.only in (None, "reference"):
            print("replaying through the reference ...", flush=True)
            results.append(run_reference(trace, db, cleanup))
        report(trace, results)
    failed = [r.server for r in results
              if r.error or not r.texts_ok or not all(r.texts_ok.values())]
    if failed:
        print(f"FAILED: the final text differs from endContent on {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the servers were stopped on the way out
        print("interrupted", file=sys.stderr)
        sys.exit(130)
