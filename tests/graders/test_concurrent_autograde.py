"""Two `hocso grade autograde` runs on one course at the same time, on SQLite and on PostgreSQL.

Two instructors (or a cron job and an instructor) start grading the same module together. Between
them every learner is graded exactly once, neither run removes the other's work, and the gradebook
has one submission per learner with every grade row, each with the right score.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook

from hocso.config import course_runtime_dir, gradebook_url
from hocso.graders.autograde import DONE_MARKER

from .conftest import MODULE, submit

CORRECT = "def add(a, b):\n    return a + b"
WRONG = "def add(a, b):\n    return a - b"
LEARNERS = {f"hv{n:02d}": (CORRECT if n % 3 else WRONG) for n in range(8)}
GRADE_CELLS = 2  # test_add_basic (1 point) and test_add_hidden (2 points)


@pytest.mark.slow
def test_two_runs_at_once_grade_every_learner_once(course_on_each_db, isolated_data_home) -> None:
    course = course_on_each_db
    for learner, answer in LEARNERS.items():
        # a short pause in each answer keeps both runs busy at the same time
        submit(course, learner, answer + "\nimport time\ntime.sleep(0.3)")
    command = [sys.executable, "-m", "hocso", "grade", "autograde", MODULE, "--json", "--workers", "1"]
    command += ["--course", str(course.root)]
    env = dict(os.environ, HOCSO_HOME=str(isolated_data_home))
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in "ab"
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
    summaries = [json.loads(out) for out, _err in outputs]
    graded = [sorted(r["learner"] for r in summary["results"]) for summary in summaries]
    # every learner graded by exactly one of the two runs
    assert sorted(graded[0] + graded[1]) == sorted(LEARNERS)
    assert all(r["ok"] for summary in summaries for r in summary["results"])
    # what one run did not grade, the other was grading (or had graded) at the time
    for mine, summary in zip(graded, summaries, strict=True):
        assert sorted(mine + summary["elsewhere"] + summary["skipped"]) == sorted(LEARNERS)
    with Gradebook(gradebook_url(course)) as gb:
        submissions = gb.assignment_submissions(MODULE)
        assert sorted(s.student.id for s in submissions) == sorted(LEARNERS)
        for submission in submissions:
            [notebook] = submission.notebooks
            assert len(notebook.grades) == GRADE_CELLS
            assert submission.score == (3 if LEARNERS[submission.student.id] == CORRECT else 0)
    runtime = course_runtime_dir(course)
    for learner in LEARNERS:
        assert (runtime / "autograded" / learner / MODULE / DONE_MARKER).is_file()
