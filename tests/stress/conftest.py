"""The stress suite's services: its own PostgreSQL and Redis, which its faults take down.

The test database lives on that PostgreSQL (pytest-django's hook for changing the
database settings before the test database is made), so the stack's processes and the
test share it, and stopping it stops the database they all use.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.services import PostgresServer, RedisServer
from tests.stress import report


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Ten-minute runs only when asked for (`make stress`, or `-m stress`)."""
    if "stress" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="stress runs only with -m stress (make stress)")
    for item in items:
        if item.get_closest_marker("stress"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter) -> None:
    if report.ROWS:
        terminalreporter.section("stress summary")
        for line in report.render().splitlines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def stress_services() -> Iterator[tuple[PostgresServer, RedisServer]]:
    postgres = PostgresServer().create()
    redis = RedisServer()
    try:
        yield postgres, redis.start()
    finally:
        redis.stop()
        postgres.destroy()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(stress_services) -> None:
    import dj_database_url
    from django.conf import settings
    from django.db import connections

    postgres, _ = stress_services
    database = settings.DATABASES["default"]
    database.update(dj_database_url.parse(postgres.url, conn_max_age=0,
                                          conn_health_checks=True))
    database["OPTIONS"] = {}
    connections["default"].close()
    del connections["default"]  # the next use connects with the new settings
