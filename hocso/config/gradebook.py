"""The course's gradebook database: its URL, and the one check that its server answers.

`gradebook_url(course)` is where every part (graders, formgrader through nbgrader_config.py,
reports) finds the gradebook: `[grading] db_url` from course.toml, else SQLite in the course's
runtime folder. One database per course: a PostgreSQL `db_url` without a database name gets one
named after the course id.

`open_gradebook_database(course)` is called by the commands that write the gradebook (release,
autograde, formgrader's roster) before nbgrader opens it. It creates the course's PostgreSQL
database when it does not exist yet (as nbgrader creates a SQLite file), and turns a server that
cannot be reached into the same kind of error as the rest of course.toml: the file, the field, the
address (without its password) and what to do.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit, urlunsplit

from hocso.config.db_url import database_kind, redacted
from hocso.config.errors import ConfigProblem, CourseConfigError
from hocso.config.models import Course
from hocso.config.runtime import course_runtime_dir

__all__ = ["database_name", "gradebook_url", "open_gradebook_database"]

CONNECT_TIMEOUT_S = 10
FIELD = "grading.db_url"


def database_name(course: Course) -> str:
    """The PostgreSQL database a course gets when its `db_url` names none."""
    return "hocso_" + re.sub(r"[^a-z0-9_]", "_", course.id)


def gradebook_url(course: Course) -> str:
    """The course's gradebook as an SQLAlchemy URL."""
    url = course.grading.db_url
    if url is None:
        return f"sqlite:///{course_runtime_dir(course) / 'gradebook.db'}"
    parts = urlsplit(url)
    if database_kind(url) == "postgresql" and not parts.path.strip("/"):
        return urlunsplit((parts.scheme, parts.netloc, "/" + database_name(course), parts.query, ""))
    return url


def open_gradebook_database(course: Course) -> str:
    """The gradebook URL, its database reachable and existing; CourseConfigError naming the field if not."""
    url = gradebook_url(course)
    if database_kind(url) == "postgresql":
        try:
            _ensure_postgresql_database(url)
        except _Unreachable as error:
            shown = f"{FIELD} = {redacted(url)!r}"
            problem = ConfigProblem(course.config_dir / "course.toml", shown, str(error))
            raise CourseConfigError.from_problems([problem]) from None
    return url


class _Unreachable(Exception):
    pass


@functools.cache
def _ensure_postgresql_database(url: str) -> None:
    """Connect to the course's database; create it first (from the server's `postgres` database) if missing."""
    import sqlalchemy
    from sqlalchemy.engine import make_url

    target = make_url(url)
    name = target.database or ""

    def connect(database: str) -> sqlalchemy.Connection:
        engine = sqlalchemy.create_engine(
            target.set(database=database),
            isolation_level="AUTOCOMMIT",
            poolclass=sqlalchemy.pool.NullPool,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
        )
        return engine.connect()

    try:
        with connect(name):
            return
    except sqlalchemy.exc.OperationalError as error:
        if f'database "{name}" does not exist' not in str(error.orig):
            raise _Unreachable(_why(target, error)) from None
    try:
        with connect("postgres") as connection:
            quoted = connection.dialect.identifier_preparer.quote(name)
            connection.execute(sqlalchemy.text(f"CREATE DATABASE {quoted}"))
    except sqlalchemy.exc.ProgrammingError as error:
        if "already exists" not in str(error.orig):  # another grader made it a moment ago: fine
            raise _Unreachable(
                f"database {name!r} does not exist and cannot be created here ({_first_line(error)}); "
                f"create it (createdb {name}) or give the role CREATEDB"
            ) from None
    except sqlalchemy.exc.OperationalError as error:
        raise _Unreachable(_why(target, error)) from None


def _why(target: object, error: Exception) -> str:
    host = getattr(target, "host", None) or "localhost"
    port = getattr(target, "port", None) or 5432
    return (
        f"cannot connect to the PostgreSQL server at {host}:{port} ({_first_line(error)}); "
        "start it, or correct the address (user, host, port, database) in course.toml"
    )


def _first_line(error: Exception) -> str:
    cause = getattr(error, "orig", None) or error
    return str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
