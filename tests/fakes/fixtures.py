"""Pytest fixtures for the fake OpenAI server.

Loaded by the suite via ``pytest_plugins = ["tests.fakes.fixtures"]`` so every
test can ask for ``fake_openai`` without importing anything.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeOpenAI

TEST_API_KEY = "test-key"


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """A running :class:`FakeOpenAI`, with the openai env vars pointing at it.

    ``OPENAI_BASE_URL``/``OPENAI_API_KEY`` are set so that code building its
    own ``openai.OpenAI()`` client talks to the fake, never the real API.
    The server is stopped (cutting any slow stream) when the test ends.
    """
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", TEST_API_KEY)
        yield fake
