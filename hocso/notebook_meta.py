"""The course's notebook conventions, in one place: what hocso reads from cell metadata.

nbgrader's own metadata (`cell.metadata.nbgrader`) marks solution, test and locked cells. hocso adds
a small `cell.metadata.hocso` table:

    lang        "vi" or "en" on a learner-facing markdown cell. Bilingual text comes in pairs: a "vi"
                cell directly followed by its "en" twin. A per-language edition keeps one of each pair.
                A code cell that needs words of its own per language (a question to the assistant)
                comes in such a pair too; other code cells are shared.
    competence  the framework code ("4.2") an autograded test cell or a manual-graded answer assesses.
    self_check  true on a visible-tests cell the learner may run before submitting (never graded).
    level       the framework level (1-8) of an exercise, on each of its cells: a group's edition keeps
                the cells at or below the module's target level for that group (`hocso.editions`).
    difficulty  the framework level (1-8) a placement or end-of-course test item is written at, on its
                autograder test cell (`hocso.placement`). Unlike `level` it never drops a cell from an
                edition: every group takes the whole test.
    track       "go_further" on the cells of an optional, ungraded coding section.
    rubric      true on a markdown cell holding a reflection's rubric: for graders only, so nbgrader's
                generate step drops it from every release (`hocso.graders.learner_views`).

Shared code cells print their text through `hocso.i18n.t` or the widgets' {"vi", "en"} texts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hocso.config.models import Course, Module

HOCSO = "hocso"
NBGRADER = "nbgrader"


def read_cells(path: Path) -> list[dict[str, Any]]:
    """A committed notebook's cells, each source one string, without nbformat's validation.

    For readers of the course's own notebooks (the tutor, reports), where importing nbformat costs
    over a second (jsonschema loads an IRI grammar) in every kernel that asks the assistant; `hocso
    check` is where notebooks are validated.
    """
    with path.open(encoding="utf-8") as stream:
        cells = json.load(stream).get("cells", [])
    for cell in cells:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    return cells


def hocso_meta(cell: Any) -> dict[str, Any]:
    return dict(cell.get("metadata", {}).get(HOCSO, {}))


def nbgrader_meta(cell: Any) -> dict[str, Any]:
    return dict(cell.get("metadata", {}).get(NBGRADER, {}))


def cell_language(cell: Any) -> str | None:
    return hocso_meta(cell).get("lang")


def cell_level(cell: Any) -> int | None:
    level = hocso_meta(cell).get("level")
    return level if isinstance(level, int) and not isinstance(level, bool) else None


def cell_difficulty(cell: Any) -> int | None:
    difficulty = hocso_meta(cell).get("difficulty")
    return difficulty if isinstance(difficulty, int) and not isinstance(difficulty, bool) else None


def cell_track(cell: Any) -> str | None:
    return hocso_meta(cell).get("track")


def is_rubric(cell: Any) -> bool:
    return hocso_meta(cell).get("rubric") is True


def is_graded(cell: Any) -> bool:
    return bool(nbgrader_meta(cell).get("grade"))


def is_solution(cell: Any) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_autograder_test(cell: Any) -> bool:
    """A code cell that is graded but not a solution: nbgrader runs it to award points."""
    return cell.get("cell_type") == "code" and is_graded(cell) and not is_solution(cell)


@dataclass(frozen=True)
class Exercise:
    """One graded cell of a module: what the gradebook scores and the competence it evidences."""

    module: str
    notebook: str  # nbgrader's notebook id: the file name without .ipynb
    grade_id: str
    points: float
    competence: str | None
    manual: bool  # graded by a person (a markdown or solution+grade cell) rather than by tests
    level: int | None = None  # the framework level it assesses; None: every group's edition has it
    difficulty: int | None = None  # a placement/post-test item's framework level (never an edition filter)


def notebook_exercises(module: Module, notebook_path: Path) -> list[Exercise]:
    exercises = []
    for cell in read_cells(notebook_path):
        if not is_graded(cell):
            continue
        meta = nbgrader_meta(cell)
        exercises.append(
            Exercise(
                module=module.id,
                notebook=notebook_path.stem,
                grade_id=str(meta.get("grade_id", "")),
                points=float(meta.get("points", 0) or 0),
                competence=hocso_meta(cell).get("competence"),
                manual=not is_autograder_test(cell),
                level=cell_level(cell),
                difficulty=cell_difficulty(cell),
            )
        )
    return exercises


def course_exercises(course: Course) -> list[Exercise]:
    """Every graded cell of every module whose source notebook exists (missing ones are `hocso check`'s job)."""
    exercises: list[Exercise] = []
    for module in course.modules:
        for path in course.notebook_paths(module):
            if path.is_file():
                exercises += notebook_exercises(module, path)
    return exercises
