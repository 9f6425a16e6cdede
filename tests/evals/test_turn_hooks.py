"""The harness drives the real turn: people's edits land at the hooks the case names, and
the prompt variants reach the model."""

from __future__ import annotations

import pytest

from canvas.assistant import prompts, variants
from canvas.evals.replay import ScriptedModel, reference_answers
from canvas.evals.run import run_cases
from tests.evals.conftest import by_id

pytestmark = pytest.mark.django_db(transaction=True)


def _run(cases, **options):
    with ScriptedModel(reference_answers) as model:
        runs = run_cases(cases, model.endpoint(), **options)
        return runs, model.fake.chat_requests


def test_edits_made_after_the_prompt_was_built_are_not_in_the_prompt(shipped_cases):
    case = by_id(shipped_cases, "ppl-two-people-edits")[0]
    (run,), requests = _run([case])
    prompt = requests[0].messages[-1]["content"]
    inserted = [edit.insert for edit in case.people]
    assert all(text not in prompt for text in inserted)  # the model never saw them ...
    assert all(text in run.after for text in inserted)  # ... and they survived its edit
    assert "2. Budget 2027" in run.after
    assert run.scored.measures.people_survived == sum(len(t) for t in inserted)


def test_first_call_edits_wait_for_the_models_first_tool_call(shipped_cases):
    """A model that only replies never starts a tool call: the first_call edit never
    happens, and the base the change is measured from is the canvas as written."""
    case = by_id(shipped_cases, "ppl-other-paragraph-typing")[0]
    with ScriptedModel(lambda c, r: [{"text": "I'd rather not."}]) as model:
        (run,) = run_cases([case], model.endpoint())
    assert run.base == case.canvas == run.after
    assert run.scored.measures.people_chars == 0


def test_variant_v1_is_the_shipped_prompt_and_v2_adds_a_reason(shipped_cases):
    cases = by_id(shipped_cases, "md-typo-title")
    _, v1 = _run(cases)
    assert v1[0].messages[0]["content"].startswith(prompts.SYSTEM_PROMPT.split("{kind}")[0])
    assert all("reason" not in t["function"]["parameters"]["properties"] for t in v1[0].tools)
    (run,), v2 = _run(cases, prompt_variant="v2")
    assert "fewer than 20 lines" in v2[0].messages[0]["content"]
    for tool in v2[0].tools:
        parameters = tool["function"]["parameters"]
        assert list(parameters["properties"])[0] == "reason"
        assert "reason" in parameters["required"]
    assert run.passed  # the reason field is optional for the turn: answers without it apply


def test_an_unknown_variant_is_a_clear_error(settings):
    settings.CANVAS_PROMPT_VARIANT = "v9"
    with pytest.raises(ValueError, match="v9"):
        variants.current()


def test_the_reason_a_v2_answer_gives_is_kept_for_the_report(shipped_cases):
    case = by_id(shipped_cases, "md-typo-title")[0]
    edit = case.reference[0]["calls"][0]["edit_canvas"]
    answer = [{"calls": [{"edit_canvas": {"reason": "one word", **edit}}]}]
    with ScriptedModel(lambda c, r: answer) as model:
        (run,) = run_cases([case], model.endpoint(), prompt_variant="v2")
    assert run.passed and run.reasons == ["one word"]
