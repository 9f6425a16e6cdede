"""The production stack of a stress run, and the faults it can suffer.

Two ASGI processes (uvicorn), one Celery worker, PostgreSQL and Redis (tests.services), the
fake model. Each fault is the real thing: SIGKILL for a process, restarted on the same port
after FAULT_SECONDS as a supervisor would; PostgreSQL is shut down (``pg_ctl stop -m
fast``: every open session ends and new ones are refused, ECONNREFUSED) and started again,
which is what a restart or failover looks like to the app. SIGSTOP would only make it hang,
which tests timeouts rather than refusals.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench._harness import proc_stats
from tests.conftest import AsgiServer, CeleryWorker
from tests.fakes.openai_server import FakeOpenAI
from tests.services import PostgresServer, RedisServer

FAULT_SECONDS = 5.0
#: Log lines that are not problems: deprecation notices of libraries, Celery's warning that
#: it runs as root (this machine's only user).
KNOWN_NOISE = ("DeprecationWarning", "warnings.warn(", "SecurityWarning",
               "_warn_or_raise_security_error")


class Stack:
    def __init__(self, log_dir: Path, postgres: PostgresServer, redis: RedisServer,
                 model: FakeOpenAI, **extra_env: str) -> None:
        self.postgres, self.redis, self.model = postgres, redis, model
        env = {"REDIS_URL": redis.url, "OPENAI_BASE_URL": model.base_url,
               "OPENAI_API_KEY": "test-key", "CANVAS_MODEL": "fake-model",
               "CANVAS_TURN_STALE_AFTER": "10", "CANVAS_MODEL_TIMEOUT": "5",
               "CANVAS_MODEL_RETRIES": "2", **extra_env}
        self.asgi = [AsgiServer(log_dir, env), AsgiServer(log_dir, env)]
        self.worker = CeleryWorker(log_dir / "worker.log", env)
        self.log_marks: dict[Path, int] = {}

    def start(self) -> Stack:
        for server in self.asgi:
            server.start()
        self.worker.start()
        return self

    def stop(self) -> None:
        for server in self.asgi:
            server.stop()
        self.worker.stop()

    # --- what the processes use -------------------------------------------------------------

    def processes(self) -> dict[str, int]:
        """Name -> pid of the app's server processes (those whose memory should stay flat)."""
        found = {f"asgi-{i + 1}": s.process.pid for i, s in enumerate(self.asgi)
                 if s.process and s.process.poll() is None}
        if self.worker.process and self.worker.process.poll() is None:
            found["celery"] = self.worker.process.pid
        return found

    def rss(self) -> dict[str, int]:
        return {name: proc_stats(pid).rss_bytes for name, pid in self.processes().items()}

    def cpu_seconds(self) -> float:
        return sum(proc_stats(pid).cpu_seconds for pid in self.processes().values())

    def log_problems(self) -> list[str]:
        """Error lines the processes logged (tracebacks, errors, warnings) since the last call."""
        problems = []
        for path in [s.log_path for s in self.asgi] + [self.worker.log_path]:
            if not path.exists():
                continue
            lines = path.read_text(errors="replace").splitlines()
            start, self.log_marks[path] = self.log_marks.get(path, 0), len(lines)
            problems += [f"{path.name}: {line}" for line in lines[start:]
                         if any(k in line.lower() for k in ("error", "traceback", "warning",
                                                            "exception", "critical"))
                         and not any(noise in line for noise in KNOWN_NOISE)]
        return problems

    # --- faults: each returns when the service is back ---------------------------------------

    def kill_asgi(self, index: int = 0) -> None:
        server = self.asgi[index]
        server.stop(kill=True)
        time.sleep(FAULT_SECONDS)
        server.start()

    def kill_worker(self) -> None:
        self.worker.process.kill()
        self.worker.process.wait()
        time.sleep(FAULT_SECONDS)
        self.worker.start()

    def kill_redis(self) -> None:
        self.redis.stop(kill=True)
        time.sleep(FAULT_SECONDS)
        self.redis.start()

    def postgres_outage(self) -> None:
        self.postgres.stop("fast")
        time.sleep(FAULT_SECONDS)
        self.postgres.start()
