"""Keystroke latency under load: N editors typing on one canvas, ours against the reference.

What it measures
    N simulated editors (default N = 2, 10, 50) share one document. Each sends keystroke-
    sized updates, one inserted character per update, at 5 updates per second for D seconds
    (default 30). For every update it takes the time from the send to the moment the LAST of
    the other N-1 editors has received it ("everyone has it"; with --generator python,
    received and applied it), and prints:

    - latency p50 / p95 / p99 / max in milliseconds;
    - updates/s delivered to everyone, and frames/s delivered to the other editors;
    - updates lost (not with everyone 10 s after the last send);
    - server CPU seconds during the run (utime + stime from /proc/<pid>/stat) and as a share
      of one core, and the server's peak RSS (VmHWM from /proc/<pid>/status);
    - how late the load generator sent against its schedule (p99 send lag), its own CPU,
      and the CPU that other processes on the machine used meanwhile (/proc/stat), so a
      saturated load generator or a busy machine is visible rather than blamed on a server
      (a warning is printed when it sent more than 20 ms late);

    for our server and for the reference y-websocket server, with the ratio ours/reference,
    and for the floor: bench/relay_floor.mjs, a relay that forwards each update frame as it
    came to every socket of the room and keeps no document. No sync server that writes each
    update to each socket delivers faster on the machine, so a server's latency above the
    floor (printed under the table) is its own share; the rest is the sockets, the kernel
    and the load generator.
    At the end it checks the text, and exits 1 if it is wrong: a fresh SyncClient loads the
    document and it must hold exactly the characters the editors typed, each editor's in
    that editor's order, and for ours a fresh load from the database must equal it (with
    --generator python: every editor and the database hold the same text).

How
    Each (server, N) pair gets a fresh server process, so peak RSS belongs to that load:

    - ours: uvicorn canvas.asgi:application (as `make run`) on a temporary SQLite database,
      a canvas with one owner and N-1 editors, each editor with its own session cookie;
    - reference: y-websocket 1.5.4 bin/server.js on Node (bench/reference), in memory.

    The same load generator for both servers, chosen with --generator:

    - node (default): bench/sync_load.mjs, one Node process (yjs, lib0 and ws from
      bench/reference) with a WebSocket and a Y.Doc per editor. A receiver does not apply
      the others' updates, it reads the (client id, clock) ranges a frame carries with
      Y.parseUpdateMeta, so the ~12,000 frames/s of N = 50 cost it about a quarter of a
      core (p99 send lag ~3 ms); each editor's doc holds its own keystrokes only, so it
      types at random places among its own characters. It reports raw figures as JSON;
      this process drives it, times the server and checks the text (see NodeGenerator and
      keystrokes_missing).
    - python: all N editors are collab.client.SyncClient instances in this one asyncio
      process, each applying every update (and typing among everyone's characters); at N = 50
      it saturates (a whole core, p99 send lag 150-260 ms on 2 cores), so those rows measure
      the generator.

    The N editors' sends are spread evenly over each 200 ms tick. An update is identified by
    (client id, clock), read from the Y updates every receiver gets: an editor's k-th one-
    character insert has clock k (it is the only writer under its client id), and a frame may
    carry several (the servers may merge a run of one editor's updates). Both servers echo
    each update to its sender as well; the echo is not counted.

    Updates sent in the first WARMUP_SECONDS (2 s) of a run are delivered and checked but
    not timed: the first frames through a fresh server process took 6-8 ms on either server.

    A p99 of one 30 s run moves by half between runs on a shared 2-core machine, more than
    the difference between the servers. --repeat R runs R rounds per N, the servers taking
    turns (ours first, then the reference first, then the floor first, ...), and pools each
    server's samples; the p99 of each round is printed under the table. `make bench` uses
    --repeat 3.

Run: .venv/bin/python bench/sync_latency.py [--duration S] [--clients 2,10,50] [--no-floor]
         [--generator node|python] [--repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import select
import string
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h  # noqa: E402

RATE = 5.0  # updates per second per editor
DRAIN_SECONDS = 10.0  # how long after the last send an update may still arrive
#: Updates sent in a run's first seconds are delivered and checked but not timed: the first
#: frames through a fresh server's cold paths took 6-8 ms on either server (p99 of the
#: rest: 2.4 ms), and they decided a 30 s run's p99.
WARMUP_SECONDS = 2.0
CONNECT_CONCURRENCY = 10
NODE_GENERATOR = Path(__file__).resolve().parent / "sync_load.mjs"
GENERATORS = {
    "node": "Node load generator bench/sync_load.mjs: one process, N WebSockets; a receiver "
            "reads the ids an update carries, it does not apply it",
    "python": "one asyncio client process, N collab.client.SyncClient; a receiver applies "
              "each update",
}


@dataclass
class Pending:
    sent: float
    remaining: int
    timed: bool = True  # False during the warm-up


@dataclass
class Run:
    server: str
    clients: int
    duration: float
    generator: str = "node"
    sent: int = 0
    complete: int = 0
    deliveries: int = 0
    latencies: list[float] = field(default_factory=list)
    send_lag: list[float] = field(default_factory=list)
    window_s: float = 0.0
    cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    other_cpu_s: float = 0.0
    peak_rss: int = 0
    rss_start: int = 0
    rss_end: int = 0
    converged: dict[str, bool] = field(default_factory=dict)
    final_text: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.sent - self.complete

    def latency_ms(self, fraction: float) -> float:
        return h.percentile(self.latencies, fraction) * 1000


def pooled(rounds: list[Run]) -> Run:
    """Several rounds of one server and N as one run: every sample in one distribution
    (a p99 over all of them), counts and CPU summed, the worst RSS kept."""
    if len(rounds) == 1:
        return rounds[0]
    first, last = rounds[0], rounds[-1]
    grown = max(rounds, key=lambda r: r.rss_end - r.rss_start)
    converged: dict[str, bool] = {}
    for run in rounds:
        for key, ok in run.converged.items():
            converged[key] = converged.get(key, True) and ok
    return Run(first.server, first.clients, sum(r.duration for r in rounds), first.generator,
               sent=sum(r.sent for r in rounds), complete=sum(r.complete for r in rounds),
               deliveries=sum(r.deliveries for r in rounds),
               latencies=[x for r in rounds for x in r.latencies],
               send_lag=[x for r in rounds for x in r.send_lag],
               window_s=sum(r.window_s for r in rounds), cpu_s=sum(r.cpu_s for r in rounds),
               client_cpu_s=sum(r.client_cpu_s for r in rounds),
               other_cpu_s=sum(r.other_cpu_s for r in rounds),
               peak_rss=max(r.peak_rss for r in rounds), rss_start=grown.rss_start,
               rss_end=grown.rss_end, converged=converged, final_text=last.final_text,
               problems=[p for r in rounds for p in r.problems])


def inserted_ends(update: bytes) -> dict[int, int]:
    """client -> the clock after the last character an update inserts under that client.
    Read off the update's own blocks: decoding a receiver's whole state vector on every
    frame cost the load generator 167 us per frame at N = 50, more than the servers spent."""
    from collab.yjs_positions import blocks_of_update

    return {client: max(b.clock + b.length for b in items)
            for client, blocks in blocks_of_update(update).items()
            if (items := [b for b in blocks if b.kind == "item"])}


async def connect_all(clients) -> None:
    limit = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(client) -> None:
        async with limit:
            await client.connect(timeout=30)

    await asyncio.gather(*(one(client) for client in clients))


async def run_load(urls_and_sessions: list[tuple[str, str | None]], server: h.Server,
                   run: Run) -> None:
    from collab.client import SyncClient

    n = len(urls_and_sessions)
    per_client = int(run.duration * RATE)
    pending: dict[tuple[int, int], Pending] = {}
    clients = [SyncClient(url, session, name=f"editor-{i}")
               for i, (url, session) in enumerate(urls_and_sessions)]
    all_done = asyncio.Event()
    last_delivery = [0.0]

    def receiver(client):
        # What this editor has of each other editor, by clock: the server may relay several
        # keystrokes in one merged frame, so arrivals are read off the blocks it carries
        # (each keystroke inserts one ASCII character: editor e's k-th keystroke has clock
        # k; both servers relay each editor's updates in order, and the client has applied
        # the frame before this runs).
        seen: dict[int, int] = {}
        own_id = client.doc.client_id

        def on_update(update: bytes) -> None:
            now = time.perf_counter()
            for other, clock in inserted_ends(update).items():
                if other == own_id:
                    continue
                for k in range(seen.get(other, 0), clock):
                    entry = pending.get((other, k))
                    if entry is None:
                        continue
                    run.deliveries += 1
                    entry.remaining -= 1
                    if entry.remaining == 0:
                        if entry.timed:
                            run.latencies.append(now - entry.sent)
                        run.complete += 1
                        last_delivery[0] = now
                        del pending[(other, k)]
                        if run.complete == n * per_client:
                            all_done.set()
                seen[other] = max(seen.get(other, 0), clock)
        return on_update

    try:
        await connect_all(clients)
        for client in clients:
            client.on_update = receiver(client)
        await asyncio.sleep(0.5)  # let the joins settle before the clock starts
        before, self_before = server.stats(), h.self_cpu_seconds()
        machine_before = h.machine_busy_seconds()
        run.rss_start = before.rss_bytes
        rng = random.Random(1234)
        start = time.perf_counter() + 0.1

        async def editor(index: int, client: SyncClient) -> None:
            offset = index / (n * RATE)  # spread the N editors over each tick
            for k in range(per_client):
                due = start + offset + k / RATE
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent = time.perf_counter()
                run.send_lag.append(sent - due)
                if n > 1:
                    pending[(client.doc.client_id, k)] = Pending(
                        sent, n - 1, timed=k >= WARMUP_SECONDS * RATE)
                position = rng.randrange(len(client.text) + 1)
                client.insert(position, rng.choice(string.ascii_letters))
                run.sent += 1

        await asyncio.gather(*(editor(i, c) for i, c in enumerate(clients)))
        last_send = time.perf_counter()
        if n > 1:
            try:
                await asyncio.wait_for(all_done.wait(), DRAIN_SECONDS)
            except TimeoutError:
                pass
        after = server.stats()
        run.window_s = max(last_delivery[0], last_send) - start
        run.cpu_s = after.cpu_seconds - before.cpu_seconds
        run.client_cpu_s = h.self_cpu_seconds() - self_before
        run.other_cpu_s = max(0.0, h.machine_busy_seconds() - machine_before - run.cpu_s
                              - run.client_cpu_s)
        run.peak_rss = after.peak_rss_bytes
        run.rss_end = after.rss_bytes
        # Convergence: every editor ends with the same text.
        deadline = time.monotonic() + DRAIN_SECONDS
        while len({c.get_text() for c in clients}) > 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        texts = {c.get_text() for c in clients}
        run.converged["editors"] = len(texts) == 1 and all(c.connected for c in clients)
        run.final_text = clients[0].get_text()
        errors = [e for c in clients for e in c.errors]
        if errors:
            run.problems.append(f"auth messages to clients: {errors[:3]}")
        closed = [c.close_code for c in clients if not c.connected]
        if closed:
            run.problems.append(f"{len(closed)} editor(s) disconnected: codes {closed[:5]}")
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


# --- the Node load generator (bench/sync_load.mjs) ---------------------------------------------

class NodeGenerator:
    """bench/sync_load.mjs as a subprocess, driven line by line over its stdin and stdout
    (the protocol is described at the top of that file)."""

    def __init__(self, urls_and_sessions: list[tuple[str, str | None]], duration: float,
                 log_path: Path) -> None:
        self.config = {
            "editors": [{"url": url, "cookie": f"sessionid={session}" if session else None}
                        for url, session in urls_and_sessions],
            "rate": RATE, "duration": duration, "drain": DRAIN_SECONDS, "seed": 1234,
            "warmup": WARMUP_SECONDS,
        }
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> NodeGenerator:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [h.node_binary(), str(NODE_GENERATOR)], cwd=h.ROOT, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True)
        self.tell(json.dumps(self.config))
        return self

    def __exit__(self, *exc_info) -> None:
        assert self.process is not None
        try:
            if self.process.poll() is None:
                self.tell("close")
                self.read("closed", 15)
                self.process.wait(5)
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                stream.close()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def tell(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def read(self, event: str, timeout: float) -> dict:
        """The next line, which must be ``event``'s JSON object (the generator writes one
        line and then waits for us, so nothing sits unread in the pipe's buffer)."""
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        message = json.loads(line) if line.strip() else {}
        if message.get("event") != event:
            status = "no answer" if not ready else f"got {line[:200]!r}"
            if self.process.poll() is not None:
                status += f", exited with code {self.process.returncode}"
            raise RuntimeError(f"the Node load generator did not report {event!r} "
                               f"({status}):\n{self.log_tail()}")
        return message

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


def run_node_load(urls_and_sessions: list[tuple[str, str | None]], server: h.Server,
                  run: Run, log_dir: Path) -> None:
    """The load from bench/sync_load.mjs; then one fresh Python SyncClient loads the
    document (while the Node editors are still connected): it must hold exactly the
    characters every editor typed, each editor's in that editor's own order (not for the
    floor, which keeps no document: every update reaching everyone is its check)."""
    n = len(urls_and_sessions)
    log_path = log_dir / f"sync-load-{server.name}-{n}.log"
    with NodeGenerator(urls_and_sessions, run.duration, log_path) as generator:
        generator.read("ready", 60 + n)
        before, self_before = server.stats(), h.self_cpu_seconds()
        generator_before = h.proc_stats(generator.pid).cpu_seconds
        machine_before = h.machine_busy_seconds()
        run.rss_start = before.rss_bytes
        generator.tell("go")
        result = generator.read("result", run.duration + DRAIN_SECONDS + 60)
        after = server.stats()
        # The generator's CPU is Node's and this process's own (which only waited).
        run.client_cpu_s = (h.proc_stats(generator.pid).cpu_seconds - generator_before
                            + h.self_cpu_seconds() - self_before)
        run.other_cpu_s = max(0.0, h.machine_busy_seconds() - machine_before
                              - (after.cpu_seconds - before.cpu_seconds) - run.client_cpu_s)
        run.cpu_s = after.cpu_seconds - before.cpu_seconds
        run.peak_rss = after.peak_rss_bytes
        run.rss_end = after.rss_bytes
        run.sent, run.complete = result["sent"], result["complete"]
        run.deliveries, run.window_s = result["deliveries"], result["window_s"]
        run.latencies = [ms / 1000 for ms in result["latencies_ms"]]
        run.send_lag = [ms / 1000 for ms in result["send_lag_ms"]]
        editors = result["editors"]
        url, session = urls_and_sessions[0]
        if server.name == "floor":
            run.converged["every update reached every editor"] = run.lost == 0
        else:
            run.final_text, missing = asyncio.run(fresh_load(url, session, editors))
            run.converged["fresh load holds every keystroke"] = not missing
            run.problems += missing[:3]
        run.converged["editors stayed connected"] = all(e["connected"] for e in editors)
        errors = [error for e in editors for error in e["errors"]]
        if errors:
            run.problems.append(f"errors or auth messages to editors: {errors[:3]}")
        closed = [e["close_code"] for e in editors if not e["connected"]]
        if closed:
            run.problems.append(f"{len(closed)} editor(s) disconnected: codes {closed[:5]}")
    noise = [line for line in generator.log_tail(5).splitlines() if line.strip()]
    if noise:
        run.problems.append(f"the Node load generator wrote to stderr: {noise}")


async def fresh_load(url: str, session: str | None, editors: list[dict]) -> tuple[str, list[str]]:
    """The text a fresh SyncClient loads, and what it lacks of the editors' keystrokes
    (waiting up to DRAIN_SECONDS for it to be complete)."""
    from collab.client import SyncClient

    client = SyncClient(url, session, name="checker")
    await client.connect(timeout=30)
    try:
        deadline = time.monotonic() + DRAIN_SECONDS
        while (missing := keystrokes_missing(client, editors)) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        return client.get_text(), missing
    finally:
        await client.close()


def keystrokes_missing(client, editors: list[dict]) -> list[str]:
    """What ``client``'s text lacks: editor e's k-th keystroke is the character with Yjs id
    (e's client id, k); those characters, in the text's order, must spell what e's own
    document holds (what e typed, where e typed it), and the text must hold nothing else."""
    from collab.yjs_positions import Positions

    text = client.get_text()
    expected = sum(e["sent"] for e in editors)
    if len(text) != expected:
        return [f"the fresh load has {len(text)} characters, the editors typed {expected}"]
    positions = Positions(client.text)
    missing = []
    for e in editors:
        found = [positions.index_of(e["client"], k) for k in range(e["sent"])]
        if None in found:
            missing.append(f"editor {e['client']}: {found.count(None)} of {e['sent']} "
                           f"keystrokes missing from the fresh load")
        elif "".join(text[i] for i in sorted(found)) != e["typed"]:
            missing.append(f"editor {e['client']}: its characters in the fresh load are not "
                           f"what it typed, in its order")
    return missing


def run_load_with(generator: str, urls_and_sessions: list[tuple[str, str | None]],
                  server: h.Server, run: Run, log_dir: Path) -> None:
    if generator == "python":
        asyncio.run(run_load(urls_and_sessions, server, run))
    else:
        run_node_load(urls_and_sessions, server, run, log_dir)


def database_catches_up(canvas_id: str, text: str, within: float = 5.0) -> bool:
    """Whether a fresh load from the database comes to hold ``text`` within ``within``
    seconds. The server relays first and stores right after, in batches up to
    collab.outbox.WRITE_WINDOW_ALONE apart: the last keystrokes can reach the log a tenth
    of a second after the fresh SyncClient has them."""
    from collab.persistence import load_text

    deadline = time.monotonic() + within
    while load_text(canvas_id) != text:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def run_ours(n: int, duration: float, db: h.BenchDatabase, cleanup: h.Cleanup,
             generator: str) -> Run:
    tag = f"{n}-{time.monotonic_ns()}"
    users = [h.make_user(f"editor-{i}-{tag}") for i in range(n)]
    canvas = h.make_canvas(users[0], f"Latency {n}", editors=users[1:])
    sessions = [h.session_id(user) for user in users]
    h.close_db_connections()
    server = cleanup.server(h.OurServer(db.directory, db.url, db.secret_key))
    run = Run("ours", n, duration, generator)
    url = server.sync_url(canvas.id)
    try:
        run_load_with(generator, [(url, session) for session in sessions], server, run,
                      db.directory)
        run.converged["database"] = database_catches_up(str(canvas.id), run.final_text)
        h.close_db_connections()
    finally:
        server.stop()
        run.problems += server.log_problems()
    return run


def run_reference(n: int, duration: float, db: h.BenchDatabase, cleanup: h.Cleanup,
                  generator: str, kind: type[h.ReferenceServer] = h.ReferenceServer) -> Run:
    server = cleanup.server(kind(db.directory))
    run = Run(server.name, n, duration, generator)
    url = server.sync_url(f"latency-{n}")
    try:
        run_load_with(generator, [(url, None)] * n, server, run, db.directory)
    finally:
        server.stop()
        run.problems += server.log_problems()
    return run


def run_floor(n: int, duration: float, db: h.BenchDatabase, cleanup: h.Cleanup,
              generator: str) -> Run:
    return run_reference(n, duration, db, cleanup, generator, h.FloorServer)


# --- output ----------------------------------------------------------------------------------

METRICS = [
    ("latency p50", "ms", lambda r: r.latency_ms(0.50), "{:.1f}"),
    ("latency p95", "ms", lambda r: r.latency_ms(0.95), "{:.1f}"),
    ("latency p99", "ms", lambda r: r.latency_ms(0.99), "{:.1f}"),
    ("latency max", "ms", lambda r: max(r.latencies, default=float("nan")) * 1000, "{:.1f}"),
    ("updates sent", "updates", lambda r: r.sent, "{:,}"),
    ("updates lost (not with everyone)", "updates", lambda r: r.lost, "{:,}"),
    ("updates/s delivered to everyone", "updates/s", lambda r: r.complete / r.window_s,
     "{:,.1f}"),
    ("frames/s delivered to other editors", "frames/s", lambda r: r.deliveries / r.window_s,
     "{:,.0f}"),
    ("server CPU", "s", lambda r: r.cpu_s, "{:.2f}"),
    ("server CPU, share of one core", "%", lambda r: r.cpu_s / r.window_s * 100, "{:.0f}"),
    ("server peak RSS (VmHWM)", "MiB", lambda r: r.peak_rss / 2**20, "{:.1f}"),
    ("server RSS growth during the run", "MiB", lambda r: (r.rss_end - r.rss_start) / 2**20,
     "{:+.1f}"),
    ("client send lag p99 (load generator)", "ms",
     lambda r: h.percentile(r.send_lag, 0.99) * 1000, "{:.1f}"),
    ("load generator CPU, share of one core", "%",
     lambda r: r.client_cpu_s / r.window_s * 100, "{:.0f}"),
    ("other processes' CPU on the machine", "%",
     lambda r: r.other_cpu_s / r.window_s * 100, "{:.0f}"),
]
#: Above this p99 send lag the load generator, not the server, set the pace: say so.
LAG_WARNING_MS = 20.0


def report(runs: list[Run], sizes: list[int], duration: float, note: str,
           generator: str, rounds: dict[tuple[str, int], list[Run]]) -> None:
    print()
    print(f"Sync latency: N editors on one canvas, each inserting 1 character per update at "
          f"{RATE:g} updates/s for {duration:g} s{note}")
    print(f"load generator: {generator} ({GENERATORS[generator]})")
    done = "received" if generator == "node" else "applied"
    print(f"latency = send -> the last of the other N-1 editors has {done} it")
    for n in sizes:
        by_server = {r.server: r for r in runs if r.clients == n}
        ours, reference = by_server.get("ours"), by_server.get("reference")
        floor = by_server.get("floor")
        print()
        print(f"N = {n} editors ({n * RATE:g} updates/s offered, "
              f"{n * (n - 1) * RATE:g} frames/s to fan out to the others)")
        rows = []
        for label, unit, get, fmt in METRICS:
            def cell(run: Run | None, get=get, fmt=fmt) -> str:
                return "-" if run is None else fmt.format(get(run))

            comparable = ours and reference and not label.startswith("other processes")
            rows.append([label, unit, cell(ours), cell(reference), cell(floor),
                         h.ratio(get(ours), get(reference)) if comparable else "n/a"])
        h.print_table(["metric", "unit", "ours", "reference", "floor", "ours/ref"], rows)
        if floor is not None:
            for run in (ours, reference):
                if run is not None:
                    print(f"  {run.server} above the floor, ms: " + ", ".join(
                        f"p{round(q * 100)} {run.latency_ms(q) - floor.latency_ms(q):+.1f}"
                        for q in (0.5, 0.95, 0.99)))
        for server in ("ours", "reference", "floor"):
            each = rounds.get((server, n), [])
            if len(each) > 1:
                p99s = ", ".join(f"{r.latency_ms(0.99):.1f}" for r in each)
                print(f"  {server}: p99 of each round, ms: {p99s}")
    print()
    print(f"The machine has {os.cpu_count()} cores; 'other processes' is CPU used by "
          f"neither the server nor the load generator during the run (100% = one core).")
    print("floor: bench/relay_floor.mjs forwards each update to the room's sockets as it "
          "came and keeps no document: what the sockets, the kernel and the load generator "
          "cost here; no sync server that writes each update to each socket is faster.")
    for run in runs:
        lag = h.percentile(run.send_lag, 0.99) * 1000
        if lag > LAG_WARNING_MS:
            print(f"WARNING {run.server} N={run.clients}: the load generator sent up to "
                  f"{lag:.0f} ms late (p99), so this row's latencies include client-side "
                  f"stalls (other processes' CPU: {run.other_cpu_s / run.window_s * 100:.0f}% "
                  f"of a core)")
    for run in runs:
        what = "same final text" if run.generator == "python" else "final text"
        h.print_outcome(f"{run.server} N={run.clients}", what, run.converged,
                        run.problems, shown=4)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0,
                        help="seconds each load runs (default 30)")
    parser.add_argument("--clients", default="2,10,50",
                        help="comma-separated editor counts (default 2,10,50)")
    parser.add_argument("--only", choices=["ours", "reference", "floor"], default=None)
    parser.add_argument("--no-floor", action="store_true",
                        help="leave out the floor (bench/relay_floor.mjs, a bare relay)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds per N, the servers taking turns (first ours, then the "
                             "reference first, ...) so drift on the machine hits all; the "
                             "table pools every round's samples (default 1)")
    parser.add_argument("--generator", choices=sorted(GENERATORS), default="node",
                        help="the load generator: node (bench/sync_load.mjs, default) or "
                             "python (SyncClients in this process, saturated at N = 50)")
    args = parser.parse_args()
    sizes = [int(part) for part in args.clients.split(",") if part.strip()]
    note = "" if args.duration == 30 else " (shortened from the default 30 s by --duration)"

    h.ensure_reference_installed()
    servers = {"ours": run_ours, "reference": run_reference, "floor": run_floor}
    if args.only:
        servers = {args.only: servers[args.only]}
    elif args.no_floor:
        del servers["floor"]
    rounds: dict[tuple[str, int], list[Run]] = {}
    with h.temporary_directory() as tmp, h.Cleanup() as cleanup:
        db = h.setup_django(Path(tmp))
        for n in sizes:
            for number in range(max(1, args.repeat)):
                # Taking turns, so drift on the machine hits every server alike.
                shift = number % len(servers)
                order = list(servers)[shift:] + list(servers)[:shift]
                for server in order:
                    print(f"N={n}: {server} (round {number + 1}) ...", flush=True)
                    rounds.setdefault((server, n), []).append(
                        servers[server](n, args.duration, db, cleanup, args.generator))
        runs = [pooled(each) for each in rounds.values()]
        if args.repeat > 1:
            note += f", {args.repeat} rounds each, pooled"
        report(runs, sizes, args.duration, note, args.generator, rounds)
    failed = [f"{r.server} N={r.clients}" for r in runs
              if not r.converged or not all(r.converged.values())]
    if failed:
        print(f"FAILED: the editors did not converge on {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the servers were stopped on the way out
        print("interrupted", file=sys.stderr)
        sys.exit(130)
