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


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A fresh PostgreSQL cluster; yields its URL (database ``canvas``, user ``canvas``)."""
    bindir = postgres_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian package: postgresql)")
    # PostgreSQL refuses to run as root: run it as the 'postgres' system user then.
    user = "postgres" if os.geteuid() == 0 else None
    tmp = Path(tempfile.mkdtemp(prefix="canvas-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(tmp, entry.pw_uid, entry.pw_gid)
    data, port = tmp / "data", free_port()
    run = {"user": user, "check": True, "stdout": subprocess.DEVNULL, "cwd": tmp}
    try:
        subprocess.run([bindir / "initdb", "-D", data, "-U", "canvas", "--auth=trust",
                        "-E", "UTF8", "--no-sync", "--locale=C"], **run)
        options = (f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        subprocess.run([bindir / "pg_ctl", "-D", data, "-o", options, "-l", tmp / "log",
                        "-w", "-t", "60", "start"], **run)
        subprocess.run([bindir / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "canvas",
                        "canvas"], **run)
        yield f"postgres://canvas@127.0.0.1:{port}/canvas"
    finally:
        subprocess.run([bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
                       user=user, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd=tmp)
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A fresh, memory-only Redis; yields its URL."""
    binary = redis_binary()
    if binary is None:
        raise RuntimeError("Redis is not installed (Debian package: redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


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
