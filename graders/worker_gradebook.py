"""nbgrader's Gradebook on one long-lived database engine per grading worker.

nbgrader opens a new `Gradebook` (a new SQLAlchemy engine, a schema check and an empty course
commit) about ten times per learner, so every query is compiled again and most of a learner's
grading time went into that set-up. `WorkerGradebook` is the same class with the same queries and
commits; it only keeps the engine (and so SQLAlchemy's compiled-statement cache) for the life of
the worker process.

The gradebook is SQLite (the default) or PostgreSQL (`[grading] db_url`); the queries and commits
are nbgrader's for both. A SQLite gradebook is put in WAL journal mode, so two workers do not block
each other while one reads. Workers write with `synchronous=NORMAL`: a commit survives the grader
being killed at once, but reaches the disk itself only when `make_durable` flushes the log, which
the grader does once per learner before marking that learner done (instead of at each of
nbgrader's ~16 commits). PostgreSQL needs none of this: readers never block writers, and a commit
is on the server's disk when it returns (its default `synchronous_commit`), so `make_durable` has
nothing to do. Either way a learner is never marked done before its grades are on disk.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jsonschema
import jsonschema.exceptions
import jsonschema.validators
import nbgrader.api
import nbgrader.converters.autograde
import nbgrader.preprocessors.latesubmissions
import nbgrader.preprocessors.overwritecells
import nbgrader.preprocessors.overwritekernelspec
import nbgrader.preprocessors.saveautogrades
from nbgrader.api import Gradebook
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import scoped_session, sessionmaker

from hocso.nbgrader_compat import use_in_process_alembic

use_in_process_alembic()  # nbgrader's Gradebook() must not need the `alembic` command on PATH

# the nbgrader modules that open a Gradebook while autograding one submission
AUTOGRADE_MODULES = (
    nbgrader.converters.autograde,
    nbgrader.preprocessors.latesubmissions,
    nbgrader.preprocessors.overwritecells,
    nbgrader.preprocessors.overwritekernelspec,
    nbgrader.preprocessors.saveautogrades,
)
BUSY_TIMEOUT_S = 60.0  # SQLite: how long a writer waits for another's lock
CONNECT_TIMEOUT_S = 30  # PostgreSQL: how long a worker waits for the server to answer
_engines: dict[tuple[int, str], Engine] = {}
_checked_courses: set[tuple[int, str, str]] = set()


def _on_connect(connection: Any, _record: Any) -> None:
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous=NORMAL")


def worker_engine(db_url: str) -> Engine:
    """This process's engine for `db_url`; a forked process never reuses its parent's."""
    key = (os.getpid(), db_url)
    if key not in _engines:
        sqlite = db_url.startswith("sqlite:")
        connect_args = {"timeout": BUSY_TIMEOUT_S} if sqlite else {"connect_timeout": CONNECT_TIMEOUT_S}
        engine = create_engine(db_url, echo=False, future=True, connect_args=connect_args)
        event.listen(engine, "connect", _on_connect)
        _engines[key] = engine
    return _engines[key]


def use_wal_journal(db_url: str) -> None:
    """Switch the gradebook to WAL once (it is stored in the file; nbgrader reads it unchanged)."""
    if db_url.startswith("sqlite:///"):
        connection = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=BUSY_TIMEOUT_S)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()


def make_durable(db_url: str) -> None:
    """Flush the gradebook's write-ahead log to disk: every grade committed so far is now safe.

    Only the `-wal` file is opened. Closing a descriptor of the database file itself would drop
    the POSIX locks SQLite holds on it in this process and can lose other processes' commits;
    SQLite takes no locks on the log, and syncs the database file itself at each checkpoint.
    """
    if not db_url.startswith("sqlite:///"):
        return
    try:
        handle = os.open(db_url.removeprefix("sqlite:///") + "-wal", os.O_RDONLY)
    except FileNotFoundError:  # no log: nothing committed is waiting in it
        return
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class WorkerGradebook(Gradebook):
    """nbgrader's Gradebook on the worker's engine; the tables exist (the parent opened them)."""

    def __init__(self, db_url: str, course_id: str = "default_course", authenticator: Any = None) -> None:
        self.engine = worker_engine(db_url)
        self.db = scoped_session(sessionmaker(autoflush=True, bind=self.engine, future=True))
        checked = (os.getpid(), db_url, course_id)
        if checked not in _checked_courses:  # nbgrader adds the course row once; it stays
            try:
                self.check_course(course_id=course_id)
            except IntegrityError:  # another grader (another run's worker) added it a moment ago
                self.db.rollback()
            _checked_courses.add(checked)
        self.course_id = course_id
        self.authenticator = authenticator

    def close(self) -> None:
        # the connection goes back to the engine's pool; `_close_before_fork` closes it before a fork
        self.db.remove()


def _close_before_fork() -> None:
    """No database connection may be inherited by a learner's forked grading process."""
    for (pid, _url), engine in _engines.items():
        if pid == os.getpid():
            engine.dispose()


os.register_at_fork(before=_close_before_fork)


def _same_as_jsonschema_validate(instance: Any, schema: Any, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate` without checking the same schema again for every cell.

    nbgrader validates each cell's metadata with `jsonschema.validate`, which re-checks the schema
    against its meta-schema and builds a new validator every time. This builds them once per
    schema and raises exactly the error `jsonschema.validate` would (its best match).
    """
    if args or kwargs:
        return _jsonschema_validate(instance, schema, *args, **kwargs)
    key = json.dumps(schema, sort_keys=True)
    if key not in _validators:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _validators[key] = cls(schema)
    error = jsonschema.exceptions.best_match(_validators[key].iter_errors(instance))
    if error is not None:
        raise error
    return None


_jsonschema_validate = jsonschema.validate
_validators: dict[str, Any] = {}


@contextmanager
def worker_gradebooks() -> Iterator[None]:
    """Let nbgrader's autograde converter and preprocessors open `WorkerGradebook`s (and validate
    cell metadata with cached schema validators)."""
    saved = [(module, module.Gradebook) for module in AUTOGRADE_MODULES]
    for module, _ in saved:
        module.Gradebook = WorkerGradebook
    jsonschema.validate = _same_as_jsonschema_validate
    try:
        yield
    finally:
        jsonschema.validate = _jsonschema_validate
        for module, original in saved:
            module.Gradebook = original
