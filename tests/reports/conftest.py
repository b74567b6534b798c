"""One synthetic cohort per session: 500 learners, 5 groups, 20 units, 12 modules, a real nbgrader gradebook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hocso.reports.scores import load_scores
from hocso.reports.synthetic import SyntheticCohort, build_synthetic_cohort

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> SyntheticCohort:
    return build_synthetic_cohort(
        tmp_path_factory.mktemp("cohort"),
        REPO_ROOT / "course_config" / "framework.toml",
        learners=500,
        units=20,
        modules=12,
        seed=7,
    )


@pytest.fixture(scope="session")
def scores(cohort: SyntheticCohort) -> pd.DataFrame:
    return load_scores(cohort.course, cohort.gradebook_url)


@pytest.fixture(scope="session")
def cohort_on_postgresql(cohort: SyntheticCohort, postgres) -> str:
    """The same cohort's gradebook copied row for row into a PostgreSQL database; its URL."""
    url = postgres.new_database_url("cohort")
    copy_gradebook(cohort.gradebook_url, url, cohort.course.id)
    return url


def copy_gradebook(source: str, target: str, course_id: str) -> None:
    """Every row of an nbgrader gradebook into an empty database, through nbgrader's own tables
    (SQLAlchemy converts SQLite's 0/1 booleans and text timestamps to PostgreSQL's types)."""
    import sqlalchemy
    from nbgrader.api import Base, Gradebook

    from hocso.nbgrader_compat import use_in_process_alembic

    use_in_process_alembic()
    with Gradebook(target, course_id=course_id):  # nbgrader makes the schema (and its course row)
        pass
    reading, writing = sqlalchemy.create_engine(source), sqlalchemy.create_engine(target)
    with reading.connect() as old, writing.begin() as new:
        for table in Base.metadata.sorted_tables:
            rows = [dict(row) for row in old.execute(table.select()).mappings()]
            if table.name == "course":
                present = {row.id for row in new.execute(table.select())}
                rows = [row for row in rows if row["id"] not in present]
            if rows:
                new.execute(table.insert(), rows)
    reading.dispose()
    writing.dispose()
