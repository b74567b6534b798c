"""Every aggregate of the report against an independent computation on the same synthetic gradebook."""

from __future__ import annotations

import pandas as pd
import pytest

from hocso.reports.levels import LevelRule
from hocso.reports.scores import SCORE_COLUMNS
from hocso.reports.summary import CompetenceReport, ReportFilterError, build_report
from hocso.reports.synthetic import SyntheticCohort

from .independent import expected_profile, level_for, raw_scores


@pytest.fixture(scope="module")
def roster_frame(cohort: SyntheticCohort) -> pd.DataFrame:
    return pd.read_csv(cohort.roster_path, dtype=str)


@pytest.fixture(scope="module")
def raw(cohort: SyntheticCohort) -> pd.DataFrame:
    return raw_scores(cohort.course, cohort.gradebook_url)


@pytest.fixture(scope="module")
def expected(cohort: SyntheticCohort, raw: pd.DataFrame, roster_frame: pd.DataFrame) -> pd.DataFrame:
    return expected_profile(cohort.course, raw, roster_frame)


@pytest.fixture(scope="module")
def report(cohort: SyntheticCohort, scores: pd.DataFrame) -> CompetenceReport:
    return build_report(cohort.course, scores, cohort.roster)


def test_cohort_is_big_enough(roster_frame: pd.DataFrame) -> None:
    assert len(roster_frame) >= 500
    assert roster_frame["group"].nunique() == 5 and roster_frame["unit"].nunique() == 20
    assert (roster_frame.groupby("unit")["group"].nunique() == 5).all()  # every unit mixes groups


@pytest.mark.parametrize(
    ("fraction", "module_target", "level"),
    [(1.0, 4, 4), (0.6, 4, 4), (0.5999, 4, 3), (0.3, 4, 3), (0.2999, 4, 0), (0.0, 1, 0), (0.35, 1, 0)],
)
def test_level_rule_boundaries(fraction: float, module_target: int, level: int) -> None:
    assert LevelRule(0.6).level(fraction, module_target) == level == level_for(fraction, module_target, 0.6)


def test_profile_matches_independent_computation(report: CompetenceReport, expected: pd.DataFrame) -> None:
    actual = report.profile[expected.columns].sort_values(["learner_id", "competence"], ignore_index=True)
    assert len(actual) == len(expected)
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)
    assert 0.2 < expected["below_target"].mean() < 0.95  # the cohort exercises both sides of the rule


@pytest.mark.parametrize("by", ["unit", "group"])
def test_distribution_matches(report: CompetenceReport, expected: pd.DataFrame, by: str) -> None:
    table = report.by_unit if by == "unit" else report.by_group
    independent = expected.groupby([by, "competence"]).agg(
        learners=("learner_id", "count"),
        mean_score=("score", "mean"),
        median_score=("score", "median"),
        q1_score=("score", lambda s: s.quantile(0.25)),
        mean_level=("level", "mean"),
        below_target=("below_target", "sum"),
    )
    actual = table.set_index([by, "competence"])[independent.columns]
    pd.testing.assert_frame_equal(actual.sort_index(), independent.sort_index(), check_dtype=False)
    assert len(table) == (20 if by == "unit" else 5) * expected["competence"].nunique()


def test_below_target_lists_exactly_the_learners_under_target(
    report: CompetenceReport, expected: pd.DataFrame
) -> None:
    want = set(map(tuple, expected.loc[expected["below_target"], ["learner_id", "competence"]].to_numpy()))
    got = set(map(tuple, report.below_target[["learner_id", "competence"]].to_numpy()))
    assert got == want
    assert (report.below_target["gap"] > 0).all()


def test_exercises_failed_most(cohort: SyntheticCohort, report: CompetenceReport, raw: pd.DataFrame) -> None:
    raw = raw.assign(failed=raw["points"] / raw["max_points"] < cohort.course.info.pass_mark)
    independent = raw.groupby(["module", "grade_id"]).agg(
        attempts=("points", "size"), fail_rate=("failed", "mean")
    )
    actual = report.exercises.set_index(["module", "grade_id"])[["attempts", "fail_rate"]]
    pd.testing.assert_frame_equal(actual.sort_index(), independent.sort_index(), check_dtype=False)
    rates = report.exercises["fail_rate"].to_numpy()
    assert (rates[:-1] >= rates[1:]).all()  # hardest first


def test_pre_post_gain(cohort: SyntheticCohort, report: CompetenceReport, raw: pd.DataFrame) -> None:
    pre, post = cohort.course.modules[0], cohort.course.modules[-1]
    assert (pre.kind, post.kind) == ("pre_test", "post_test")
    totals = raw.groupby(["learner_id", "module"])["points"].sum().unstack()
    both = totals[[pre.id, post.id]].dropna()
    independent = pd.DataFrame({"pre": both[pre.id] / pre.points, "post": both[post.id] / post.points})
    independent["gain"] = independent["post"] - independent["pre"]
    actual = report.gains.set_index("learner_id")[["pre", "post", "gain"]]
    pd.testing.assert_frame_equal(
        actual.sort_index(), independent.sort_index(), check_dtype=False, check_names=False
    )
    assert report.gains["gain"].mean() > 0.1  # the synthetic cohort learns something


def test_learner_totals(cohort: SyntheticCohort, report: CompetenceReport, raw: pd.DataFrame) -> None:
    counted = raw[raw["module"] != cohort.course.modules[0].id]
    points = counted.groupby("learner_id")["points"].sum()
    actual = report.learners.set_index("learner_id")["points"]
    pd.testing.assert_series_equal(actual[points.index], points, check_names=False)
    assert report.learners["max_points"].iloc[0] == sum(m.points for m in cohort.course.modules[1:])


def test_filters_narrow_to_the_same_numbers(
    cohort: SyntheticCohort, scores: pd.DataFrame, expected: pd.DataFrame
) -> None:
    unit, group = "Đơn vị 03", "staff"
    narrowed = build_report(cohort.course, scores, cohort.roster, unit=unit, group=group)
    want = expected[(expected["unit"] == unit) & (expected["group"] == group)].reset_index(drop=True)
    assert set(narrowed.profile["learner_id"]) == set(want["learner_id"]) and len(want) > 0
    pd.testing.assert_frame_equal(
        narrowed.profile[want.columns].reset_index(drop=True), want, check_dtype=False
    )


def test_module_filter_counts_only_that_module(
    cohort: SyntheticCohort, scores: pd.DataFrame, raw: pd.DataFrame
) -> None:
    module = cohort.course.modules[4]
    narrowed = build_report(cohort.course, scores, cohort.roster, module=module.id)
    assert set(narrowed.profile["competence"]) == set(module.competences)
    assert set(narrowed.exercises["module"]) == {module.id}
    assert narrowed.profile["points"].sum() == pytest.approx(
        raw.loc[raw["module"] == module.id, "points"].sum()
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"unit": "Nowhere"}, "unit 'Nowhere'"), ({"group": "sailors"}, "group 'sailors'")],
)
def test_unknown_filters_are_clear_errors(
    cohort: SyntheticCohort, scores: pd.DataFrame, kwargs: dict, message: str
) -> None:
    with pytest.raises(ReportFilterError, match=message):
        build_report(cohort.course, scores, cohort.roster, **kwargs)


def test_learners_not_on_the_roster_are_counted_and_left_out(
    cohort: SyntheticCohort, scores: pd.DataFrame
) -> None:
    from hocso.roster import Roster

    partial = Roster(list(cohort.roster)[:100])
    narrowed = build_report(cohort.course, scores, partial)
    assert narrowed.not_on_roster == scores["learner_id"].nunique() - 100
    assert narrowed.learners["learner_id"].nunique() == 100


def test_an_empty_gradebook_gives_valid_empty_tables(cohort: SyntheticCohort, tmp_path) -> None:
    from nbgrader.api import Gradebook

    from hocso.nbgrader_compat import use_in_process_alembic
    from hocso.reports.html import render_html
    from hocso.reports.scores import load_scores

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    use_in_process_alembic()
    with Gradebook(url, course_id=cohort.course.id):
        pass
    empty = load_scores(cohort.course, url)
    assert empty.empty and list(empty.columns) == list(SCORE_COLUMNS)
    report = build_report(cohort.course, empty, cohort.roster)  # nothing given yet: nothing counted
    assert report.modules == () and report.profile.empty and report.exercises.empty and report.gains.empty
    assert (report.learners["max_points"] == 0).all()
    named = build_report(cohort.course, empty, cohort.roster, modules=["m01"])  # given, nobody submitted
    assert (named.profile["level"] == 0).all() and named.profile["below_target"].all()
    assert "<html" in render_html(report, "vi")


def test_no_gain_before_anyone_takes_the_post_test(cohort: SyntheticCohort, scores: pd.DataFrame) -> None:
    early = scores[scores["module"] == cohort.course.modules[0].id]
    assert build_report(cohort.course, early, cohort.roster).gains.empty
