"""A throw-away database for an eval run: made and migrated before, dropped after.

It is Django's test database (``test_<name>``; SQLite: in memory), so an eval never touches
the canvases people use, whatever ``DATABASE_URL`` points at.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.test.utils import setup_databases, teardown_databases


@contextmanager
def throwaway_database() -> Iterator[None]:
    old = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        yield
    finally:
        teardown_databases(old, verbosity=0)
