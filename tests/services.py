"""Throw-away PostgreSQL and Redis servers for the integration tests.

``python -m tests.services -- CMD ...`` starts both on free loopback ports in a temporary
folder, runs CMD with ``DATABASE_URL`` and ``REDIS_URL`` pointing at them, then stops them.
When a server is not installed it says so and runs nothing (``.ci/run`` installs both).
The context managers are also used directly by tests that need a server of their own.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def postgres_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def redis_binary() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None)


class PostgresServer:
    """A fresh PostgreSQL cluster in a temporary folder (database ``canvas``, user ``canvas``).

    Besides start and stop it can be taken down and brought back on the same port and data,
    so fault tests can make it refuse connections for a while, as a restart does.
    """

    def __init__(self) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (Debian package: postgresql)")
        self.bindir = bindir
        # PostgreSQL refuses to run as root: run it as the 'postgres' system user then.
        self.user = "postgres" if os.geteuid() == 0 else None
        self.tmp = Path(tempfile.mkdtemp(prefix="canvas-pg-"))
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.tmp, entry.pw_uid, entry.pw_gid)
        self.data, self.port = self.tmp / "data", free_port()
        self.url = f"postgres://canvas@127.0.0.1:{self.port}/canvas"

    def _run(self, *args: object, check: bool = True) -> None:
        subprocess.run([*args], user=self.user, check=check, stdout=subprocess.DEVNULL,
                       stderr=None if check else subprocess.DEVNULL, cwd=self.tmp)

    def create(self) -> PostgresServer:
        self._run(self.bindir / "initdb", "-D", self.data, "-U", "canvas", "--auth=trust",
                  "-E", "UTF8", "--no-sync", "--locale=C")
        self.start()
        self._run(self.bindir / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "canvas", "canvas")
        return self

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-o", options, "-l",
                  self.tmp / "log", "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every session and refuses new ones; ``immediate`` is a crash."""
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop",
                  check=False)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.tmp, ignore_errors=True)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A fresh PostgreSQL cluster; yields its URL (database ``canvas``, user ``canvas``)."""
    server = PostgresServer()
    try:
        yield server.create().url
    finally:
        server.destroy()


class RedisServer:
    """A memory-only Redis on a free port, which can be killed and started again there."""

    def __init__(self) -> None:
        binary = redis_binary()
        if binary is None:
            raise RuntimeError("Redis is not installed (Debian package: redis-server)")
        self.binary, self.port = binary, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def stop(self, kill: bool = False) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        if kill:
            process.kill()
        else:
            process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A fresh, memory-only Redis; yields its URL."""
    server = RedisServer()
    try:
        yield server.start().url
    finally:
        server.stop()


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    if not argv:
        print("usage: python -m tests.services -- CMD ...", file=sys.stderr)
        return 2
    missing = [name for name, found in (("PostgreSQL", postgres_bindir()),
                                        ("Redis", redis_binary())) if not found]
    if missing:
        print(f"integration tests skipped: {' and '.join(missing)} not installed "
              "(.ci/run installs them with apt-get)")
        return 0
    with postgres_server() as database_url, redis_server() as redis_url:
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url}
        print(f"integration services: {database_url} and {redis_url}", flush=True)
        return subprocess.call(argv, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
