"""A good and a bad scripted model on the fake server: the harness scores the good one at
100 %, the bad one low, and names each of the bad one's failures (it measures)."""

from __future__ import annotations

import json

import pytest

from canvas.evals import report
from canvas.evals.cases import Case
from canvas.evals.replay import reference_answers
from tests.evals.conftest import by_id, run_scripted

pytestmark = pytest.mark.django_db(transaction=True)

#: One case of each kind the good model must get right.
SAMPLE = ("md-typo-title", "md-translate-french", "q-md-how-many-items", "rv-md-feedback",
          "amb-which-date", "sel-md-formal", "dup-rename-substring-python",
          "ppl-other-paragraph-typing", "sc-port-python-to-js", "js-button-label",
          "md-typo-crlf", "ppl-deleted-passage-dropped")


def _length_of_lorem(case: Case) -> str:
    """A whole new text as long as the canvas (so it is not held back as destructive)."""
    unit = "Lorem ipsum dolor sit amet. "
    return (unit * (len(case.canvas) // len(unit) + 1))[:max(len(case.canvas), len(unit))]


#: How the bad model spoils each case, and the checks that must then fail.
SABOTAGE = {
    "md-typo-title": ("reply", {"action", "match"}),
    "rv-md-feedback": ("reply", {"action", "comment"}),
    "md-date-change": ("misquote", {"placement", "match"}),
    "py-off-by-one": ("misquote", {"placement", "match"}),
    "md-one-sentence-clearer": ("rewrite_all", {"action", "keep"}),
    "q-md-how-many-items": ("rewrite_all", {"action", "max_changed"}),
    "sel-md-formal": ("rewrite_all", {"action", "placement"}),
}


def bad_answers(case: Case, repetition: int) -> list[dict]:
    how, _ = SABOTAGE[case.id]
    if how == "reply":
        return [{"text": "Sure, all done!"}]
    if how == "misquote":
        return [{"calls": [{"edit_canvas": {"edits": [
            {"find": "A sentence this canvas never had.", "replace": "Anything."}]}}]}]
    return [{"calls": [{"rewrite_canvas": {"content": _length_of_lorem(case)}}]}]


def test_the_good_model_scores_every_case(shipped_cases):
    runs = run_scripted(by_id(shipped_cases, *SAMPLE), reference_answers)
    summary = report.build(runs, {"model": "good"})["summary"]
    assert [r.case.id for r in runs if not r.passed] == []
    assert summary["score"] == 1.0 and summary["action_accuracy"] == 1.0
    assert summary["keep_violations"] == 0
    assert summary["people_survived"] == summary["people_chars"] > 0
    assert summary["placement"]["dropped"] >= 1  # a person deleted what it edited: refused


def test_the_bad_model_scores_low_and_each_failure_is_named(shipped_cases, tmp_path):
    cases = by_id(shipped_cases, *SABOTAGE)
    runs = run_scripted(cases, bad_answers, model="bad")
    result = report.build(runs, {"model": "bad", "label": "bad"})
    assert result["summary"]["score"] <= 0.2
    json_path, md_path = report.write(result, tmp_path)
    saved = json.loads(json_path.read_text())
    markdown = md_path.read_text()
    for entry in saved["runs"]:
        how, must_fail = SABOTAGE[entry["case"]]
        failed = {c["name"] for c in entry["checks"] if c["passed"] is False}
        assert must_fail <= failed, (entry["case"], how, failed)
        section = markdown.split(f"### {entry['case']} ")[1].split("\n### ")[0]
        for name in must_fail:
            assert f"**{name}**" in section, (entry["case"], name)
        # Each failure shows what happened to the text: its diff, or that it did not change.
        assert ("```diff" in section) != ("the text did not change" in section)
    keep_cases = [c for c in cases if SABOTAGE[c.id][0] == "rewrite_all" and c.expect.keep
                  and not c.selection]
    assert result["summary"]["keep_violations"] >= len(keep_cases) > 0
    chosen = {e["case"]: e["chosen"] for e in saved["runs"]}
    assert chosen["md-typo-title"] == "reply" and chosen["q-md-how-many-items"] == "rewrite"
    assert result["summary"]["confusion"]["reply"]["rewrite"] == 1


def test_a_must_keep_violation_fails_the_case_whatever_else_holds(shipped_cases):
    case = by_id(shipped_cases, "md-one-sentence-clearer")[0]
    reference = case.reference[0]["calls"][0]["edit_canvas"]["edits"][0]
    # The right edit, and one more that damages a passage that must stay.
    answers = [{"calls": [{"edit_canvas": {"edits": [
        reference, {"find": "Lunch is at noon", "replace": "Lunch is at one"}]}}]}]
    run = run_scripted([case], lambda c, r: answers)[0]
    assert not run.passed
    assert [c.name for c in run.scored.failures() if c.hard] == ["keep"]
    assert "outside" in {c.name for c in run.scored.failures()}
    assert run.scored.measures.outside_chars > 0


def test_code_that_no_longer_compiles_fails_its_code_check(shipped_cases):
    python, react = by_id(shipped_cases, "py-off-by-one", "js-button-label")
    broken = {python.id: ("return items[:n + 1]", "return items[:n"),
              react.id: (">Click</button>", ">{Add one</button>")}
    runs = run_scripted([python, react], lambda case, r: [{"calls": [{"edit_canvas": {
        "edits": [dict(zip(("find", "replace"), broken[case.id], strict=True))]}}]}])
    failed = {run.case.id: {c.name for c in run.scored.failures()} for run in runs}
    assert "code:py_compile" in failed[python.id]
    assert "code:preview" in failed[react.id]
