"""Fixtures for the eval harness: the shipped cases, and running them against scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from canvas.evals.cases import Case, load_cases
from canvas.evals.replay import ScriptedModel
from canvas.evals.run import CaseRun, run_cases

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "evals" / "cases"
RECORDINGS = ROOT / "evals" / "recordings" / "reference"


@pytest.fixture(autouse=True)
def _finish_eager_turns():
    yield
    from canvas.tasks import wait_for_eager_tasks

    wait_for_eager_tasks()


@pytest.fixture(scope="session")
def shipped_cases() -> list[Case]:
    return load_cases(CASES)


def by_id(cases: list[Case], *ids: str) -> list[Case]:
    found = {case.id: case for case in cases}
    return [found[i] for i in ids]


def run_scripted(cases: list[Case], answers, **options) -> list[CaseRun]:
    """Run ``cases`` in the test database against the fake server answering ``answers``."""
    with ScriptedModel(answers, model=options.pop("model", "scripted")) as model:
        return run_cases(cases, model.endpoint(), **options)
