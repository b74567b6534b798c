"""Autograde with the fast engine against real nbgrader and its real gradebook."""

from __future__ import annotations

from nbgrader.api import Gradebook

from hocso.config import course_runtime_dir, gradebook_url
from hocso.graders.autograde import autograde_submissions
from hocso.graders.sandbox import Limits

from .conftest import MODULE, NOTEBOOK, submit

CORRECT = "def add(a, b):\n    return a + b"
PARTIAL = "def add(a, b):\n    return 3 if (a, b) == (1, 2) else a + b + 1"


def test_scores_land_in_nbgrader_gradebook(grading_course):
    submit(grading_course, "an", CORRECT)
    submit(grading_course, "binh", PARTIAL)
    submit(grading_course, "chi")  # unanswered
    summary = autograde_submissions(grading_course, MODULE, workers=2, limits=Limits(cell_timeout=5))
    assert {r.learner for r in summary.results} == {"an", "binh", "chi"}
    with Gradebook(gradebook_url(grading_course)) as gb:
        assert gb.find_submission(MODULE, "an").score == 3
        assert gb.find_submission(MODULE, "binh").score == 1
        assert gb.find_submission(MODULE, "chi").score == 0
    autograded = course_runtime_dir(grading_course) / "autograded" / "an" / MODULE / NOTEBOOK
    assert autograded.is_file()


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
