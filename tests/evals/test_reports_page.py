"""/evals/: staff see the latest reports (metrics per model, failures with diffs); others
do not."""

from __future__ import annotations

import pytest

from canvas.evals import report
from canvas.evals.replay import reference_answers
from tests.evals.conftest import by_id, run_scripted
from tests.evals.test_scoring import bad_answers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reports_dir(settings, tmp_path, shipped_cases):
    settings.CANVAS_EVAL_REPORTS = tmp_path
    cases = by_id(shipped_cases, "md-date-change", "md-typo-title")
    report.write(report.build(run_scripted(cases, reference_answers),
                              {"model": "good-model", "prompt_variant": "v1"}), tmp_path)
    report.write(report.build(run_scripted(cases, bad_answers),
                              {"model": "bad-model", "prompt_variant": "v2"}), tmp_path)
    return tmp_path


def test_staff_see_metrics_per_model_and_the_failures_with_diffs(client, make_user,
                                                                  reports_dir):
    staff = make_user("root")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    page = client.get("/evals/").content.decode()
    assert "good-model" in page and "bad-model" in page
    assert "must-keep violations" in page and "action accuracy" in page
    # The newest report is shown first: the bad model's, with its failures.
    assert "Failures of bad-model (2)" in page
    assert "md-date-change" in page and "could not be placed" in page
    assert "The text did not change." in page
    good = next(p.name for p in reports_dir.glob("*good-model*.json"))
    page = client.get("/evals/", {"report": good}).content.decode()
    assert "Failures of good-model (0)" in page and "No failures." in page


def test_a_failure_diff_is_shown(client, make_user, settings, tmp_path, shipped_cases):
    settings.CANVAS_EVAL_REPORTS = tmp_path
    case = by_id(shipped_cases, "md-one-sentence-clearer")
    report.write(report.build(run_scripted(case, bad_answers), {"model": "m"}), tmp_path)
    staff = make_user("root")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    page = client.get("/evals/").content.decode()
    assert 'class="eval-diff"' in page and "+Lorem ipsum" in page


def test_people_who_are_not_staff_are_refused(client, make_user, reports_dir):
    assert client.get("/evals/").url.startswith("/accounts/login/")
    client.force_login(make_user("ada"))
    response = client.get("/evals/")
    assert response.status_code == 403
    assert "bad-model" not in response.content.decode()


def test_no_reports_yet_says_how_to_make_them(client, make_user, settings, tmp_path):
    settings.CANVAS_EVAL_REPORTS = tmp_path / "none"
    staff = make_user("root")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert "manage.py canvas_eval" in client.get("/evals/").content.decode()
