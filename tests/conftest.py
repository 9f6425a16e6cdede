"""Fixtures shared by the whole suite: a live ASGI server, real Chromium, users."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from canvas.serving import uvicorn_command
from tests.services import free_port, wait_for_port

pytest_plugins = ["tests.fakes.fixtures", "tests.browser_helpers"]

ROOT = Path(__file__).resolve().parent.parent
# Playwright's sync API runs an event loop in the test thread; the ORM calls that tests
# make beside it are still plain synchronous calls, so Django's guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage",
]
PASSWORD = "correct-horse-battery-staple"


def pytest_collection_modifyitems(config, items) -> None:
    """Run browser tests last: Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session, and asyncio tests cannot start beside it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the SQLite test database in a file, so server processes can share it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> Iterator[None]:
    """pytest-django's, and before it drops the test database: close the connection that
    asgiref's sync_to_async thread opened for an async test. PostgreSQL refuses to drop a
    database someone is still connected to (a warning at the end of every run)."""
    yield
    from asgiref.sync import sync_to_async
    from django.db import connections

    with django_db_blocker.unblock():
        # With no outer sync thread, sync_to_async runs in that same single thread.
        asyncio.run(sync_to_async(connections.close_all)())


def database_url() -> str:
    """A URL for the database the tests run on (the test database), for child processes."""
    from django.db import connection

    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return (f"postgres://{user}{password}@{params.get('HOST') or '127.0.0.1'}:"
            f"{params.get('PORT') or 5432}/{params['NAME']}")


class AsgiServer:
    """A real uvicorn process serving the app on a free port, as `make run` does."""

    def __init__(self, log_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        from django.conf import settings

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"asgi-{self.port}.log"
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
        self.env = {**inherited, "DATABASE_URL": database_url(),
                    "SECRET_KEY": settings.SECRET_KEY, "PYTHONUNBUFFERED": "1",
                    **(extra_env or {})}
        self.process: subprocess.Popen | None = None

    def start(self) -> AsgiServer:
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            uvicorn_command(sys.executable, self.port,
                            os.environ.get("ASGI_LOG_LEVEL", "warning")),
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, timeout=30)
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"server did not start:\n{self.log_path.read_text()}") from None
        return self

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class CeleryWorker:
    """A real `celery worker` process (one turn at a time), as production runs them."""

    def __init__(self, log_path: Path, extra_env: dict[str, str] | None = None) -> None:
        from django.conf import settings

        self.log_path = log_path
        self.env = {**os.environ, **(extra_env or {}), "DATABASE_URL": database_url(),
                    "SECRET_KEY": settings.SECRET_KEY}
        self.process: subprocess.Popen | None = None

    def start(self) -> CeleryWorker:
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "canvas", "worker", "--pool=solo",
             "--concurrency=1", "--loglevel=warning", "--without-heartbeat", "--without-gossip",
             "--without-mingle"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        log.close()
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of one uvicorn process shared by the tests of a session."""
    server = AsgiServer(tmp_path_factory.mktemp("asgi")).start()
    yield server.url
    server.stop()


@pytest.fixture
def asgi_server_factory(django_db_setup, tmp_path: Path) -> Iterator[Callable[..., AsgiServer]]:
    """Start extra server processes for a test (restarts, several processes)."""
    servers: list[AsgiServer] = []

    def start(**extra_env: str) -> AsgiServer:
        server = AsgiServer(tmp_path, extra_env).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server_url: str):
    """Make browser contexts (separate cookie jars: separate people); closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server_url,
                                      viewport=options.pop("viewport", {"width": 1280,
                                                                         "height": 800}),
                                      **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, password: str = PASSWORD):
        return django_user_model.objects.create_user(username=username, password=password)

    return make


def login_context(context, user, base_url: str) -> None:
    """Put a real session cookie for ``user`` into a browser context (skips the log-in form)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": base_url}])


def wait_until(predicate: Callable[[], object], timeout: float = 10.0,
               interval: float = 0.05, message: str = "condition") -> object:
    """Poll ``predicate`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Users made by tests hash quickly; servers started by tests keep the real hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def wait_htmx_idle(page) -> None:
    """Wait until htmx has no request, swap or settle in progress on the page."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


class LoopThread:
    """An asyncio loop in a background thread, for async clients inside sync (browser) tests."""

    def __init__(self) -> None:
        import asyncio
        import threading

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout: float = 60):
        import asyncio

        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def loop_thread() -> Iterator[LoopThread]:
    runner = LoopThread()
    yield runner
    runner.stop()


# --- a canvas with one member of each role (sync, assistant and integration tests) --------


@dataclass
class Cast:
    canvas: object
    owner: object
    editor: object
    viewer: object
    stranger: object
    commenter: object
    sessions: dict

    def url(self, base_url: str) -> str:
        from tests.sync.helpers import sync_url

        return sync_url(base_url, self.canvas.id)


@pytest.fixture
def cast(make_user) -> Cast:
    from canvas.models import Membership, Role
    from canvas.services import create_canvas
    from tests.sync.helpers import session_id

    owner, editor, viewer, stranger, commenter = (
        make_user(n) for n in ("owner", "editor", "viewer", "stranger", "commenter"))
    canvas = create_canvas(owner, "Sync test", "document")
    Membership.objects.create(canvas=canvas, user=editor, role=Role.EDITOR)
    Membership.objects.create(canvas=canvas, user=viewer, role=Role.VIEWER)
    Membership.objects.create(canvas=canvas, user=commenter, role=Role.COMMENTER)
    sessions = {name: session_id(user) for name, user in
                (("owner", owner), ("editor", editor), ("viewer", viewer),
                 ("stranger", stranger), ("commenter", commenter))}
    return Cast(canvas, owner, editor, viewer, stranger, commenter, sessions)
