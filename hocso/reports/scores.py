"""The gradebook as one tidy table: a row per learner x graded cell, with the competence it evidences.

Everything in hocso.reports (and `hocso grade export`) starts from `load_scores`, so there is one
place that knows nbgrader's schema and one definition of a cell's score.

Why SQL and not `nbgrader.api.Gradebook`: the ORM builds Python objects per grade and computes each
score through lazy relationships; for 10,000 learners x 12 modules that is well over an hour, while
two read-only queries over the same tables take about 1.5 s (bench/report.py measures both). The SQL
reproduces nbgrader's own `Grade.score` rule: the manual score if a person gave one, else the
autograder's, plus any extra credit; a cell nobody scored is worth 0. The tests check the result
against `Gradebook.find_submission(...).score` for real learners.

`awaiting` marks a grade that waits for a person (nbgrader's `needs_manual_grade` with no manual
score yet, the same rule as formgrader's "needs manual grade" and the export's status): its 0 points
are not a result, so reports leave it out of scores and show it as awaiting grading.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd

from hocso.config import Course
from hocso.config import gradebook_url as default_gradebook_url
from hocso.config.db_url import redacted
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
    "awaiting",
)

__all__ = [
    "SCORE_COLUMNS",
    "GradebookError",
    "GradebookMissing",
    "awaiting_mask",
    "exercise_table",
    "load_scores",
]

# nbgrader's Grade.score, in SQL: manual beats auto, extra credit adds to either, unscored is 0. Only the
# two joins that grow with the cohort run per grade; the cells' names come from the small CELLS_SQL,
# joined in pandas by category code (half the time of joining all eight tables in SQLite).
GRADES_SQL = """
SELECT sa.student_id AS learner_id,
       g.cell_id     AS cell_id,
       CASE WHEN g.manual_score IS NOT NULL THEN g.manual_score + COALESCE(g.extra_credit, 0.0)
            WHEN g.auto_score   IS NOT NULL THEN g.auto_score   + COALESCE(g.extra_credit, 0.0)
            ELSE 0.0 END AS points,
       CASE WHEN g.needs_manual_grade AND g.manual_score IS NULL THEN 1 ELSE 0 END AS awaiting
FROM grade g
JOIN submitted_notebook sn   ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
"""
CELLS_SQL = """
SELECT c.id AS cell_id, a.name AS module, n.name AS notebook, c.name AS grade_id,
       COALESCE(gc.max_score, tc.max_score, 0.0) AS max_points
FROM base_cell c
JOIN notebook n          ON c.notebook_id = n.id
JOIN assignment a        ON n.assignment_id = a.id
LEFT JOIN grade_cells gc ON gc.id = c.id
LEFT JOIN task_cells tc  ON tc.id = c.id
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

    `gradebook_url` is an SQLAlchemy URL (default: the course's own gradebook). Only
    submissions appear: a learner who never submitted a module has no rows for it (reports count
    that as 0 of the module's points). `competence` comes from the course notebooks' cell metadata;
    a cell the course notebooks do not know (an old assignment) has no competence.
    """
    url = gradebook_url or default_gradebook_url(course)
    grades, cells = _read_grades(url)
    exercises = exercise_table(course)
    cells = cells.merge(exercises[["module", "notebook", "grade_id", "competence"]], how="left")
    cell = pd.Categorical(grades["cell_id"], categories=cells["cell_id"])
    if (cell.codes < 0).any():
        raise GradebookError(
            f"the gradebook at {redacted(url)} has grades for cells it does not list; it may be damaged"
        )
    frame = pd.DataFrame({"learner_id": grades["learner_id"].astype("category")})
    for column in ("module", "notebook", "grade_id", "competence"):
        frame[column] = _take_categorical(cells[column], cell.codes)
    frame["points"] = grades["points"].astype("float64").to_numpy()
    frame["max_points"] = cells["max_points"].astype("float64").to_numpy()[cell.codes]
    frame["awaiting"] = grades["awaiting"].astype(bool).to_numpy()
    return frame[list(SCORE_COLUMNS)]


def awaiting_mask(scores: pd.DataFrame) -> pd.Series:
    """Which rows wait for a person; all False for a score table without the column (an older bundle)."""
    if "awaiting" not in scores:
        return pd.Series(False, index=scores.index)
    return scores["awaiting"].fillna(False).astype(bool)


def _take_categorical(values: pd.Series, codes: np.ndarray) -> pd.Categorical:
    """values[codes] as a categorical, computed on the few distinct cells rather than every grade."""
    small = pd.Categorical(values)
    return pd.Categorical.from_codes(small.codes[codes], categories=small.categories)


def exercise_table(course: Course) -> pd.DataFrame:
    """The course's graded cells (module, notebook, grade_id, competence, max_points, manual, kind, level)."""
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
            "level": exercise.level,
        }
        for exercise in course_exercises(course)
    ]
    columns = ["module", "notebook", "grade_id", "competence", "max_points", "manual", "kind", "level"]
    table = pd.DataFrame(rows, columns=columns)
    return table.drop_duplicates(["module", "notebook", "grade_id"])


def _read_grades(url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if url.startswith("sqlite:"):
        return _read_sqlite(_sqlite_path(url))
    return _read_server(url)


def _read_server(url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same two queries on a database server (PostgreSQL), in one read-only transaction."""
    import sqlalchemy

    shown = redacted(url)
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect().execution_options(postgresql_readonly=True) as connection:
            if missing := REQUIRED_TABLES - set(sqlalchemy.inspect(connection).get_table_names()):
                raise GradebookError(
                    f"{shown} is not an nbgrader gradebook (no table {', '.join(sorted(missing))})"
                )
            rows = connection.execute(sqlalchemy.text(GRADES_SQL)).all()
            grades = pd.DataFrame(rows, columns=["learner_id", "cell_id", "points", "awaiting"])
            return grades, pd.read_sql_query(sqlalchemy.text(CELLS_SQL), connection)
    except sqlalchemy.exc.OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        if "does not exist" in reason:
            raise GradebookMissing(
                f"no gradebook at {shown}; grade some submissions first (hocso grade) or pass --gradebook"
            ) from None
        raise GradebookError(f"cannot read the gradebook at {shown}: {reason}") from None
    except sqlalchemy.exc.SQLAlchemyError as error:
        raise GradebookError(f"cannot read the gradebook at {shown}: {error.__class__.__name__}") from None
    finally:
        engine.dispose()


def _sqlite_path(url: str) -> Path:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix:
        raise GradebookError(f"gradebook URL {url!r} must look like sqlite:////path/to/gradebook.db")
    return Path(unquote(url[len(prefix) :].split("?", 1)[0]))


def _read_sqlite(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
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
        rows = connection.execute(GRADES_SQL).fetchall()
        grades = pd.DataFrame(rows, columns=["learner_id", "cell_id", "points", "awaiting"])
        return grades, pd.read_sql_query(CELLS_SQL, connection)
    except sqlite3.DatabaseError as error:
        raise GradebookError(f"cannot read the gradebook {path}: {error}") from None
    finally:
        connection.close()
