"""A report in the middle of a course: 2 of 12 modules given, some manual answers not graded yet.

Every figure is checked against values computed here or in `independent.py` from the raw gradebook
tables, without hocso.reports: only the given modules count (their points, their competences), a
grade awaiting a person is neither 0 nor in the maximum nor a failure, the target is the
framework's and a learner is below it only under what the counted modules asked for.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from hocso.config import load_course
from hocso.i18n import t
from hocso.reports.html import render_html
from hocso.reports.scores import load_scores
from hocso.reports.summary import CompetenceReport, build_report
from hocso.reports.synthetic import SyntheticCohort, build_synthetic_cohort

from .independent import expected_profile, raw_scores

REPO_ROOT = Path(__file__).resolve().parents[2]
GIVEN = ("m04", "m06")
PROFILE = ["learner_id", "competence", "points", "max_points", "awaiting_points", "score", "level"]
PROFILE += ["target", "assessed_to", "target_assessed", "below_target"]


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> SyntheticCohort:
    """The cohort, with m04 aimed one level under the framework's target for leaders (as the real
    m04 is: 4 where the framework asks 5), so a perfect leader is at the module's level, not the target."""
    built = build_synthetic_cohort(
        tmp_path_factory.mktemp("mid-course"),
        REPO_ROOT / "course_config" / "framework.toml",
        learners=60,
        units=4,
        modules=12,
        seed=11,
        given=GIVEN,
        awaiting_share=0.4,
    )
    toml = built.course.config_dir / "course.toml"
    text = toml.read_text(encoding="utf-8")
    block = re.search(r'id = "m04".*?target_levels = \{[^}]*\}', text, flags=re.S)
    assert block is not None
    leaders = built.course.module("m04").target_levels["leaders"]
    lowered = block[0].replace(f"leaders = {leaders}", f"leaders = {leaders - 1}")
    toml.write_text(text.replace(block[0], lowered), encoding="utf-8")
    course = load_course(built.course.root)
    assert course.module("m04").target_levels["leaders"] == leaders - 1
    return SyntheticCohort(course, built.roster_path, built.gradebook_url)


@pytest.fixture(scope="module")
def raw(cohort: SyntheticCohort) -> pd.DataFrame:
    return raw_scores(cohort.course, cohort.gradebook_url)


@pytest.fixture(scope="module")
def roster(cohort: SyntheticCohort) -> pd.DataFrame:
    return pd.read_csv(cohort.roster_path, dtype=str)


@pytest.fixture(scope="module")
def report(cohort: SyntheticCohort) -> CompetenceReport:
    return build_report(cohort.course, load_scores(cohort.course, cohort.gradebook_url), cohort.roster)


def _profile(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[PROFILE].sort_values(["learner_id", "competence"], ignore_index=True)


def test_the_cohort_is_mid_course(cohort: SyntheticCohort, raw: pd.DataFrame) -> None:
    assert len(cohort.course.modules) == 12 and set(raw["module"]) == set(GIVEN)
    assert 0.2 < raw.loc[raw["grade_id"] == "ex4", "awaiting"].mean() < 0.6  # manual answers partly graded


def test_only_the_given_modules_count(report: CompetenceReport, cohort: SyntheticCohort) -> None:
    assert report.modules == GIVEN
    assessed = {c for m in GIVEN for c in cohort.course.module(m).competences}
    assert set(report.profile["competence"]) == assessed
    assert set(report.exercises["module"]) == set(GIVEN)


def test_profile_matches_independent_computation(
    report: CompetenceReport, cohort: SyntheticCohort, raw: pd.DataFrame, roster: pd.DataFrame
) -> None:
    expected = expected_profile(cohort.course, raw, roster)
    pd.testing.assert_frame_equal(_profile(report.profile), _profile(expected), check_dtype=False)
    assert expected["awaiting_points"].sum() > 0 and not expected["target_assessed"].all()
    # the case: level as high as the modules ask, under the framework's target, not "below"
    asked = expected[
        (expected["level"] == expected["assessed_to"]) & (expected["level"] < expected["target"])
    ]
    assert len(asked) > 0 and not asked["below_target"].any()


def test_one_module_uses_the_same_rule(
    cohort: SyntheticCohort, raw: pd.DataFrame, roster: pd.DataFrame
) -> None:
    scores = load_scores(cohort.course, cohort.gradebook_url)
    for narrowed in (
        build_report(cohort.course, scores, cohort.roster, module="m04"),
        build_report(cohort.course, scores, cohort.roster, modules=["m04"]),
    ):
        expected = expected_profile(cohort.course, raw, roster, modules={"m04"})
        pd.testing.assert_frame_equal(_profile(narrowed.profile), _profile(expected), check_dtype=False)


def test_learner_totals_leave_awaiting_grades_out(
    report: CompetenceReport, cohort: SyntheticCohort, raw: pd.DataFrame, roster: pd.DataFrame
) -> None:
    possible = sum(cohort.course.module(m).points for m in GIVEN)
    graded = raw[~raw["awaiting"]].groupby("learner_id")["points"].sum()
    waiting = raw[raw["awaiting"]].groupby("learner_id")["max_points"].sum()
    table = report.learners.set_index("learner_id")
    for learner in roster["learner_id"]:
        assert table.loc[learner, "points"] == pytest.approx(graded.get(learner, 0.0)), learner
        assert table.loc[learner, "awaiting_points"] == pytest.approx(waiting.get(learner, 0.0)), learner
        assert table.loc[learner, "max_points"] == pytest.approx(possible - waiting.get(learner, 0.0)), (
            learner
        )


def test_awaiting_grades_are_not_failures(
    report: CompetenceReport, cohort: SyntheticCohort, raw: pd.DataFrame
) -> None:
    pass_mark = cohort.course.info.pass_mark
    results = raw[~raw["awaiting"]].assign(failed=lambda r: r["points"] / r["max_points"] < pass_mark)
    independent = results.groupby(["module", "grade_id"]).agg(
        attempts=("points", "size"), fail_rate=("failed", "mean")
    )
    independent["awaiting"] = raw[raw["awaiting"]].groupby(["module", "grade_id"]).size()
    independent["awaiting"] = independent["awaiting"].fillna(0)
    actual = report.exercises.set_index(["module", "grade_id"])[["attempts", "fail_rate", "awaiting"]]
    pd.testing.assert_frame_equal(actual.sort_index(), independent.sort_index(), check_dtype=False)
    hardest = independent["fail_rate"].idxmax()
    assert tuple(report.exercises.iloc[0][["module", "grade_id"]]) == hardest


def _captions(page: str) -> list[str]:
    return re.findall(r"<figcaption>(.*?)</figcaption>", page, flags=re.S)


def test_the_page_says_what_each_plot_shows(
    report: CompetenceReport, cohort: SyntheticCohort, raw: pd.DataFrame, roster: pd.DataFrame
) -> None:
    import html

    page = html.unescape(render_html(report, "vi"))
    expected = expected_profile(cohort.course, raw, roster)
    expected = expected.merge(roster[["learner_id", "name"]], on="learner_id")
    captions = _captions(page)
    assert len(captions) == 4 and all(len(c) > 40 for c in captions)  # units, groups, levels, exercises
    by_unit = expected.groupby(["unit", "competence"])["score"].mean()
    (low_unit, low_competence), low = by_unit.idxmin(), by_unit.min()
    assert f"{low_unit}, năng lực {low_competence} ({low:.0%})" in captions[0]
    share = expected.groupby(["group", "competence"])["below_target"].mean()
    (group, competence) = share.idxmax()
    group_name = cohort.course.framework.group(group).name("vi")
    assert (
        f"nhóm {group_name}, năng lực {competence}" in captions[1] and f"({share.max():.0%})" in captions[1]
    )
    none = int((expected["level"] == 0).sum())
    assert f"{none} trong {len(expected)} cặp" in captions[2]
    waiting = raw[raw["awaiting"]]
    note = t(
        "reports.html.awaiting_note",
        "vi",
        learners=waiting["learner_id"].nunique(),
        points=f"{waiting['max_points'].sum():g}",
    )
    assert note in page
    assert t("reports.html.not_assessed_heading", "vi") in page
    assert "m04, m06 (2 trong 12 bài" in page


def test_cli_counts_the_modules_asked_for(cohort: SyntheticCohort, tmp_path: Path, raw: pd.DataFrame) -> None:
    from click.testing import CliRunner

    from hocso.cli import cli

    out = tmp_path / "csv"
    args = ["report", "--course", str(cohort.course.root), "--roster", str(cohort.roster_path)]
    args += ["--gradebook", cohort.gradebook_url, "--language", "en", "--format", "csv", "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--modules", "m06"])
    assert result.exit_code == 0, result.output
    learners = pd.read_csv(out / "learners.csv", encoding="utf-8-sig")
    waiting = raw[raw["awaiting"] & (raw["module"] == "m06")].groupby("learner_id")["max_points"].sum()
    possible = cohort.course.module("m06").points
    expected = [possible - waiting.get(i, 0.0) for i in learners["Learner id"]]
    assert learners["Max points"].tolist() == pytest.approx(expected)
