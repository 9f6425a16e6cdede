"""Record then replay gives the same scores; the shipped recordings replay offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from canvas.evals import report
from canvas.evals.replay import Recordings, reference_answers
from canvas.evals.run import CaseRun
from tests.evals.conftest import CASES, RECORDINGS, ROOT, by_id, run_scripted
from tests.evals.test_scoring import SABOTAGE, bad_answers

pytestmark = pytest.mark.django_db(transaction=True)


def _mixed(case, repetition):
    """Good on even repetitions, bad on odd ones (for the sabotaged cases)."""
    if repetition % 2 and case.id in SABOTAGE:
        return bad_answers(case, repetition)
    return reference_answers(case, repetition)


def _outcomes(runs: list[CaseRun]) -> list[tuple]:
    return [(r.case.id, r.repetition, r.passed, r.chosen, r.action, r.status,
             sorted(c.name for c in r.scored.failures()), r.after, r.prompt_tokens,
             r.completion_tokens) for r in runs]


def test_record_then_replay_gives_the_same_scores(shipped_cases, tmp_path):
    cases = by_id(shipped_cases, "md-typo-title", "md-date-change", "q-md-how-many-items",
                  "ppl-two-people-edits", "rv-md-feedback")
    recordings = Recordings(tmp_path / "rec")
    recorded = run_scripted(cases, _mixed, repeat=2,
                            on_run=lambda run: recordings.save(run, "mixed", "v1"))
    replayed = run_scripted(cases, recordings.answers, repeat=2)
    assert _outcomes(replayed) == _outcomes(recorded)
    before = report.build(recorded, {"model": "mixed"})["summary"]
    after = report.build(replayed, {"model": "mixed"})["summary"]
    for key in ("score", "action_accuracy", "confusion", "placement", "keep_violations",
                "people_survived", "prompt_tokens", "completion_tokens"):
        assert after[key] == before[key], key
    assert 0 < before["score"] < 1  # both good and bad runs were recorded


def test_make_test_replays_the_shipped_recordings(shipped_cases, tmp_path, capsys):
    """Every shipped case has a recording, and every recording still passes."""
    recorded = {p.stem for p in RECORDINGS.glob("*.json")}
    assert {c.id for c in shipped_cases} <= recorded
    call_command("canvas_eval", "--cases", str(CASES), "--replay", str(RECORDINGS),
                 "--report", str(tmp_path), "--keep-database")
    saved = json.loads(next(tmp_path.glob("*.json")).read_text())
    failures = [(r["case"], [c["detail"] for c in r["checks"] if c["passed"] is False],
                 r["harness_error"]) for r in saved["runs"] if not r["passed"]]
    assert failures == []
    assert saved["summary"]["scored"] == len(shipped_cases)
    assert "score" in capsys.readouterr().out


def test_the_command_runs_on_a_throwaway_database(tmp_path):
    """Without --keep-database the command makes and drops its own database: the one
    DATABASE_URL names is never touched (here it does not even exist)."""
    database = tmp_path / "never-made.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    done = subprocess.run(
        [sys.executable, "manage.py", "canvas_eval", "--replay", str(RECORDINGS),
         "--only", "md-typo-title", "--report", str(tmp_path / "reports")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "score 1/1" in done.stdout
    assert not database.exists()
    assert len(list((tmp_path / "reports").glob("*.md"))) == 1


def test_compare_names_what_got_better_and_worse(shipped_cases, tmp_path):
    cases = by_id(shipped_cases, "md-typo-title", "md-date-change")
    good = report.build(run_scripted(cases, reference_answers), {"model": "good"})
    bad = report.build(run_scripted(cases, bad_answers), {"model": "bad"})
    text = report.compare(good, bad)
    assert "worse (2): md-date-change, md-typo-title" in text
    assert "better (0)" in text
    assert "better (2)" in report.compare(bad, good)
