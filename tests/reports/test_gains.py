"""Issue 16: pre/post gain per unit and competence in the report, against figures recomputed here
from the gradebook's raw rows (tests/reports/independent.py) and the roster file."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from hocso.reports.html import render_html
from hocso.reports.summary import CompetenceReport, build_report
from hocso.reports.synthetic import SyntheticCohort

from .independent import raw_scores


@pytest.fixture(scope="module")
def report(cohort: SyntheticCohort, scores: pd.DataFrame) -> CompetenceReport:
    return build_report(cohort.course, scores, cohort.roster)


@pytest.fixture(scope="module")
def independent(cohort: SyntheticCohort) -> pd.DataFrame:
    """Unit x competence: mean pre, post and gain over learners who submitted both tests."""
    raw = raw_scores(cohort.course, cohort.gradebook_url)
    pre, post = cohort.course.modules[0].id, cohort.course.modules[-1].id
    units = pd.read_csv(cohort.roster_path, dtype=str).set_index("learner_id")["unit"]
    tests = raw[raw["module"].isin([pre, post])]
    sums = tests.groupby(["learner_id", "competence", "module"])[["points", "max_points"]].sum()
    fraction = (sums["points"] / sums["max_points"]).unstack("module")
    fraction = fraction.dropna()  # both tests taken (a learner submits all of a test or none of it)
    rows = fraction.reset_index()
    rows["unit"] = rows["learner_id"].map(units)
    rows["gain"] = rows[post] - rows[pre]
    table = rows.groupby(["unit", "competence"]).agg(
        learners=("learner_id", "size"), pre=(pre, "mean"), post=(post, "mean"), gain=("gain", "mean")
    )
    return table.sort_index()


def test_gain_per_unit_and_competence(report: CompetenceReport, independent: pd.DataFrame) -> None:
    actual = report.gains_by_competence.set_index(["unit", "competence"]).sort_index()
    assert len(actual) == len(independent) > 20  # 20 units x the tests' 2 competences
    pd.testing.assert_frame_equal(actual, independent, check_dtype=False, check_names=False)
    assert (actual["gain"] > 0).mean() > 0.8  # the synthetic cohort learns, in nearly every unit


def test_html_report_shows_the_gain_per_competence_plot(report: CompetenceReport, independent) -> None:
    page = render_html(report, "en")
    assert "Gain per competence" in page and "Gain per unit and competence" in page
    figure = re.search(
        r"<h2>Gain per competence</h2><figure><img alt='([^']*)' src='data:image/svg\+xml;base64,", page
    )
    assert figure, "the per-competence plot is missing"
    pooled = independent.assign(w=independent["gain"] * independent["learners"]).groupby("competence")
    gains = pooled["w"].sum() / pooled["learners"].sum()
    assert f"largest gain: {gains.idxmax()} ({gains.max() * 100:+.1f} percentage points)" in figure.group(1)
    assert "Tiến bộ theo năng lực" in render_html(report, "vi")
    assert "Gain per competence" not in render_html(report, "vi")  # a vi report is in vi only
