"""`[grading] db_url`: its shape checked at load, its server checked once before the gradebook opens,
both as one clear error naming course.toml and the field, never with the database password."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from hocso.config import CourseConfigError, gradebook_url, load_course, open_gradebook_database
from hocso.config.gradebook import database_name

SECRET = "s3cret-pw"


def _with_db_url(root: Path, url: str) -> None:
    toml = root / "course_config" / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f'\n[grading]\ndb_url = "{url}"\n', encoding="utf-8")


@pytest.mark.parametrize(
    ("url", "fragments"),
    [
        (f"mysql://hocso:{SECRET}@db/grades", ["grading.db_url", "mysql database scheme is not supported"]),
        ("sqlite:///gradebook.db", ["grading.db_url", "absolute path"]),
        (f"postgresql://hocso:{SECRET}@/grades", ["grading.db_url", "names no server", "hocso:***@"]),
        (f"postgresql://hocso:{SECRET}@db:port/grades", ["grading.db_url", "no valid port"]),
        ("https://example.org/grades", ["grading.db_url", "https database scheme is not supported"]),
    ],
)
def test_a_bad_db_url_is_refused_at_load(course_copy: Path, url: str, fragments: list[str]) -> None:
    _with_db_url(course_copy, url)
    with pytest.raises(CourseConfigError) as caught:
        load_course(course_copy)
    message = str(caught.value)
    assert "course.toml" in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from:\n{message}"
    assert SECRET not in message


def test_defaults_sqlite_and_postgresql_spelled_with_its_driver(
    course_copy: Path, isolated_data_home: Path
) -> None:
    course = load_course(course_copy)
    assert gradebook_url(course) == f"sqlite:///{isolated_data_home / 'courses' / course.id / 'gradebook.db'}"
    _with_db_url(course_copy, "postgresql://grader@10.0.0.5:5433")
    course = load_course(course_copy)
    assert course.grading.db_url == "postgresql+psycopg://grader@10.0.0.5:5433"
    # one database per course: a server without a database name gets the course's own
    assert gradebook_url(course) == f"postgresql+psycopg://grader@10.0.0.5:5433/{database_name(course)}"
    assert database_name(course) == "hocso_hocso_101"


def test_an_unreachable_server_names_the_field_and_hides_the_password(course_copy: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _with_db_url(course_copy, f"postgresql+psycopg://hocso:{SECRET}@127.0.0.1:{port}/grades")
    course = load_course(course_copy)  # the shape is fine; nothing is contacted at load
    with pytest.raises(CourseConfigError) as caught:
        open_gradebook_database(course)
    message = str(caught.value)
    assert "course.toml: grading.db_url" in message
    assert f"cannot connect to the PostgreSQL server at 127.0.0.1:{port}" in message
    assert "hocso:***@" in message and SECRET not in message


@pytest.mark.slow
def test_the_course_database_is_made_on_first_use(course_copy: Path, postgres) -> None:
    _with_db_url(course_copy, postgres.server_url)
    course = load_course(course_copy)
    url = open_gradebook_database(course)
    assert url.endswith(f"/{database_name(course)}")
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == (database_name(course),)
    assert open_gradebook_database(course) == url  # again: it exists, nothing else happens
