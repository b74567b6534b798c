"""Autograde with the fast engine against real nbgrader and its real gradebook."""

from __future__ import annotations

import contextlib
import io

import nbformat
from nbgrader.api import Gradebook

from hocso.config import course_runtime_dir, gradebook_url
from hocso.graders.autograde import autograde_submissions
from hocso.graders.sandbox import Limits

from .conftest import MODULE, NOTEBOOK, submit

CORRECT = "def add(a, b):\n    return a + b"
PARTIAL = "def add(a, b):\n    return 3 if (a, b) == (1, 2) else a + b + 1"


def _forging_answer(db_url: str) -> str:
    """An answer that scores nothing and then, as an attacker would, opens the gradebook to give every
    grade 99 points: the SQLite file, or the PostgreSQL server on loopback (trusting local users)."""
    if db_url.startswith("sqlite:"):
        opens = f"import sqlite3\n    db = sqlite3.connect({db_url.removeprefix('sqlite:///')!r})"
        forges = 'db.execute("UPDATE grade SET manual_score = 99"); db.commit()'
    else:
        conninfo = db_url.replace("postgresql+psycopg://", "postgresql://")
        opens = f"import psycopg\n    db = psycopg.connect({conninfo!r}, connect_timeout=3, autocommit=True)"
        forges = 'db.execute("UPDATE grade SET manual_score = 99")'
    return (
        "def add(a, b):\n    return 0\n"
        f"try:\n    {opens}\n    {forges}\n    print('FORGED')\n"
        "except Exception as error:\n    print('blocked', type(error).__name__)\n"
    )


def test_scores_land_in_nbgrader_gradebook(course_on_each_db):
    """On SQLite and on PostgreSQL; a submission that reaches for the gradebook cannot touch it."""
    url = gradebook_url(course_on_each_db)
    submit(course_on_each_db, "an", CORRECT)
    submit(course_on_each_db, "binh", PARTIAL)
    submit(course_on_each_db, "chi")  # unanswered
    submit(course_on_each_db, "zz_forger", _forging_answer(url))
    summary = autograde_submissions(course_on_each_db, MODULE, workers=2, limits=Limits(cell_timeout=5))
    assert {r.learner for r in summary.results} == {"an", "binh", "chi", "zz_forger"}
    with Gradebook(url) as gb:
        assert gb.find_submission(MODULE, "an").score == 3
        assert gb.find_submission(MODULE, "binh").score == 1
        assert gb.find_submission(MODULE, "chi").score == 0
        assert gb.find_submission(MODULE, "zz_forger").score == 0
    runtime = course_runtime_dir(course_on_each_db)
    autograded = runtime / "autograded" / "an" / MODULE / NOTEBOOK
    assert autograded.is_file()
    forger = nbformat.read(runtime / "autograded" / "zz_forger" / MODULE / NOTEBOOK, as_version=4)
    printed = "".join(o.get("text", "") for c in forger.cells if c.cell_type == "code" for o in c.outputs)
    assert "blocked OperationalError" in printed and "FORGED" not in printed
    # the same answer outside the sandbox does forge: the attack is real, the sandbox stops it
    control = io.StringIO()
    with contextlib.redirect_stdout(control):
        exec(_forging_answer(url), {})
    assert control.getvalue().strip() == "FORGED"
    with Gradebook(url) as gb:
        assert gb.find_submission(MODULE, "an").score == 99 * 2


def test_rerun_grades_only_what_is_left(grading_course):
    submit(grading_course, "an", CORRECT)
    first = autograde_submissions(grading_course, MODULE, workers=1)
    submit(grading_course, "binh", CORRECT)
    second = autograde_submissions(grading_course, MODULE, workers=1)
    assert [r.learner for r in first.results] == ["an"]
    assert [r.learner for r in second.results] == ["binh"]
    assert second.skipped == ["an"]


def test_killed_batch_loses_nothing_and_resumes(grading_course):
    import os
    import signal
    import subprocess
    import sys
    import time

    submit(grading_course, "a_fast", CORRECT)
    submit(grading_course, "b_slow", CORRECT + "\nimport time\ntime.sleep(20)")
    submit(grading_course, "c_after", CORRECT)
    runtime = course_runtime_dir(grading_course)
    command = [sys.executable, "-m", "hocso", "grade", "autograde", MODULE, "--workers", "1", "--json"]
    command += ["--course", str(grading_course.root)]
    grader = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    marker = runtime / "autograded" / "a_fast" / MODULE / ".hocso-graded"
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(grader.pid, signal.SIGKILL)
    grader.wait()
    assert marker.exists()
    summary = autograde_submissions(grading_course, MODULE, workers=1, limits=Limits(cell_timeout=1))
    assert summary.skipped == ["a_fast"]
    assert sorted(r.learner for r in summary.results) == ["b_slow", "c_after"]
    with Gradebook(gradebook_url(grading_course)) as gb:
        assert {s.student.id: s.score for s in gb.assignment_submissions(MODULE)} == {
            "a_fast": 3,
            "b_slow": 3,
            "c_after": 3,
        }
