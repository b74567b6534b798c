"""The grading engine seam: the Dask engine on a real loopback LocalCluster, [grading] validation."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from sqlalchemy import create_engine, text

from hocso.cli import main
from hocso.config import CourseConfigError, course_runtime_dir, gradebook_url, load_course
from hocso.graders.autograde import GradeSettings, autograde_submissions
from hocso.graders.done_marker import DONE_MARKER
from hocso.graders.engines import DaskEngine, graded_on_worker
from hocso.graders.errors import GradingError
from hocso.graders.sandbox import Limits

from .conftest import MODULE, NOTEBOOK, submit

SLOW_CORRECT = "import time\ntime.sleep(2)\ndef add(a, b):\n    return a + b"
LEARNERS = [f"hv{index:02d}" for index in range(4)]


@pytest.mark.slow
def test_dask_worker_lost_mid_batch_every_submission_graded_once(grading_course, tmp_path):
    for learner in LEARNERS:
        submit(grading_course, learner, SLOW_CORRECT)
    killed: list[str] = []  # the learners the lost worker was grading
    with DaskEngine(workers=2) as engine:
        client = engine.client
        assert client is not None
        # the workers' own environment points elsewhere: the course's folders travel in the job
        client.run(os.environ.__setitem__, "HOCSO_HOME", str(tmp_path / "not-the-course"))

        def kill_a_busy_worker(_result: object) -> None:
            if killed:
                return
            busy = {worker: keys for worker, keys in client.processing().items() if keys}
            if not busy:  # between two jobs: try again at the next result
                return
            worker, keys = next(iter(busy.items()))
            killed.extend(key.split("-")[2] for key in keys)
            os.kill(client.run(os.getpid, workers=[worker])[worker], signal.SIGKILL)

        summary = autograde_submissions(
            grading_course,
            MODULE,
            limits=Limits(cell_timeout=15),
            on_result=kill_a_busy_worker,
            engine=engine,
        )
    assert killed and set(killed) <= set(LEARNERS)
    assert sorted(r.learner for r in summary.results) == LEARNERS  # each once, none lost
    assert all(r.ok and r.score == 3 for r in summary.results), summary.results
    runtime = course_runtime_dir(grading_course)
    with Gradebook(gradebook_url(grading_course)) as gb:
        assert {s.student.id: s.score for s in gb.assignment_submissions(MODULE)} == dict.fromkeys(
            LEARNERS, 3
        )
    with create_engine(gradebook_url(grading_course)).connect() as db:
        cells = db.execute(text("SELECT COUNT(*) FROM grade_cells")).scalar_one()
        rows = db.execute(
            text(
                "SELECT s.student_id, COUNT(*) FROM submitted_assignment s "
                "JOIN submitted_notebook n ON n.assignment_id = s.id "
                "JOIN grade g ON g.notebook_id = n.id GROUP BY s.student_id"
            )
        ).all()
    assert cells >= 1 and dict(rows) == dict.fromkeys(LEARNERS, cells)  # one row per grade cell, no duplicate
    for learner in LEARNERS:
        assert (runtime / "autograded" / learner / MODULE / NOTEBOOK).is_file()
        assert (runtime / "autograded" / learner / MODULE / DONE_MARKER).is_file()
    assert not (tmp_path / "not-the-course").exists()


def test_dask_job_refuses_without_the_strong_sandbox_it_asks_for(monkeypatch):
    """A worker machine without bubblewrap or cgroups must not grade 'strong' jobs weakly."""
    monkeypatch.setattr("hocso.graders.sandbox.missing_protections", lambda: ["bubblewrap is not installed"])
    ran: list[str] = []
    settings = GradeSettings("course_config/nbgrader_config.py", MODULE, strong_sandbox=True, language="en")
    with pytest.raises(GradingError, match="bubblewrap is not installed"):
        graded_on_worker(lambda learner, _s: ran.append(learner), "an", settings)  # type: ignore[arg-type,return-value]
    assert ran == []


def _with_grading(course_copy: Path, section: str) -> None:
    toml = course_copy / "course_config" / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"\n[grading]\n{section}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("section", "fragment"),
    [
        ('engine = "spark"', "grading.engine"),
        ('engine = "dask"\nscheduler = "http://10.0.0.5:8786"', "tcp://HOST:PORT"),
        ('scheduler = "tcp://10.0.0.5:8786"', 'only used with engine = "dask"'),
    ],
)
def test_grading_section_validated_at_load(course_copy, section, fragment):
    _with_grading(course_copy, section)
    with pytest.raises(CourseConfigError) as caught:
        load_course(course_copy)
    assert fragment in str(caught.value) and "course.toml" in str(caught.value)


def test_grading_section_read(course_copy):
    _with_grading(course_copy, 'engine = "dask"\nscheduler = "tcp://10.0.0.5:8786"')
    grading = load_course(course_copy).grading
    assert (grading.engine, grading.scheduler) == ("dask", "tcp://10.0.0.5:8786")


def test_cli_scheduler_address_checked_before_grading(course_copy, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["grade", "autograde", "m01", "--scheduler", "localhost:8786", "--course", str(course_copy)])
    assert exited.value.code != 0
    error = capsys.readouterr().err
    assert "--scheduler" in error and "tcp://HOST:PORT" in error and "Traceback" not in error
