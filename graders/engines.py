"""Where grading jobs run: the engine seam between `autograde_submissions` and a pool of workers.

A grading job is `task(learner, settings)`, a plain picklable function of plain data
(`hocso.graders.autograde.grade_submission` and `GradeSettings`). An engine runs a batch of them
and yields each result as it finishes; the caller counts and reports them. Two engines:

- `LocalEngine`: a fork-based process pool on this machine. Workers inherit the caller's warm
  nbgrader converter and reach the zygote root the caller started before importing nbgrader.
- `DaskEngine`: any `distributed` cluster (a scheduler address, or a loopback `LocalCluster` whose
  workers are forked from the caller, warm, sharing its zygote root as the local engine's do).
  A worker checks that it can give the strong sandbox the job asks for (and refuses otherwise),
  runs one job at a time, and, where no root serves the course's folder (a worker on another
  machine), starts its own sandboxed zygote root on its first job.

A job whose worker is lost is run again on another worker (the scheduler does this); a job that
ran twice changes nothing: nbgrader's converter (forced) replaces the autograded folder and
updates the gradebook's rows in place, and the done-marker is written last. An engine yields
each learner once, however many times its job ran.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import TYPE_CHECKING, Protocol

from hocso.config.models import EngineName, GradingSettings

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

    from hocso.graders.autograde import GradeSettings, LearnerResult
    from hocso.graders.zygote import ZygoteRoot

__all__ = ["DaskEngine", "EngineName", "GradingEngine", "LocalEngine", "engine_for"]

GradingTask = Callable[[str, "GradeSettings"], "LearnerResult"]


class GradingEngine(Protocol):
    """Runs grading jobs and yields their results as they finish, each learner once."""

    #: whether workers are forked from the caller (so warming its converter first pays off)
    forks_from_caller: bool

    def run(
        self, task: GradingTask, learners: Sequence[str], settings: GradeSettings
    ) -> Iterator[LearnerResult]: ...

    def __enter__(self) -> GradingEngine: ...

    def __exit__(self, *exc: object) -> None: ...


def _die_with_grader() -> None:
    """Pool initializer: a worker ends when the process that started it ends (even by kill -9)."""
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:
        os._exit(1)


class LocalEngine:
    """A fork-based process pool on this machine (the default engine)."""

    forks_from_caller = True

    def __init__(self, workers: int | None = None, zygotes: ZygoteRoot | None = None) -> None:
        self.workers = max(1, workers or GradingSettings(engine="local").worker_count)
        self.zygotes = zygotes
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def run(
        self, task: GradingTask, learners: Sequence[str], settings: GradeSettings
    ) -> Iterator[LearnerResult]:
        from hocso.graders.zygote import ZygoteRoot

        with contextlib.ExitStack() as stack:
            if self.zygotes is None:  # workers find this root through the fork
                stack.enter_context(ZygoteRoot([settings.runtime_dir], settings.strong_sandbox))
            pool = stack.enter_context(
                ProcessPoolExecutor(
                    self.workers, mp_context=get_context("fork"), initializer=_die_with_grader
                )
            )
            futures = [pool.submit(task, learner, settings) for learner in learners]
            for future in as_completed(futures):  # as each finishes: a slow one holds back no other
                yield future.result()


# one job at a time per worker process: the converter, the working folder and the zygote are the process's
_one_job = threading.Lock()
_strong_here: set[int] = set()  # processes that found the strong sandbox available


def graded_on_worker(task: GradingTask, learner: str, settings: GradeSettings) -> LearnerResult:
    """A Dask job: the strong sandbox checked here, on the worker's machine, then `task`.

    The zygote comes from the root this worker inherited (a LocalCluster's workers are forked from
    the grader, after it started its root) or, where none serves the course's folder (a worker on
    another machine), from a root of its own started on its first job (`hocso.graders.zygote`)."""
    from hocso.graders.errors import GradingError
    from hocso.graders.sandbox import missing_protections
    from hocso.i18n import LANGUAGE_ENV, t

    with _one_job:
        if settings.strong_sandbox and os.getpid() not in _strong_here:
            if missing := missing_protections():
                raise GradingError(
                    t(
                        "graders.autograde.sandbox_missing",
                        settings.language,
                        missing="; ".join(missing),
                    )
                )
            _strong_here.add(os.getpid())
        if settings.language:  # the job's language, for the messages this process writes
            os.environ[LANGUAGE_ENV] = settings.language
        return task(learner, settings)


class DaskEngine:
    """Grading jobs on a Dask cluster: `scheduler` (e.g. ``tcp://10.0.0.5:8786``) or, without it,
    a `LocalCluster` of `workers` single-threaded worker processes on loopback, forked from this
    process when the engine is entered (so they share the zygote root it holds then, if any)."""

    forks_from_caller = False

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        self.scheduler = scheduler
        self.workers = max(1, workers or GradingSettings(engine="dask").worker_count)
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None
        self._config = contextlib.ExitStack()  # dask settings held while the cluster may (re)start workers

    def __enter__(self) -> DaskEngine:
        import dask
        from distributed import Client, LocalCluster

        if self.scheduler is None:
            # workers forked from this grader, as the local engine's are: nbgrader, nbconvert and
            # SQLAlchemy already imported (spawned workers imported them again, ~2 s of CPU each);
            # a worker started again after one is lost is forked the same way
            self._config.enter_context(dask.config.set({"distributed.worker.multiprocessing-method": "fork"}))
            import hocso.graders.autograde  # noqa: F401 - imported before the fork, for the workers

            self.cluster = LocalCluster(
                host="127.0.0.1",
                dashboard_address=None,
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
            )
            self.client = Client(self.cluster)
        else:
            self.client = Client(self.scheduler, timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self._config.close()
        self.client = self.cluster = None

    def run(
        self, task: GradingTask, learners: Sequence[str], settings: GradeSettings
    ) -> Iterator[LearnerResult]:
        from distributed import as_completed as dask_completed

        if self.client is None:
            raise RuntimeError("DaskEngine.run outside its `with` block")
        batch = uuid.uuid4().hex[:8]
        futures = self.client.map(
            graded_on_worker,
            [task] * len(learners),
            learners,
            [settings] * len(learners),
            key=[
                f"grade-{settings.assignment}-{learner}-{batch}" for learner in learners
            ],  # named on the dashboard
            pure=False,
        )
        seen: set[str] = set()
        for future in dask_completed(futures):
            result = future.result()
            future.release()  # its result is ours now: a worker lost later cannot make it run again
            if result.learner not in seen:
                seen.add(result.learner)
                yield result


def engine_for(
    name: EngineName, workers: int, scheduler: str | None = None, zygotes: ZygoteRoot | None = None
) -> GradingEngine:
    """The engine `name`, as `hocso grade autograde --engine` and course.toml's [grading] choose it."""
    if name == "dask":
        return DaskEngine(scheduler, workers)
    return LocalEngine(workers, zygotes)
