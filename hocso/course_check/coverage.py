"""The whole framework is assessed: every competence of framework.toml has at least one graded cell.

A module lists its competences in course.toml and `hocso check` already makes each listed one graded
somewhere in that module; this rule looks the other way, from the framework: a competence no module
grades would show no evidence in any learner's report, whatever group they are in.
"""

from __future__ import annotations

from hocso.config.models import Course
from hocso.course_check.problems import Problem
from hocso.notebook_meta import Exercise, notebook_exercises


def assessing_cells(course: Course) -> dict[str, list[str]]:
    """Each framework competence, in the framework's order, with the graded cells ("m07/m07-posts")
    that give evidence for it (an empty list: assessed by none)."""
    cells: dict[str, list[str]] = {code: [] for code in course.framework.competences}
    for exercise in _readable_exercises(course):
        if exercise.competence in cells:
            cells[exercise.competence].append(f"{exercise.module}/{exercise.grade_id}")
    return cells


def _readable_exercises(course: Course) -> list[Exercise]:
    """The graded cells of every notebook that can be read; the notebook rules report the others."""
    exercises: list[Exercise] = []
    for module in course.modules:
        for path in course.notebook_paths(module):
            try:
                exercises += notebook_exercises(module, path)
            except (OSError, ValueError, AttributeError, TypeError):
                continue
    return exercises


def unassessed_competences(course: Course) -> list[str]:
    return [code for code, graded in assessing_cells(course).items() if not graded]


def framework_coverage(course: Course) -> list[Problem]:
    """One problem per competence of the framework that no graded cell of any module assesses."""
    framework = course.config_dir / "framework.toml"
    competences = course.framework.competences
    language = course.info.default_language
    return [
        Problem(
            framework,
            f"competence {code} ({competences[code].name(language)})",
            "is assessed by no graded cell of any module, so no report can show a learner's level in it",
            f'tag a graded cell of a module with metadata.hocso.competence = "{code}" and add "{code}" '
            "to that module's competences in course_config/course.toml",
        )
        for code in unassessed_competences(course)
    ]
