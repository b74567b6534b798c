"""Real nbgrader on a module's own copy of the course: release once, submit every case, autograde once.

The content tests (test_modules.py) grade each module the way a class is graded: one
`nbgrader generate_assignment`, one submission per learner, one roster import through nbgrader's
Gradebook API, and ONE `hocso grade autograde` run for all of them (nbgrader's converter in hocso's
sandboxed workers, as an instructor grades; 15 s for m04 where stock `nbgrader autograde` took 87 s).
Each test then reads its own learner from the real gradebook. A new module needs no test code: only a `partials/<module>.py`.

A module graded by widgets (its partials define `CORRECT`, every graded question's right answer as
the widgets save it) is handed in as learners really do: the released notebook untouched, plus the
answers file the widgets wrote. Its learners: `source` (every answer right), `untouched` (nothing
answered), one `edition-<group>` per learner group (that group's edition in one language, every
answer right), and each case of `CASES = [{"answers": {...}, "expected": points}]`. A module still
graded by code (`CASES = [{"edits": {grade_id: source}, ...}]`) hands in edited source notebooks.
"""

from __future__ import annotations

import asyncio
import copy
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode
from nbgrader.api import Gradebook, MissingEntry

from hocso.config import Course, Module, course_runtime_dir, gradebook_url, load_course
from hocso.editions import edition_cells, group_level
from hocso.notebook_meta import is_autograder_test, nbgrader_meta
from hocso.widgets.answers import FORMAT as ANSWERS_FORMAT
from hocso.widgets.answers import SUFFIX as ANSWERS_SUFFIX

VENV_BIN = Path(sys.executable).parent
SOURCE = "source"  # learner who hands in the source notebooks, solutions in place
UNTOUCHED = "untouched"  # learner who hands in the student edition as released
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
AUTOGRADE_TIMEOUT = 900  # seconds for one module's whole batch; nbgrader stops a cell after 30 s


@dataclass(frozen=True)
class Score:
    auto: float  # points from autograder test cells
    max_auto: float  # what the autograder test cells are worth
    cells: dict[str, tuple[float, float]]  # grade id -> (points given, points possible)


@dataclass(frozen=True)
class Runtime:
    """Where nbgrader keeps one course copy's release, submissions, autograded notebooks and gradebook."""

    course_id: str
    course_dir: Path
    home: Path  # HOCSO_HOME of this copy, so copies graded side by side never share a gradebook
    root: Path
    db_url: str

    def env(self) -> dict[str, str]:
        return shell_env(self.home)


def shell_env(home: Path) -> dict[str, str]:
    """An instructor's shell with its own data home and the venv first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in {"HOCSO_COURSE", "HOCSO_LANG"}}
    env["HOCSO_HOME"] = str(home)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


@dataclass
class GradedModule:
    """One module after its single autograde run: every learner's score, or why it has none."""

    module_id: str
    runtime: Runtime
    release_dir: Path
    source: dict[str, NotebookNode]
    scores: dict[str, Score] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # learner -> why no submission was made
    log: str = ""  # what `nbgrader autograde` printed
    editions: dict[str, tuple[str, str]] = field(default_factory=dict)  # learner -> (group, language)
    edition_points: dict[str, float] = field(default_factory=dict)  # learner -> autograded points in reach

    def score(self, learner: str) -> Score:
        """The learner's autograded score; fails with nbgrader's own words when it has none."""
        if learner in self.problems:
            raise AssertionError(f"{self.module_id} {learner}: {self.problems[learner]}")
        score = self.scores.get(learner)
        # No autograded score at all: nbgrader did not finish this learner's notebook (seen once in CI:
        # the submission was in the gradebook without scores), so it would read 0 whatever the answers.
        if score is None or not score.cells:
            raise AssertionError(
                f"{self.module_id} {learner}: nbgrader autograde left no grades; its log ends:\n"
                + self.log[-4000:]
            )
        return score

    def autograded(self, learner: str) -> dict[str, NotebookNode]:
        """The learner's notebooks as nbgrader executed them (outputs and cell metadata kept)."""
        folder = self.runtime.root / "autograded" / learner / self.module_id
        return {name: nbformat.read(folder / name, as_version=4) for name in self.source}


def nbgrader(
    runtime: Runtime, *args: str, timeout: float = 300, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the nbgrader CLI the way an instructor does: from course_config, with the venv on PATH."""
    done = subprocess.run(
        [str(VENV_BIN / "nbgrader"), *args],
        cwd=runtime.course_dir / "course_config",
        env=runtime.env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def hocso_autograde(runtime: Runtime, module_id: str) -> subprocess.CompletedProcess[str]:
    """`hocso grade autograde MODULE --force` on the course copy, two workers (three modules are
    graded side by side on CI's two cores)."""
    return subprocess.run(
        [str(VENV_BIN / "hocso"), "grade", "autograde", module_id, "--force", "--workers", "2"],
        cwd=runtime.course_dir,
        env=runtime.env(),
        capture_output=True,
        text=True,
        timeout=AUTOGRADE_TIMEOUT,
        check=False,
    )


def copy_course(repo_root: Path, target: Path, module: Module) -> Path:
    """A course copy holding only the config and this module's notebooks, so nothing else is graded."""
    shutil.copytree(repo_root / "course_config", target / "course_config")
    shutil.copytree(repo_root / "notebooks" / module.folder, target / "notebooks" / module.folder)
    return target


def missing_notebooks(course: Course, module: Module) -> list[Path]:
    return [path for path in course.notebook_paths(module) if not path.is_file()]


def source_notebooks(course: Course, module: Module) -> dict[str, NotebookNode]:
    return {path.name: nbformat.read(path, as_version=4) for path in course.notebook_paths(module)}


def autograded_points(notebooks: dict[str, Any]) -> float:
    return sum(
        float(nbgrader_meta(cell).get("points", 0) or 0)
        for notebook in notebooks.values()
        for cell in notebook.cells
        if is_autograder_test(cell)
    )


def with_edits(notebooks: dict[str, Any], edits: dict[str, str]) -> dict[str, Any]:
    """A copy whose cells named by grade_id have the given source (a learner's partly right answer)."""
    notebooks = copy.deepcopy(notebooks)
    found = set()
    for notebook in notebooks.values():
        for cell in notebook.cells:
            grade_id = nbgrader_meta(cell).get("grade_id")
            if grade_id in edits:
                cell.source = edits[grade_id]
                found.add(grade_id)
    missing = set(edits) - found
    assert not missing, f"partial case edits unknown grade ids: {sorted(missing)}"
    return notebooks


def _partials(partials_dir: Path, module_id: str) -> Any:
    path = partials_dir / f"{module_id}.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"partials_{module_id}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def partial_cases(partials_dir: Path, module_id: str) -> list[dict[str, Any]]:
    """`partials/<module>.py` defines CASES = [{"answers" or "edits": ..., "expected": points}, ...]."""
    module = _partials(partials_dir, module_id)
    return list(module.CASES) if module is not None else []


def correct_answers(partials_dir: Path, module_id: str) -> dict[str, Any] | None:
    """The module's `CORRECT` widget answers, or None for a module still graded by code."""
    module = _partials(partials_dir, module_id)
    correct = getattr(module, "CORRECT", None)
    return dict(correct) if correct is not None else None


def edition_learner(group: str) -> str:
    return f"edition-{group}"


def partial_learner(number: int) -> str:
    """The learner id of partial case `number` (1 = the first case in CASES)."""
    return f"partial{number}"


def with_reflections_written(notebooks: dict[str, NotebookNode]) -> dict[str, NotebookNode]:
    """A copy with every written answer (a markdown solution cell) filled in, as a learner who did
    everything hands it in: nbgrader leaves those for a person to grade instead of scoring 0."""
    notebooks = copy.deepcopy(notebooks)
    for notebook in notebooks.values():
        for cell in notebook.cells:
            if cell.cell_type == "markdown" and nbgrader_meta(cell).get("solution"):
                cell.source = "Bình tĩnh, gọi ngân hàng và báo công an phường. / Stay calm, call the bank, tell the police."
    return notebooks


def grade_module(
    runtime: Runtime,
    module_id: str,
    source: dict[str, NotebookNode],
    cases: list[dict[str, Any]],
    correct: dict[str, Any] | None = None,
    module: Module | None = None,
) -> GradedModule:
    """Release once, submit every learner, import the roster, autograde once, read the gradebook."""
    nbgrader(runtime, "generate_assignment", module_id, "--force")
    graded = GradedModule(module_id, runtime, runtime.root / "release" / module_id, source)
    released = {name: nbformat.read(graded.release_dir / name, as_version=4) for name in source}
    handed_in: dict[str, tuple[dict[str, NotebookNode], dict[str, Any] | None]] = {}
    if correct is None:  # graded by code: the source with its solutions, and edited sources
        handed_in[SOURCE] = (source, None)
        handed_in[UNTOUCHED] = ({}, None)
        for number, case in enumerate(cases, start=1):
            try:
                handed_in[partial_learner(number)] = (with_edits(source, case["edits"]), None)
            except AssertionError as error:  # a broken case fails its own test, not the whole module
                graded.problems[partial_learner(number)] = str(error)
    else:  # graded by widgets: the released notebook as it is, and the answers the widgets saved
        assert module is not None
        handed_in[SOURCE] = (with_reflections_written(released), correct)
        handed_in[UNTOUCHED] = ({}, None)
        for index, group in enumerate(sorted(module.target_levels)):
            language = ("vi", "en")[index % 2]
            level = group_level(module, group)
            edition = copy.deepcopy(released)
            for notebook in edition.values():
                notebook.cells = edition_cells(notebook.cells, language, level)
            learner = edition_learner(group)
            handed_in[learner] = (with_reflections_written(edition), correct)
            graded.editions[learner] = (group, language)
            graded.edition_points[learner] = autograded_points(
                {
                    name: nbformat.from_dict({"cells": edition_cells(nb.cells, None, level)})
                    for name, nb in source.items()
                }
            )
        for number, case in enumerate(cases, start=1):
            handed_in[partial_learner(number)] = ({}, dict(case["answers"]))
    for learner, (notebooks, answers) in handed_in.items():
        submit(runtime, module_id, learner, notebooks, answers)
    with Gradebook(runtime.db_url, runtime.course_id) as gradebook:
        for learner in handed_in:
            gradebook.update_or_create_student(learner)
    # Graded the way an instructor grades: `hocso grade autograde` (nbgrader's converter and
    # gradebook in hocso's sandboxed, warm workers; tests/graders/test_pipeline.py checks that it
    # gives stock `nbgrader autograde`'s scores and errors). A submission that cannot be graded
    # makes it exit non-zero after grading the others; that learner's test reports it from the log.
    done = hocso_autograde(runtime, module_id)
    graded.log = f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    graded.scores = read_scores(runtime, module_id, list(handed_in))
    return graded


def submit(
    runtime: Runtime,
    module_id: str,
    learner: str,
    notebooks: dict[str, NotebookNode],
    answers: dict[str, Any] | None = None,
) -> None:
    """Place a submission as the exchange would: the released folder with the learner's notebooks and,
    when given, the answers file the widgets save next to each notebook (written in their format)."""
    target = runtime.root / "submitted" / learner / module_id
    shutil.copytree(runtime.root / "release" / module_id, target)
    for name, notebook in notebooks.items():
        nbformat.write(notebook, target / name)
    if answers is not None:
        document = {"format": ANSWERS_FORMAT, "answers": answers, "saved_at": {}, "language": "vi"}
        for path in target.glob("*.ipynb"):
            (target / (path.stem + ANSWERS_SUFFIX)).write_text(json.dumps(document, ensure_ascii=False))


def read_scores(runtime: Runtime, module_id: str, learners: list[str]) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    with Gradebook(runtime.db_url, runtime.course_id) as gradebook:
        for learner in learners:
            try:
                submission = gradebook.find_submission(module_id, learner)
            except MissingEntry:
                continue
            cells = {
                grade.name: (grade.auto_score, grade.max_score)
                for notebook in submission.notebooks
                for grade in notebook.grades
                if grade.auto_score is not None  # None: a manual-graded answer awaiting a person
            }
            auto = sum(given for given, _ in cells.values())
            max_auto = sum(top for _, top in cells.values())
            scores[learner] = Score(auto=auto, max_auto=max_auto, cells=cells)
    return scores


def run_app(path: Path, workdir: Path, env: dict[str, str]) -> NotebookNode:
    """Execute an app notebook in a fresh kernel, failing on any cell error (Voila would hide it)."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    asyncio.run(client.async_execute(env=env))  # own event loop: runs on a worker thread
    return notebook


REPO_ROOT = Path(__file__).resolve().parents[2]
PARTIALS = Path(__file__).parent / "partials"
APPS_DIR = REPO_ROOT / "notebooks" / "apps"
WORKERS = 3  # see ContentRun


class ContentRun:
    """The session's module gradings and app runs, keyed ("module", id) or ("app", file name).

    Each run is a real nbgrader or kernel subprocess, so a worker thread only waits. CI has two
    cores; a third run fills the gaps while the others wait for a kernel to start or stop (on a
    shared 2-core box: 475 s with three against 494 s with two, within that box's noise). A test
    blocks on its own run only.
    """

    def __init__(self, tmp: pytest.TempPathFactory) -> None:
        self._tmp = tmp
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="content")
        self._jobs: dict[tuple[str, str], Future[object]] = {}

    def start(self, keys: list[tuple[str, str]]) -> None:
        """Queue the runs in the order the tests will want them, so the first waits least."""
        for kind, name in keys:
            if (kind, name) not in self._jobs:
                self._jobs[kind, name] = (
                    self._submit_module(name) if kind == "module" else self._submit_app(name)
                )

    def module(self, module_id: str) -> GradedModule:
        self.start([("module", module_id)])
        result = self._jobs["module", module_id].result()
        assert isinstance(result, GradedModule)
        return result

    def app(self, name: str) -> NotebookNode:
        self.start([("app", name)])
        result = self._jobs["app", name].result()
        assert isinstance(result, NotebookNode)
        return result

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _submit_module(self, module_id: str) -> Future[object]:
        # Paths and the environment are settled here, on the main thread, because the tests'
        # monkeypatching of os.environ is not thread-safe.
        try:
            work = self._tmp.mktemp(f"content-{module_id}")
            module = next(m for m in load_course(REPO_ROOT).modules if m.id == module_id)
            course = load_course(copy_course(REPO_ROOT, work / "course", module))
            home = work / "home"
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("HOCSO_HOME", str(home))
                runtime = Runtime(
                    course.id, work / "course", home, course_runtime_dir(course), gradebook_url(course)
                )
            source = source_notebooks(course, module)
            cases = partial_cases(PARTIALS, module_id)
            correct = correct_answers(PARTIALS, module_id)
        except Exception as error:  # reported by each of the module's tests, not by the session
            failed: Future[object] = Future()
            failed.set_exception(error)
            return failed
        return self._pool.submit(grade_module, runtime, module_id, source, cases, correct, module)

    def _submit_app(self, name: str) -> Future[object]:
        work = self._tmp.mktemp(f"app-{Path(name).stem}")
        env = {**shell_env(work / "home"), "HOCSO_ANSWERS_FILE": str(work / "answers.json")}
        return self._pool.submit(run_app, APPS_DIR / name, work, env)
