"""Real nbgrader against a copy of the course: release, submit, autograde, read the gradebook.

The content tests (test_modules.py) use these helpers for every module whose notebook exists, so a
new module needs no test code: only, if it wants, a `partials/<module id>.py` file.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import Gradebook

from hocso.config import Course, gradebook_url, load_course
from hocso.notebook_meta import is_autograder_test, nbgrader_meta

VENV_BIN = Path(sys.executable).parent
STUDENT = "learner1"


@dataclass(frozen=True)
class Score:
    auto: float  # points from autograder test cells
    max_auto: float  # what the autograder test cells are worth


def nbgrader(course_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the nbgrader CLI the way an instructor does: from course_config, with the venv on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        [str(VENV_BIN / "nbgrader"), *args],
        cwd=course_dir / "course_config",
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def runtime_course(course_dir: Path) -> tuple[Course, Path]:
    course = load_course(course_dir)
    return course, Path(gradebook_url(course).removeprefix("sqlite:///")).parent


def release(course_dir: Path, module_id: str) -> Path:
    """nbgrader generate_assignment; returns the release folder of the module."""
    nbgrader(course_dir, "generate_assignment", module_id, "--force")
    _, root = runtime_course(course_dir)
    return root / "release" / module_id


def submit(course_dir: Path, module_id: str, notebooks: dict[str, Any]) -> None:
    """Place a submission as the exchange would: the released folder with the learner's notebooks."""
    _, root = runtime_course(course_dir)
    target = root / "submitted" / STUDENT / module_id
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(root / "release" / module_id, target)
    for name, notebook in notebooks.items():
        nbformat.write(notebook, target / name)


def autograde(course_dir: Path, module_id: str) -> Score:
    nbgrader(course_dir, "db", "student", "add", STUDENT)
    nbgrader(course_dir, "autograde", module_id, "--force")
    course, _ = runtime_course(course_dir)
    auto = max_auto = 0.0
    with Gradebook(gradebook_url(course)) as gradebook:
        submission = gradebook.find_submission(module_id, STUDENT)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.auto_score is not None:  # None: a manual-graded answer awaiting a person
                    auto += grade.auto_score
                    max_auto += grade.max_score
    return Score(auto=auto, max_auto=max_auto)


def source_notebooks(course_dir: Path, module_id: str) -> dict[str, Any]:
    course = load_course(course_dir)
    module = next(m for m in course.modules if m.id == module_id)
    return {path.name: nbformat.read(path, as_version=4) for path in course.notebook_paths(module)}


def autograded_points(notebooks: dict[str, Any]) -> float:
    return sum(
        float(nbgrader_meta(cell).get("points", 0) or 0)
        for notebook in notebooks.values()
        for cell in notebook.cells
        if is_autograder_test(cell)
    )


def with_edits(notebooks: dict[str, Any], edits: dict[str, str]) -> dict[str, Any]:
    """Replace the source of the cells named by grade_id (a learner's partly right answer)."""
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


def partial_cases(partials_dir: Path, module_id: str) -> list[dict[str, Any]]:
    """`partials/<module>.py` defines CASES = [{"edits": {grade_id: source}, "expected": points}, ...]."""
    path = partials_dir / f"{module_id}.py"
    if not path.is_file():
        return []
    spec = importlib.util.spec_from_file_location(f"partials_{module_id}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CASES)
