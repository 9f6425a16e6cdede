"""Keystroke latency under load: N editors typing on one canvas, ours against the reference.

What it measures
    N simulated editors (default N = 2, 10, 50) share one document. Each sends keystroke-
    sized updates, one inserted character per update, at 5 updates per second for D seconds
    (default 30). For every update it takes the time from the send to the moment the LAST of
    the other N-1 editors has received and applied it ("everyone has it"), and prints:

    - latency p50 / p95 / p99 / max in milliseconds;
    - updates/s delivered to everyone, and frames/s delivered to the other editors;
    - updates lost (not with everyone 10 s after the last send);
    - server CPU seconds during the run (utime + stime from /proc/<pid>/stat) and as a share
      of one core, and the server's peak RSS (VmHWM from /proc/<pid>/status);
    - how late the client process sent against its schedule (p99 send lag), its own CPU,
      and the CPU that other processes on the machine used meanwhile (/proc/stat), so a
      saturated load generator or a busy machine is visible rather than blamed on a server
      (a warning is printed when the client sent more than 20 ms late);

    for our server and for the reference y-websocket server, with the ratio ours/reference.
    At the end it checks that every editor (and, for ours, a fresh load from the database)
    holds the same text, and exits 1 if not.

How
    Each (server, N) pair gets a fresh server process, so peak RSS belongs to that load:

    - ours: uvicorn canvas.asgi:application (as `make run`) on a temporary SQLite database,
      a canvas with one owner and N-1 editors, each editor with its own session cookie;
    - reference: y-websocket 1.5.4 bin/server.js on Node (bench/reference), in memory.

    All N editors are collab.client.SyncClient instances in this one asyncio process (the
    same client for both servers; it speaks plain y-websocket). Their sends are spread evenly
    over each 200 ms tick. An update is identified by (client id, clock), read from the blocks
    of the Y updates every receiver gets: an editor's k-th one-character insert has clock k.
    Both servers echo each update to its sender as well; the echo is not counted.

Run: .venv/bin/python bench/sync_latency.py [--duration S] [--clients 2,10,50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import string
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h  # noqa: E402

RATE = 5.0  # updates per second per editor
DRAIN_SECONDS = 10.0  # how long after the last send an update may still arrive
CONNECT_CONCURRENCY = 10


@dataclass
class Pending:
    sent: float
    remaining: int


@dataclass
class Run:
    server: str
    clients: int
    duration: float
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
                    pending[(client.doc.client_id, k)] = Pending(sent, n - 1)
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


def run_ours(n: int, duration: float, db: h.BenchDatabase, cleanup: h.Cleanup) -> Run:
    from collab.persistence import load_text

    tag = f"{n}-{time.monotonic_ns()}"
    users = [h.make_user(f"editor-{i}-{tag}") for i in range(n)]
    canvas = h.make_canvas(users[0], f"Latency {n}", editors=users[1:])
    sessions = [h.session_id(user) for user in users]
    h.close_db_connections()
    server = cleanup.server(h.OurServer(db.directory, db.url, db.secret_key))
    run = Run("ours", n, duration)
    url = server.sync_url(canvas.id)
    try:
        asyncio.run(run_load([(url, session) for session in sessions], server, run))
        run.converged["database"] = load_text(str(canvas.id)) == run.final_text
        h.close_db_connections()
    finally:
        server.stop()
        run.problems += server.log_problems()
    return run


def run_reference(n: int, duration: float, db: h.BenchDatabase, cleanup: h.Cleanup) -> Run:
    server = cleanup.server(h.ReferenceServer(db.directory))
    run = Run("reference", n, duration)
    url = server.sync_url(f"latency-{n}")
    try:
        asyncio.run(run_load([(url, None)] * n, server, run))
    finally:
        server.stop()
        run.problems += server.log_problems()
    return run


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
    ("client process CPU, share of one core", "%",
     lambda r: r.client_cpu_s / r.window_s * 100, "{:.0f}"),
    ("other processes' CPU on the machine", "%",
     lambda r: r.other_cpu_s / r.window_s * 100, "{:.0f}"),
]
#: Above this p99 send lag the load generator, not the server, set the pace: say so.
LAG_WARNING_MS = 20.0


def report(runs: list[Run], sizes: list[int], duration: float, note: str) -> None:
    print()
    print(f"Sync latency: N editors on one canvas, each inserting 1 character per update at "
          f"{RATE:g} updates/s for {duration:g} s{note}")
    print("latency = send -> the last of the other N-1 editors has applied it "
          "(one asyncio client process, SyncClient)")
    for n in sizes:
        by_server = {r.server: r for r in runs if r.clients == n}
        ours, reference = by_server.get("ours"), by_server.get("reference")
        print()
        print(f"N = {n} editors ({n * RATE:g} updates/s offered, "
              f"{n * (n - 1) * RATE:g} frames/s to fan out to the others)")
        rows = []
        for label, unit, get, fmt in METRICS:
            def cell(run: Run | None, get=get, fmt=fmt) -> str:
                return "-" if run is None else fmt.format(get(run))

            comparable = ours and reference and not label.startswith("other processes")
            rows.append([label, unit, cell(ours), cell(reference),
                         h.ratio(get(ours), get(reference)) if comparable else "n/a"])
        h.print_table(["metric", "unit", "ours", "reference", "ours/ref"], rows)
    print()
    print(f"The machine has {os.cpu_count()} cores; 'other processes' is CPU used by "
          f"neither the server nor the client during the run (100% = one core).")
    for run in runs:
        lag = h.percentile(run.send_lag, 0.99) * 1000
        if lag > LAG_WARNING_MS:
            print(f"WARNING {run.server} N={run.clients}: the client process sent up to "
                  f"{lag:.0f} ms late (p99), so this row's latencies include client-side "
                  f"stalls (other processes' CPU: {run.other_cpu_s / run.window_s * 100:.0f}% "
                  f"of a core)")
    for run in runs:
        h.print_outcome(f"{run.server} N={run.clients}", "same final text", run.converged,
                        run.problems, shown=4)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0,
                        help="seconds each load runs (default 30)")
    parser.add_argument("--clients", default="2,10,50",
                        help="comma-separated editor counts (default 2,10,50)")
    parser.add_argument("--only", choices=["ours", "reference"], default=None)
    args = parser.parse_args()
    sizes = [int(part) for part in args.clients.split(",") if part.strip()]
    note = "" if args.duration == 30 else " (shortened from the default 30 s by --duration)"

    h.ensure_reference_installed()
    runs: list[Run] = []
    with h.temporary_directory() as tmp, h.Cleanup() as cleanup:
        db = h.setup_django(Path(tmp))
        for n in sizes:
            if args.only in (None, "ours"):
                print(f"N={n}: ours ...", flush=True)
                runs.append(run_ours(n, args.duration, db, cleanup))
            if args.only in (None, "reference"):
                print(f"N={n}: reference ...", flush=True)
                runs.append(run_reference(n, args.duration, db, cleanup))
        report(runs, sizes, args.duration, note)
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
