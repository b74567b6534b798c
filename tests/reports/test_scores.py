"""load_scores reads nbgrader's gradebook as nbgrader itself scores it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from hocso.nbgrader_compat import use_in_process_alembic
from hocso.reports.scores import SCORE_COLUMNS, GradebookError, load_scores
from hocso.reports.synthetic import SyntheticCohort


def test_shape_and_columns(cohort: SyntheticCohort, scores: pd.DataFrame) -> None:
    assert tuple(scores.columns) == SCORE_COLUMNS
    assert scores["learner_id"].nunique() == 500
    assert set(scores["module"].unique()) == {m.id for m in cohort.course.modules}
    assert not scores.duplicated(["learner_id", "module", "notebook", "grade_id"]).any()
    assert scores["competence"].notna().all()
    assert (scores["points"] <= scores["max_points"]).all()


def test_matches_the_raw_tables_computed_independently(cohort: SyntheticCohort, scores: pd.DataFrame) -> None:
    path = cohort.gradebook_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        grade = pd.read_sql_query("SELECT * FROM grade", connection)
    expected = grade["manual_score"].fillna(grade["auto_score"]).fillna(0).sum()
    assert scores["points"].sum() == pytest.approx(expected)
    assert len(scores) == len(grade)


def test_agrees_with_nbgrader_gradebook(cohort: SyntheticCohort, scores: pd.DataFrame) -> None:
    from nbgrader.api import Gradebook

    totals = scores.groupby(["learner_id", "module"], observed=True)["points"].sum()
    use_in_process_alembic()
    with Gradebook(cohort.gradebook_url, course_id=cohort.course.id) as gradebook:
        for learner_id, module in list(totals.index)[:: len(totals) // 25]:
            submission = gradebook.find_submission(module, learner_id)
            assert submission.score == pytest.approx(totals[(learner_id, module)])
            assert submission.max_score == pytest.approx(10.0)


def test_competence_comes_from_cell_metadata(cohort: SyntheticCohort, scores: pd.DataFrame) -> None:
    import nbformat

    module = cohort.course.modules[3]
    [path] = cohort.course.notebook_paths(module)
    cells = nbformat.read(path, as_version=4).cells
    expected = {c.metadata.nbgrader["grade_id"]: c.metadata.hocso["competence"] for c in cells}
    rows = scores[scores["module"] == module.id].drop_duplicates("grade_id")
    assert dict(zip(rows["grade_id"].astype(str), rows["competence"].astype(str), strict=True)) == expected


def test_missing_gradebook_is_one_clear_error(cohort: SyntheticCohort, tmp_path: Path) -> None:
    with pytest.raises(GradebookError, match="no gradebook at"):
        load_scores(cohort.course, f"sqlite:///{tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()


def test_a_database_that_is_not_a_gradebook(cohort: SyntheticCohort, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a INT)").connection.commit()
    with pytest.raises(GradebookError, match="not an nbgrader gradebook"):
        load_scores(cohort.course, f"sqlite:///{other}")
