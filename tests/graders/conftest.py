"""A tiny fixture course: one module `gx` with one notebook, and helpers to submit learner work."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from hocso.config import Course, course_runtime_dir, load_course
from hocso.graders.release import release_module

MODULE = "gx"
NOTEBOOK = "gx_sum.ipynb"
SOLUTION = "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION"
TESTS_1 = "assert add(1, 2) == 3"
TESTS_2 = "assert add(-1, 1) == 0\n### BEGIN HIDDEN TESTS\nassert add(10, 5) == 15\n### END HIDDEN TESTS"


def _grade(cell, grade_id: str, points: float | None, solution: bool, competence: str = "1.3"):
    meta = {"grade_id": grade_id, "grade": points is not None, "solution": solution, "locked": not solution}
    if points is not None:
        meta["points"] = points
    meta["schema_version"] = 3
    cell.metadata["nbgrader"] = meta
    if points is not None:
        cell.metadata["hocso"] = {"competence": competence}
    return cell


def source_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    vi = new_markdown_cell("Viết hàm `add`.")
    vi.metadata["hocso"] = {"lang": "vi"}
    en = new_markdown_cell("Write `add`.")
    en.metadata["hocso"] = {"lang": "en"}
    nb.cells = [
        vi,
        en,
        _grade(new_code_cell(SOLUTION), "add", None, True),
        _grade(new_code_cell(TESTS_1), "test_add_basic", 1, False),
        _grade(new_code_cell(TESTS_2), "test_add_hidden", 2, False, "5.1"),
    ]
    return nb


REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def grading_course(course_copy: Path) -> Course:
    """The course copy plus module gx, generated and released into the test's runtime folder."""
    return make_course(course_copy)


@pytest.fixture
def course_on_each_db(course_copy: Path, gradebook_db_url: str | None) -> Course:
    """`grading_course` with its gradebook in SQLite, then in a PostgreSQL database of its own."""
    return make_course(course_copy, gradebook_db_url)


def make_course(course_copy: Path, db_url: str | None = None) -> Course:
    """Add module gx to a course copy (and `[grading] db_url`, if given), then generate and release it."""
    if not (course_copy / "course_config").is_dir():
        shutil.copytree(REPO_ROOT / "course_config", course_copy / "course_config")
    toml = course_copy / "course_config" / "course.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + '\n[[modules]]\nid = "gx"\ntitle = { vi = "Thử", en = "Test" }\n'
        + f'notebooks = ["{NOTEBOOK}"]\ncompetences = ["1.3"]\n'
        + "target_levels = { leaders = 1, staff = 1, technical = 1, soldiers = 1, citizens = 1 }\npoints = 3\n"
        + (f'\n[grading]\ndb_url = "{db_url}"\n' if db_url else ""),
        encoding="utf-8",
    )
    folder = course_copy / "notebooks" / MODULE
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nbformat.write(source_notebook(), folder / NOTEBOOK)
    course = load_course(course_copy)
    release_module(course, MODULE)
    return course


def submit(course: Course, learner: str, solution_body: str | None = None, raw: str | None = None) -> Path:
    """Put one learner's notebook into `submitted/`, from the released notebook with a new answer."""
    runtime = course_runtime_dir(course)
    target = runtime / "submitted" / learner / MODULE / NOTEBOOK
    target.parent.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        target.write_text(raw, encoding="utf-8")
        return target
    nb = nbformat.read(runtime / "release" / MODULE / NOTEBOOK, as_version=4)
    if solution_body is not None:
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "add":
                cell.source = solution_body
    nbformat.write(nb, target)
    (target.parent / "timestamp.txt").write_text("2026-11-22 10:00:00.000000 UTC", encoding="utf-8")
    return target
