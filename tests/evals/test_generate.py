"""canvas_eval_generate: mutated seeds become valid cases whose reference answers pass."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.management import call_command

from canvas.evals.cases import load_cases
from canvas.evals.generate import MUTATIONS
from canvas.evals.replay import reference_answers
from tests.evals.conftest import run_scripted

pytestmark = pytest.mark.django_db(transaction=True)


def test_generated_cases_load_cover_every_mutation_and_their_answers_pass(tmp_path):
    call_command("canvas_eval_generate", "--count", "24", "--seed", "7", "--out",
                 str(tmp_path))
    cases = load_cases(tmp_path)
    assert len(cases) == 24
    assert {c.note.split("(")[-1].rstrip(")") for c in cases} == set(MUTATIONS)
    crlf = [c for c in cases if "crlf" in c.tags]
    assert crlf and all("\r\n" in c.canvas and "\n" not in c.canvas.replace("\r\n", "")
                        for c in crlf)
    assert all(unicodedata.is_normalized("NFD", c.canvas) for c in cases if "nfd" in c.tags)
    assert any(len(c.canvas) > 60_000 for c in cases if "long" in c.tags)
    assert all(c.people for c in cases if "concurrent" in c.tags)
    failed = [(r.case.id, [c.detail for c in r.scored.failures()], r.harness_error)
              for r in run_scripted(cases, reference_answers) if not r.passed]
    assert failed == []


def test_the_same_seed_gives_the_same_cases(tmp_path):
    for out in ("a", "b"):
        call_command("canvas_eval_generate", "--count", "6", "--seed", "1", "--out",
                     str(tmp_path / out))
    assert (tmp_path / "a" / "generated-1.yaml").read_text() == \
        (tmp_path / "b" / "generated-1.yaml").read_text()
