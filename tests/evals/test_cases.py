"""The shipped cases: they load, cover what the issue lists, and bad case files are refused."""

from __future__ import annotations

import pytest

from canvas.assistant.prompts import SHORTCUTS
from canvas.evals.cases import CaseError, load_cases


def test_at_least_80_cases_cover_every_kind_of_request(shipped_cases):
    assert len(shipped_cases) >= 80
    tags = {tag for case in shipped_cases for tag in case.tags}
    assert {"local", "whole", "question", "review", "ambiguous", "selection", "duplicate",
            "substring", "long", "people", "translate", "tone", "shorter", "longer",
            "port"} <= tags
    assert {c.shortcut for c in shipped_cases if c.shortcut} == set(SHORTCUTS)
    languages = {c.language for c in shipped_cases}
    assert {"markdown", "python", "html"} <= languages and languages & {"javascript", "jsx"}
    whens = {edit.when for case in shipped_cases for edit in case.people}
    assert whens == {"prompt_built", "first_call"}
    # People typing in the passage the model edits, and elsewhere.
    assert any("concurrent" in c.tags and c.expect.actions == ("edit",) for c in shipped_cases)
    assert any(c.selection and c.selection_occurrence > 1 for c in shipped_cases)
    assert any(len(c.canvas) > 60_000 for c in shipped_cases)  # only a window is shown
    assert {"py_compile", "node_check", "preview"} <= {
        check for c in shipped_cases for check in c.expect.code}
    assert all(c.reference for c in shipped_cases)


def test_only_picks_a_tag_an_id_or_an_id_prefix(shipped_cases):
    from tests.evals.conftest import CASES

    assert {c.id for c in load_cases(CASES, "md-typo-title")} == {"md-typo-title"}
    shortcuts = load_cases(CASES, "shortcut")
    assert shortcuts and all("shortcut" in c.tags for c in shortcuts)
    assert all(c.id.startswith("py-") for c in load_cases(CASES, "py-"))


@pytest.mark.parametrize(("body", "complaint"), [
    ("request: x\nexpect: {action: edits}", "expect.action"),
    ("request: x\nexpect: {action: edit, match: '(['}", "bad regex"),
    ("request: x\nexpect: {action: edit, keep: [absent]}", "not in the canvas"),
    ("request: x\nselection: absent\nexpect: {action: edit}", "selection"),
    ("request: x\nexpect: {action: edit, max_change: 0.1}", "unknown expectations"),
    ("request: x\npeople: [{when: later, delete: a}]\nexpect: {action: edit}", "people.when"),
    ("expect: {action: edit}", "request"),
])
def test_a_malformed_case_is_an_error_naming_file_and_case(tmp_path, body, complaint):
    path = tmp_path / "bad.yaml"
    path.write_text("- id: broken\n  canvas: some text\n  " + body.replace("\n", "\n  "))
    with pytest.raises(CaseError) as error:
        load_cases(path)
    assert "bad.yaml" in str(error.value) and "broken" in str(error.value)
    assert complaint in str(error.value)


def test_duplicate_ids_are_refused(tmp_path):
    case = "- id: same\n  canvas: a\n  request: x\n  expect: {action: reply}\n"
    (tmp_path / "a.yaml").write_text(case)
    (tmp_path / "b.yaml").write_text(case)
    with pytest.raises(CaseError, match="same"):
        load_cases(tmp_path)
