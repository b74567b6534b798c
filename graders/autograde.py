"""Autograde a module's submissions with nbgrader's own converter and the forked fast executor.

nbgrader's Autograde converter does everything that makes results compatible (sanitising, restoring
locked and hidden-test cells from the gradebook, checksums, writing grades into the real gradebook,
`autograded/<learner>/<module>/`). We swap its Execute preprocessor for `FastExecute`, split
learners across worker processes, and keep one converter and one gradebook engine per worker
(`BatchAutograde`, `WorkerGradebook`) instead of rebuilding them for every learner. A learner whose
autograded folder carries the done-marker (written after its grades are on disk) of the files it
has now is skipped (`hocso.graders.done_marker`), so a killed run resumes where it stopped and a
newly collected submission is graded again without flags; `force` grades everyone again.

Each submission runs in the OS sandbox of `hocso.graders.sandbox`; where this machine cannot give
it, grading refuses unless the caller allows the weak one. A submission caught tampering with its
own grading gets no automatic score (its grades wait for a person: "needs review"), and a
submission that cannot be graded loses whatever score an earlier run gave it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbconvert.writers.files import FilesWriter
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
from sqlalchemy.exc import SAWarning
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from hocso.config import Course, LanguageCode, course_runtime_dir, open_gradebook_database
from hocso.graders.claims import LearnerClaims
from hocso.graders.done_marker import (
    DONE_MARKER,
    GradingRecord,
    is_current,
    submission_fingerprint,
    write_record,
)
from hocso.graders.engines import GradingEngine, LocalEngine
from hocso.graders.errors import GradingError
from hocso.graders.fast_execute import FastExecute
from hocso.graders.sandbox import Limits, missing_protections
from hocso.graders.worker_gradebook import (
    WorkerGradebook,
    make_durable,
    use_wal_journal,
    worker_gradebooks,
)
from hocso.graders.zygote import ZygoteRoot
from hocso.i18n import LANGUAGE_ENV, normalize_language, t
from hocso.nbgrader_compat import use_in_process_alembic

use_in_process_alembic()  # nbgrader's Gradebook() must not need the `alembic` command on PATH

__all__ = ["DONE_MARKER", "autograde_submissions", "grade_submission", "pending_learners"]


@dataclass(frozen=True)
class GradeSettings:
    """Everything a worker needs, in the job (no environment variable): plain data that pickles into
    any process pool or Dask cluster.

    `runtime_dir` and `db_url` are the course's nbgrader root and gradebook as the caller resolved
    them (its `HOCSO_HOME`), so a worker whose environment differs grades the same course;
    `language` is the course language for the reasons a worker writes (None: the worker's own)."""

    config_file: str
    assignment: str
    limits: Limits = field(default_factory=Limits)
    strong_sandbox: bool = True
    runtime_dir: str = ""
    db_url: str = ""
    language: LanguageCode | None = None


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
    skipped: list[str] = field(default_factory=list)  # graded as they are now
    seconds: float = 0.0
    elsewhere: list[str] = field(default_factory=list)  # being graded by another run at the same time


def nbgrader_config(
    config_file: str, limits: Limits, strong_sandbox: bool = True, runtime_dir: str = "", db_url: str = ""
) -> Config:
    """The course's nbgrader config with Execute replaced by the fast, sandboxed executor.

    `runtime_dir`, `db_url`: the course root and gradebook to use, whatever the config file derives
    from this process's environment."""
    path = Path(config_file)
    config = PyFileConfigLoader(path.name, str(path.parent)).load_config()
    if runtime_dir:
        config.CourseDirectory.root = runtime_dir
        config.Exchange.root = str(Path(runtime_dir) / "exchange")
    if db_url:
        config.CourseDirectory.db_url = db_url
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
    config.FastExecute.disk_mb = limits.disk_mb
    runtime = Path(config.CourseDirectory.root)
    config.FastExecute.protected_dirs = [str(runtime), config.CourseDirectory.source_directory]
    config.FastExecute.workspace = str(runtime)
    if isinstance(config.CourseDirectory.get("submitted_directory"), str):
        config.FastExecute.submitted_directory = config.CourseDirectory.submitted_directory
    config.FastExecute.strong_sandbox = strong_sandbox
    return config


class BatchAutograde(Autograde):
    """nbgrader's Autograde converter, kept for many learners by one worker.

    Stock `Autograde.start()` builds a writer, an exporter and every preprocessor again for each
    learner (and each notebook, twice). Here they are built once per worker; each learner still
    goes through nbgrader's own `init_notebooks` and `convert_notebooks` unchanged.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.writer = FilesWriter(parent=self, config=self.config)
        self.exporter = self.exporter_class(parent=self, config=self.config)
        self._built: dict[bool, list[object]] = {}

    def _init_preprocessors(self) -> None:
        if self._sanitizing not in self._built:
            self.exporter._preprocessors = []
            for preprocessor in (
                self.sanitize_preprocessors if self._sanitizing else self.autograde_preprocessors
            ):
                self.exporter.register_preprocessor(preprocessor)
            self._built[self._sanitizing] = list(self.exporter._preprocessors)
        self.exporter._preprocessors = list(self._built[self._sanitizing])

    def prepare(self) -> None:
        """Build both preprocessor chains now, before workers fork.

        The executor's IPython shell is not built here: it lives in the zygote root
        (`hocso.graders.zygote.ZygoteRoot`), which hands each worker its own zygote.
        """
        for sanitizing in (True, False):
            self._sanitizing = sanitizing
            self._init_preprocessors()
        self._sanitizing = True

    def fast_execute(self) -> FastExecute | None:
        """The executor instance, once built, to read why notebooks stopped."""
        return next((p for p in self._built.get(False, []) if isinstance(p, FastExecute)), None)

    def grade_learner(self, learner: str) -> None:
        """`Autograde.start()` for one learner, on the converter's prepared exporter."""
        self.coursedir.student_id = learner
        self.init_notebooks()
        previous = os.getcwd()
        os.chdir(self.coursedir.root)
        try:
            self.convert_notebooks()
        finally:
            os.chdir(previous)


_converters: dict[tuple[GradeSettings, str], BatchAutograde] = {}


def _converter(settings: GradeSettings) -> BatchAutograde:
    """The converter for these settings, built on first use (forked workers inherit it warm)."""
    key = (settings, "" if settings.runtime_dir else os.environ.get("HOCSO_HOME", ""))
    if key not in _converters:
        config = nbgrader_config(
            settings.config_file,
            settings.limits,
            settings.strong_sandbox,
            settings.runtime_dir,
            settings.db_url,
        )
        config.CourseDirectory.assignment_id = settings.assignment
        config.Autograde.force = True
        log = logging.getLogger("hocso.graders.autograde.nbgrader")
        log.setLevel(logging.ERROR)
        log.propagate = False  # kept for the learner's reason, not printed over the progress bar
        if not any(isinstance(h, _NbgraderErrors) for h in log.handlers):
            log.addHandler(_NbgraderErrors())
        _converters[key] = BatchAutograde(coursedir=CourseDirectory(config=config), config=config, log=log)
    return _converters[key]


class _NbgraderErrors(logging.Handler):
    """Keeps what nbgrader logs as errors (it logs the real traceback, then raises a generic one)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _logged_errors(converter: BatchAutograde) -> list[str]:
    handler = next(h for h in converter.log.handlers if isinstance(h, _NbgraderErrors))
    return handler.messages


def grade_submission(learner: str, settings: GradeSettings) -> LearnerResult:
    """Grade one learner: a plain, picklable task so any pool (or Dask) can run it."""
    started = time.monotonic()
    with worker_gradebooks(), warnings.catch_warnings():
        # nbgrader's add_submission builds rows before adding them to the session; SQLAlchemy 2 warns
        # on every learner (the rows are added right after), which only buried the progress bar
        warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")
        converter = _converter(settings)
        executor = converter.fast_execute()
        if executor is not None:
            executor.stops.clear()
            executor.reviews.clear()
        _logged_errors(converter).clear()
        out_dir = Path(
            converter.coursedir.format_path(
                converter.coursedir.autograded_directory, learner, settings.assignment
            )
        )
        submitted = converter.coursedir.format_path(
            converter.coursedir.submitted_directory, learner, settings.assignment
        )
        fingerprint = submission_fingerprint(Path(submitted))  # of what is graded, before it may change
        reason = ""
        try:
            converter.grade_learner(learner)
        except Exception as error:  # nbgrader reports bad submissions this way; record, never stop the batch
            reason = _reason_from(converter, error, learner)
        executor = converter.fast_execute()
        reviews = list(executor.reviews) if executor is not None else []
        held = bool(reason or reviews)
        if held:  # no automatic score: not a stale one, not one it may have forged
            _hold_for_review(converter.coursedir.db_url, settings.assignment, learner)
        reason = reason or "; ".join(reviews or (executor.stops if executor else []))  # every one of them
        score, max_score = _gradebook_score(converter.coursedir.db_url, settings.assignment, learner)
        make_durable(converter.coursedir.db_url)
    # written last: only now is the learner done (its grades are committed); a failure is marked too,
    # so the same files are not retried on every run
    write_record(out_dir, GradingRecord(fingerprint, not reason, reason, scored=not held))
    return LearnerResult(learner, not reason, score, max_score, time.monotonic() - started, reason)


def _hold_for_review(db_url: str, assignment: str, learner: str) -> None:
    """Every grade of this submission back to no automatic score, flagged for a person to grade.

    Used when grading failed (an earlier run's score must not stay) or the submission tampered
    with its own grading (the scores it got are not evidence)."""
    with WorkerGradebook(db_url) as gb:
        try:
            submission = gb.find_submission(assignment, learner)
        except MissingEntry:
            return
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0.0
                grade.manual_score = None
                grade.needs_manual_grade = True
        gb.db.commit()


def _reason_from(converter: BatchAutograde, error: Exception, learner: str) -> str:
    """Why nbgrader could not grade it, in the course language: the exception nbgrader logged (the
    real cause) when its traceback ends in one, never a line of source code."""
    tracebacks = [m for m in _logged_errors(converter) if m.startswith("Traceback")]
    lines = (tracebacks[0] if tracebacks else "").strip().splitlines()
    last = lines[-1].strip() if lines else f"{type(error).__name__}: {error}"
    if not _EXCEPTION_LINE.match(last):  # e.g. "    return fields": the traceback was cut short
        last = type(error).__name__
    return t("graders.autograde.not_gradable", why=last)


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Warning|Interrupt)\b")


def _gradebook_score(db_url: str, assignment: str, learner: str) -> tuple[float, float]:
    with WorkerGradebook(db_url) as gb:
        try:
            submission = gb.find_submission(assignment, learner)
        except MissingEntry:
            return 0.0, 0.0
        return float(submission.score), float(submission.max_score)


def pending_learners(course: Course, assignment: str, force: bool = False) -> tuple[list[str], list[str]]:
    """Learners whose submission was not graded as it is now (or everyone, `force`); and the others.

    Only a list: `claim_learners` takes them for this run (another run may be grading some)."""
    runtime = course_runtime_dir(course)
    submitted = runtime / "submitted"
    if not submitted.is_dir():
        raise GradingError(f"no submissions in {submitted}; run `hocso grade collect {assignment}` first")
    pending: list[str] = []
    done: list[str] = []
    for learner_dir in sorted(submitted.iterdir()):
        if not (learner_dir / assignment).is_dir():
            continue
        graded = runtime / "autograded" / learner_dir.name / assignment
        current = not force and is_current(graded, learner_dir / assignment)
        (done if current else pending).append(learner_dir.name)
    return pending, done


def claim_learners(
    claims: LearnerClaims, course: Course, assignment: str, pending: list[str], force: bool = False
) -> tuple[list[str], list[str], list[str]]:
    """Of `pending`: the learners this run now grades, those another run graded meanwhile, and those
    another run is grading now (`hocso.graders.claims`)."""
    runtime = course_runtime_dir(course)
    mine: list[str] = []
    graded: list[str] = []
    elsewhere: list[str] = []
    for learner in pending:
        if not claims.take(learner):
            elsewhere.append(learner)
            continue
        folder = runtime / "autograded" / learner / assignment
        if not force and is_current(folder, runtime / "submitted" / learner / assignment):
            claims.release(learner)
            graded.append(learner)
            continue
        shutil.rmtree(folder, ignore_errors=True)  # left by a killed run, incomplete: graded from scratch
        mine.append(learner)
    return mine, graded, elsewhere


def sandbox_for(allow_weak_sandbox: bool) -> bool:
    """Whether the strong sandbox is used; GradingError when it is missing and weak is not allowed."""
    missing = missing_protections()
    if missing and not allow_weak_sandbox:
        raise GradingError(t("graders.autograde.sandbox_missing", missing="; ".join(missing)))
    return not missing


def autograde_submissions(
    course: Course,
    assignment: str,
    workers: int | None = None,
    limits: Limits | None = None,
    on_result: Callable[[LearnerResult], object] | None = None,
    zygotes: ZygoteRoot | None = None,
    allow_weak_sandbox: bool = False,
    force: bool = False,
    on_start: Callable[[int], object] | None = None,
    engine: GradingEngine | None = None,
) -> BatchSummary:
    """Grade every pending submission of `assignment` (every one, `force`) on `engine` (default: a
    fork-based pool of `workers` processes on this machine, `LocalEngine`; its default is
    `GradingSettings.worker_count`, as for `hocso grade autograde`).

    `on_start(n)` is called once the module is known to be released, before the first of `n`
    submissions is graded (a progress bar starts there); `on_result` as each one finishes.

    `zygotes`: a zygote root the caller started early (the CLI does, before importing nbgrader);
    otherwise one is started here (a Dask worker starts its own). Without the strong sandbox this
    raises GradingError unless `allow_weak_sandbox`.
    """
    course.module(assignment)
    strong = sandbox_for(allow_weak_sandbox) if zygotes is None else zygotes.strong
    url = open_gradebook_database(course)
    with Gradebook(url, course_id=course.id) as gb:  # release added this course's row: nothing to add
        try:
            gb.find_assignment(assignment)
        except MissingEntry as error:
            raise GradingError(
                f"module {assignment} was never released; run `hocso grade release {assignment}`"
            ) from error
    use_wal_journal(url)
    started = time.monotonic()
    pending, done = pending_learners(course, assignment, force)
    claims = LearnerClaims(course_runtime_dir(course), assignment)
    settings = GradeSettings(
        str(course.config_dir / "nbgrader_config.py"),
        assignment,
        limits or Limits(),
        strong,
        runtime_dir=str(course_runtime_dir(course)),
        db_url=url,
        language=normalize_language(chosen) if (chosen := os.environ.get(LANGUAGE_ENV)) else None,
    )
    with contextlib.ExitStack() as stack:
        stack.enter_context(claims)
        pending, graded_meanwhile, elsewhere = claim_learners(claims, course, assignment, pending, force)
        summary = BatchSummary(skipped=sorted(done + graded_meanwhile), elsewhere=elsewhere)
        if on_start is not None:
            on_start(len(pending))
        if not pending:
            summary.seconds = time.monotonic() - started
            return summary
        if engine is None:
            engine = stack.enter_context(LocalEngine(workers, zygotes))
        if engine.forks_from_caller:
            _converter(settings).prepare()  # once here rather than in every worker
        for result in engine.run(grade_submission, pending, settings):
            claims.release(result.learner)  # its grades are committed and its done-marker written
            summary.results.append(result)
            if on_result is not None:
                on_result(result)
    summary.results.sort(key=lambda result: pending.index(result.learner))
    summary.seconds = time.monotonic() - started
    return summary
