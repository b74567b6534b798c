"""Autograde a module's submissions with nbgrader's own converter and the forked fast executor.

nbgrader's Autograde converter does everything that makes results compatible (sanitising, restoring
locked and hidden-test cells from the gradebook, checksums, writing grades into the real gradebook,
`autograded/<learner>/<module>/`). We only swap its Execute preprocessor for `FastExecute` and split
learners across worker processes. A learner whose autograded folder is complete is skipped, so a
killed run resumes where it stopped.
"""

from __future__ import annotations

import functools
import logging
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import nbformat
import nbgrader.api
from hocso.graders.errors import GradingError
from hocso.graders.fast_execute import FastExecute
from hocso.graders.sandbox import Limits
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)
from traitlets.config import Config, PyFileConfigLoader

from hocso.config import Course, course_runtime_dir, gradebook_url

# nbgrader runs `alembic heads` in a subprocess on every Gradebook(); the answer never changes
nbgrader.api.get_alembic_version = functools.cache(nbgrader.api.get_alembic_version)
DONE_MARKER = ".hocso-graded"
STOP_ERRORS = {"NotRun", "CellTimeoutError"}


@dataclass(frozen=True)
class GradeSettings:
    """Everything a worker needs; plain data so it pickles into any process pool."""

    config_file: str
    assignment: str
    limits: Limits = field(default_factory=Limits)


@dataclass
class LearnerResult:
    """What grading one learner's submission produced."""

    learner: str
    ok: bool
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0
    reason: str = ""


@dataclass
class BatchSummary:
    results: list[LearnerResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def nbgrader_config(config_file: str, limits: Limits) -> Config:
    """The course's nbgrader config with Execute replaced by the fast, limited executor."""
    path = Path(config_file)
    config = PyFileConfigLoader(path.name, str(path.parent)).load_config()
    config.Autograde.autograde_preprocessors = [
        FastExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    config.FastExecute.cell_timeout = limits.cell_timeout
    config.FastExecute.notebook_timeout = limits.notebook_timeout
    config.FastExecute.memory_mb = limits.memory_mb
    config.FastExecute.max_processes = limits.max_processes
    config.FastExecute.max_output_bytes = limits.max_output_bytes
    runtime = Path(config.CourseDirectory.root)
    config.FastExecute.protected_dirs = [str(runtime), config.CourseDirectory.source_directory]
    return config


def grade_submission(learner: str, settings: GradeSettings) -> LearnerResult:
    """Grade one learner: a plain, picklable task so any pool (or Dask) can run it."""
    started = time.monotonic()
    config = nbgrader_config(settings.config_file, settings.limits)
    config.CourseDirectory.student_id = learner
    config.CourseDirectory.assignment_id = settings.assignment
    config.Autograde.force = True
    coursedir = CourseDirectory(config=config)
    log = logging.getLogger(f"hocso.graders.{learner}")
    log.setLevel(logging.CRITICAL)
    converter = Autograde(coursedir=coursedir, config=config, log=log)
    out_dir = Path(coursedir.format_path(coursedir.autograded_directory, learner, settings.assignment))
    reason = ""
    try:
        converter.start()
    except Exception as error:  # nbgrader reports bad submissions this way; record, never stop the batch
        reason = _reason_from(converter, error, learner)
    reason = reason or _stopped_reason(out_dir)
    score, max_score = _gradebook_score(config.CourseDirectory.db_url, settings.assignment, learner)
    ok = not reason
    if out_dir.is_dir():
        (out_dir / DONE_MARKER).write_text(reason or "ok", encoding="utf-8")
    return LearnerResult(learner, ok, score, max_score, time.monotonic() - started, reason)


def _reason_from(converter: Autograde, error: Exception, learner: str) -> str:
    failed = getattr(converter, "failed_notebooks", None)
    detail = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    return f"learner {learner}: {detail}" + (f" ({failed})" if failed else "")


def _stopped_reason(out_dir: Path) -> str:
    """The first cell the fast executor could not finish, read back from the autograded notebooks."""
    for path in sorted(out_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for number, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and output.get("ename") in STOP_ERRORS:
                    detail = output.get("evalue") or output.get("ename")
                    return f"{path.name}, code cell {number + 1}: {detail}"
    return ""


def _gradebook_score(db_url: str, assignment: str, learner: str) -> tuple[float, float]:
    with Gradebook(db_url) as gb:
        try:
            submission = gb.find_submission(assignment, learner)
        except MissingEntry:
            return 0.0, 0.0
        return float(submission.score), float(submission.max_score)


def pending_learners(course: Course, assignment: str) -> tuple[list[str], list[str]]:
    """Learners with a submission and no finished autograded folder; and those already done."""
    runtime = course_runtime_dir(course)
    submitted = runtime / "submitted"
    if not submitted.is_dir():
        raise GradingError(f"no submissions in {submitted}; run `hocso grade collect {assignment}` first")
    pending, done = [], []
    for learner_dir in sorted(submitted.iterdir()):
        if not (learner_dir / assignment).is_dir():
            continue
        marker = runtime / "autograded" / learner_dir.name / assignment / DONE_MARKER
        (done if marker.exists() else pending).append(learner_dir.name)
    for learner in pending:  # a folder left by a killed run is incomplete: grade it again from scratch
        shutil.rmtree(runtime / "autograded" / learner / assignment, ignore_errors=True)
    return pending, done


def autograde_submissions(
    course: Course,
    assignment: str,
    workers: int = 2,
    limits: Limits | None = None,
    on_result: object = None,
) -> BatchSummary:
    """Grade every pending submission of `assignment` in a fork-based process pool."""
    course.module(assignment)
    with Gradebook(gradebook_url(course)) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry as error:
            raise GradingError(
                f"module {assignment} was never released; run `hocso grade release {assignment}`"
            ) from error
    started = time.monotonic()
    pending, done = pending_learners(course, assignment)
    settings = GradeSettings(str(course.config_dir / "nbgrader_config.py"), assignment, limits or Limits())
    summary = BatchSummary(skipped=done)
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=get_context("fork")) as pool:
        for result in pool.map(grade_submission, pending, [settings] * len(pending)):
            summary.results.append(result)
            if callable(on_result):
                on_result(result)
    summary.seconds = time.monotonic() - started
    return summary
