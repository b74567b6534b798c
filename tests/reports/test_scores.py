"""load_scores reads nbgrader's gradebook as nbgrader itself scores it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from hocso.nbgrader_compat import use_in_process_alembic
from hocso.reports.scores import SCORE_COLUMNS, GradebookError, GradebookMissing, load_scores
from hocso.reports.synthetic import SyntheticCohort


def test_shape_and_columns(cohort: SyntheticCohort, scores: pd.DataFrame) -> None:
    assert tuple(scores.columns) == SCORE_COLUMNS
    assert scores["learner_id"].nunique() == 500
    assert set(scores["module"].unique()) == {m.id for m in cohort.course.modules}
    assert not scores.duplicated(["learner_id", "module", "notebook", "grade_id"]).any()
    assert scores["competence"].notna().all()
    assert (scores["points"] <= scores["max_points"]).all()


@pytest.fixture(params=["sqlite", "postgresql"])
def gradebook(request: pytest.FixtureRequest, cohort: SyntheticCohort) -> str:
    """The cohort's gradebook URL: its SQLite file, then its copy on PostgreSQL."""
    if request.param == "sqlite":
        return cohort.gradebook_url
    return request.getfixturevalue("cohort_on_postgresql")


def test_matches_the_raw_tables_computed_independently(cohort: SyntheticCohort, gradebook: str) -> None:
    import sqlalchemy

    scores = load_scores(cohort.course, gradebook)
    engine = sqlalchemy.create_engine(gradebook)
    with engine.connect() as connection:
        grade = pd.read_sql_query(sqlalchemy.text("SELECT * FROM grade"), connection)
    engine.dispose()
    expected = grade["manual_score"].fillna(grade["auto_score"]).fillna(0).sum()
    assert scores["points"].sum() == pytest.approx(expected)
    assert len(scores) == len(grade)


def test_postgresql_gives_the_same_table_as_sqlite(
    cohort: SyntheticCohort, scores: pd.DataFrame, cohort_on_postgresql: str
) -> None:
    on_postgresql = load_scores(cohort.course, cohort_on_postgresql)
    key = ["learner_id", "module", "notebook", "grade_id"]

    def tidy(frame: pd.DataFrame) -> pd.DataFrame:
        plain = frame.astype(
            {c: "object" for c in ("learner_id", "module", "notebook", "grade_id", "competence")}
        )
        return plain.sort_values(key).reset_index(drop=True)

    pd.testing.assert_frame_equal(tidy(on_postgresql), tidy(scores))


def test_agrees_with_nbgrader_gradebook(cohort: SyntheticCohort, gradebook: str) -> None:
    from nbgrader.api import Gradebook

    scores = load_scores(cohort.course, gradebook)
    totals = scores.groupby(["learner_id", "module"], observed=True)["points"].sum()
    use_in_process_alembic()
    with Gradebook(gradebook, course_id=cohort.course.id) as gradebook_api:
        for learner_id, module in list(totals.index)[:: len(totals) // 25]:
            submission = gradebook_api.find_submission(module, learner_id)
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


@pytest.mark.slow
def test_postgresql_database_missing_or_not_a_gradebook(cohort: SyntheticCohort, postgres) -> None:
    with pytest.raises(GradebookMissing, match="no gradebook at"):
        load_scores(cohort.course, f"{postgres.server_url}/never_made")
    other = postgres.new_database_url("other")
    import psycopg

    with psycopg.connect(other.replace("postgresql+psycopg", "postgresql"), autocommit=True) as connection:
        connection.execute("CREATE TABLE x (a INT)")
    with pytest.raises(GradebookError, match="not an nbgrader gradebook"):
        load_scores(cohort.course, other)
