"""The gradebook as one tidy table: a row per learner x graded cell, with the competence it evidences.

Everything in hocso.reports (and `hocso grade export`) starts from `load_scores`, so there is one
place that knows nbgrader's schema and one definition of a cell's score.

Why SQL and not `nbgrader.api.Gradebook`: the ORM builds one Python object per grade and computes
each score through lazy relationships; for 10,000 learners x 12 modules that is minutes, while one
read-only query over the same tables takes about a second (bench/report.py measures both). The query
reproduces nbgrader's own `Grade.score` rule: the manual score if a person gave one, else the
autograder's, plus any extra credit; a cell nobody scored is worth 0. The tests check the result
against `Gradebook.find_submission(...).score` for real learners.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from hocso.config import Course
from hocso.config import gradebook_url as default_gradebook_url
from hocso.errors import HocsoError
from hocso.notebook_meta import course_exercises

SCORE_COLUMNS: tuple[str, ...] = (
    "learner_id",
    "module",
    "notebook",
    "grade_id",
    "points",
    "max_points",
    "competence",
)

__all__ = ["SCORE_COLUMNS", "GradebookError", "GradebookMissing", "exercise_table", "load_scores"]

# nbgrader's Grade.score, in SQL: manual beats auto, extra credit adds to either, unscored is 0.
SCORES_SQL = """
SELECT sa.student_id AS learner_id,
       a.name        AS module,
       n.name        AS notebook,
       c.name        AS grade_id,
       CASE WHEN g.manual_score IS NOT NULL THEN g.manual_score + COALESCE(g.extra_credit, 0.0)
            WHEN g.auto_score   IS NOT NULL THEN g.auto_score   + COALESCE(g.extra_credit, 0.0)
            ELSE 0.0 END AS points,
       COALESCE(gc.max_score, tc.max_score, 0.0) AS max_points
FROM grade g
JOIN submitted_notebook sn   ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN assignment a            ON sa.assignment_id = a.id
JOIN notebook n              ON sn.notebook_id = n.id
JOIN base_cell c             ON g.cell_id = c.id
LEFT JOIN grade_cells gc     ON gc.id = c.id
LEFT JOIN task_cells tc      ON tc.id = c.id
"""

REQUIRED_TABLES = {
    "grade",
    "submitted_notebook",
    "submitted_assignment",
    "assignment",
    "notebook",
    "base_cell",
}


class GradebookError(HocsoError):
    """The gradebook cannot be read or is not an nbgrader gradebook."""


class GradebookMissing(GradebookError):
    """No gradebook file yet: nothing has been graded (or the path is wrong)."""


def load_scores(course: Course, gradebook_url: str | None = None) -> pd.DataFrame:
    """Every graded cell of every submission in the gradebook, as SCORE_COLUMNS.

    `gradebook_url` is an SQLAlchemy URL (default: the course's own gradebook). Only scored
    submissions appear: a learner who never submitted a module has no rows for it (reports count
    that as 0 of the module's points). `competence` comes from the course notebooks' cell metadata;
    a cell the course notebooks do not know (an old assignment) has no competence.
    """
    url = gradebook_url or default_gradebook_url(course)
    frame = _read_grades(url)
    exercises = exercise_table(course)
    competence = exercises.set_index(["module", "notebook", "grade_id"])["competence"]
    keys = pd.MultiIndex.from_frame(frame[["module", "notebook", "grade_id"]].astype(str))
    frame["competence"] = competence.reindex(keys).to_numpy()
    for column in ("learner_id", "module", "notebook", "grade_id", "competence"):
        frame[column] = frame[column].astype("category")
    frame["points"] = frame["points"].astype("float64")
    frame["max_points"] = frame["max_points"].astype("float64")
    return frame[list(SCORE_COLUMNS)]


def exercise_table(course: Course) -> pd.DataFrame:
    """The course's graded cells (module, notebook, grade_id, competence, max_points, manual, kind)."""
    kinds = {module.id: module.kind for module in course.modules}
    rows = [
        {
            "module": exercise.module,
            "notebook": exercise.notebook,
            "grade_id": exercise.grade_id,
            "competence": exercise.competence,
            "max_points": exercise.points,
            "manual": exercise.manual,
            "kind": kinds[exercise.module],
        }
        for exercise in course_exercises(course)
    ]
    columns = ["module", "notebook", "grade_id", "competence", "max_points", "manual", "kind"]
    table = pd.DataFrame(rows, columns=columns)
    return table.drop_duplicates(["module", "notebook", "grade_id"])


def _read_grades(url: str) -> pd.DataFrame:
    if url.startswith("sqlite:"):
        return _read_sqlite(_sqlite_path(url))
    import sqlalchemy  # other databases nbgrader supports (PostgreSQL, MySQL) go through SQLAlchemy

    try:
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as connection:
            return pd.read_sql_query(sqlalchemy.text(SCORES_SQL), connection)
    except sqlalchemy.exc.SQLAlchemyError as error:
        raise GradebookError(
            f"cannot read the gradebook at {url}: {error.__class__.__name__}: {error}"
        ) from None


def _sqlite_path(url: str) -> Path:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix:
        raise GradebookError(f"gradebook URL {url!r} must look like sqlite:////path/to/gradebook.db")
    return Path(unquote(url[len(prefix) :].split("?", 1)[0]))


def _read_sqlite(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise GradebookMissing(
            f"no gradebook at {path}; grade some submissions first (hocso grade) or pass --gradebook"
        )
    # read-only: a report must never create or lock the gradebook graders are writing to
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if missing := REQUIRED_TABLES - tables:
            raise GradebookError(
                f"{path} is not an nbgrader gradebook (no table {', '.join(sorted(missing))})"
            )
        return pd.read_sql_query(SCORES_SQL, connection)
    except sqlite3.DatabaseError as error:
        raise GradebookError(f"cannot read the gradebook {path}: {error}") from None
    finally:
        connection.close()
