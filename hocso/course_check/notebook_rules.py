"""Rules for one notebook: valid nbformat, clean outputs, nbgrader metadata, bilingual text, competences.

Each rule returns every problem it sees, so an author fixes a notebook in one pass.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import nbformat

from hocso.config.models import LANGUAGES
from hocso.course_check.problems import Problem, cell_where
from hocso.notebook_meta import (
    cell_language,
    hocso_meta,
    is_autograder_test,
    is_graded,
    is_rubric,
    nbgrader_meta,
)

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CREATE_ASSIGNMENT = "in JupyterLab: View > Cell Toolbar > Create Assignment"

Rule = Callable[[Path, Any], Iterable[Problem]]


def read_notebook(path: Path) -> tuple[Any | None, list[Problem]]:
    """Parse and validate; a notebook that cannot be read yields problems instead of an exception."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, [
            Problem(path, "", f"not a readable notebook ({error})", "restore it from git or re-save it")
        ]
    if not isinstance(raw, dict) or raw.get("nbformat") != 4:
        version = raw.get("nbformat") if isinstance(raw, dict) else None
        return None, [
            Problem(path, "", f"nbformat version {version} is not 4", "re-save it with JupyterLab 4")
        ]
    try:
        notebook = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(notebook)
    except (nbformat.ValidationError, KeyError, AttributeError, TypeError) as error:
        message = str(error).splitlines()[0] or type(error).__name__
        return None, [Problem(path, "", f"invalid nbformat: {message}", "re-save it with JupyterLab")]
    return notebook, []


def committed_outputs(path: Path, notebook: Any) -> Iterable[Problem]:
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            yield Problem(
                path,
                cell_where(index),
                "has committed outputs or an execution count",
                "clear outputs before committing (Edit > Clear Outputs of All Cells, then save)",
            )


def nbgrader_metadata(path: Path, notebook: Any) -> Iterable[Problem]:
    grade_ids: Counter[str] = Counter()
    for index, cell in enumerate(notebook.cells):
        meta = nbgrader_meta(cell)
        if not meta:
            continue
        grade_id = meta.get("grade_id")
        where = cell_where(index, grade_id)
        if grade_id:
            grade_ids[grade_id] += 1
        elif meta.get("grade") or meta.get("solution") or meta.get("locked"):
            yield Problem(
                path, where, "nbgrader cell without a grade_id", f"give it a unique ID ({CREATE_ASSIGNMENT})"
            )
        if "points" in meta and not meta.get("grade"):
            yield Problem(
                path, where, "has points but is not graded", "remove the points or make the cell graded"
            )
        if meta.get("grade") and not _positive(meta.get("points")):
            yield Problem(
                path, where, "graded cell without positive points", "set metadata.nbgrader.points > 0"
            )
        yield from _solution_markers(path, cell, where, meta)
        yield from _hidden_test_markers(path, cell, where)
        if is_autograder_test(cell) and not meta.get("locked"):
            yield Problem(
                path,
                where,
                "autograder test cell is not locked, so a learner could edit the tests",
                'set metadata.nbgrader.locked = true ("Autograder tests" in the Create Assignment toolbar)',
            )
    for grade_id, count in grade_ids.items():
        if count > 1:
            yield Problem(
                path,
                f"grade id {grade_id!r}",
                f"used by {count} cells",
                "give every nbgrader cell a unique grade_id",
            )
    for index, cell in enumerate(notebook.cells):
        if not nbgrader_meta(cell) and (BEGIN_HIDDEN in cell.source or BEGIN_SOLUTION in cell.source):
            yield Problem(
                path,
                cell_where(index),
                "has solution or hidden-test markers but no nbgrader metadata, so they would be released",
                f"make it a solution or autograder-test cell ({CREATE_ASSIGNMENT})",
            )


def _positive(points: Any) -> bool:
    try:
        return float(points) > 0
    except (TypeError, ValueError):
        return False


def _solution_markers(path: Path, cell: Any, where: str, meta: dict[str, Any]) -> Iterable[Problem]:
    begins, ends = _marker_counts(cell.source, BEGIN_SOLUTION, END_SOLUTION)
    if meta.get("solution") and cell.cell_type == "code" and begins == 0:
        yield Problem(
            path,
            where,
            "solution cell has no solution markers, so release would leave the answer in",
            f"wrap the answer in '{BEGIN_SOLUTION}' ... '{END_SOLUTION}'",
        )
    if begins != ends or not _balanced(cell.source, BEGIN_SOLUTION, END_SOLUTION):
        yield Problem(
            path,
            where,
            "unbalanced solution markers",
            f"pair every '{BEGIN_SOLUTION}' with an '{END_SOLUTION}'",
        )


def _hidden_test_markers(path: Path, cell: Any, where: str) -> Iterable[Problem]:
    begins, ends = _marker_counts(cell.source, BEGIN_HIDDEN, END_HIDDEN)
    if begins != ends or not _balanced(cell.source, BEGIN_HIDDEN, END_HIDDEN):
        yield Problem(
            path,
            where,
            "unbalanced hidden-test markers",
            f"pair every '{BEGIN_HIDDEN}' with an '{END_HIDDEN}'",
        )
    elif begins and not is_autograder_test(cell):
        yield Problem(
            path, where, "hidden tests outside an autograder test cell", "move them into a locked test cell"
        )


def _marker_counts(source: str, begin: str, end: str) -> tuple[int, int]:
    lines = [line.strip() for line in source.splitlines()]
    return sum(line == begin for line in lines), sum(line == end for line in lines)


def _balanced(source: str, begin: str, end: str) -> bool:
    depth = 0
    for line in (line.strip() for line in source.splitlines()):
        depth += (line == begin) - (line == end)
        if depth not in (0, 1):
            return False
    return depth == 0


def bilingual_text(path: Path, notebook: Any) -> Iterable[Problem]:
    """Learner-facing markdown comes in vi/en pairs, and so does a code cell tagged with a language;
    answer cells (nbgrader solutions) are the learner's own and rubric cells the graders' (one cell
    may hold both languages)."""
    cells = notebook.cells
    index = 0
    while index < len(cells):
        cell = cells[index]
        kind = cell.cell_type
        exempt = nbgrader_meta(cell).get("solution") or is_rubric(cell)
        if kind not in ("markdown", "code") or exempt or (kind == "code" and cell_language(cell) is None):
            index += 1
            continue
        language = cell_language(cell)
        if language not in LANGUAGES:
            problem = "has no language tag" if language is None else f"has unknown language {language!r}"
            yield Problem(
                path,
                cell_where(index),
                f"learner text {problem}",
                'set metadata.hocso.lang to "vi" or "en" and add its twin',
            )
            index += 1
            continue
        twin = cells[index + 1] if index + 1 < len(cells) else None
        other = next(lang for lang in LANGUAGES if lang != language)
        if twin is None or twin.cell_type != kind or cell_language(twin) != other:
            yield Problem(
                path,
                cell_where(index),
                f"{language} {'text' if kind == 'markdown' else 'code'} has no {other} twin right after it",
                f'add a {kind} cell with metadata.hocso.lang = "{other}" directly below it',
            )
            index += 1
            continue
        index += 2


def competence_tags(known: set[str], module_competences: set[str] | None) -> Rule:
    """Every graded cell names a competence of the framework (and of its module, when there is one)."""

    def rule(path: Path, notebook: Any) -> Iterable[Problem]:
        for index, cell in enumerate(notebook.cells):
            if not is_graded(cell):
                continue
            where = cell_where(index, nbgrader_meta(cell).get("grade_id"))
            code = hocso_meta(cell).get("competence")
            if code is None:
                yield Problem(
                    path, where, "graded cell has no competence", 'set metadata.hocso.competence, e.g. "4.2"'
                )
            elif code not in known:
                yield Problem(
                    path,
                    where,
                    f"competence {code!r} is not in the framework",
                    f"use one of course_config/framework.toml: {', '.join(sorted(known))}",
                )
            elif module_competences is not None and code not in module_competences:
                yield Problem(
                    path,
                    where,
                    f"competence {code!r} is not one of this module's ({', '.join(sorted(module_competences))})",
                    "tag the cell with one of them or add the competence to the module in course.toml",
                )

    return rule


def assessed_competences(notebook: Any) -> set[str]:
    """The competences the notebook's graded cells give evidence for."""
    return {
        hocso_meta(cell)["competence"]
        for cell in notebook.cells
        if is_graded(cell) and hocso_meta(cell).get("competence")
    }


def graded_points(notebook: Any) -> float:
    return sum(float(nbgrader_meta(cell).get("points", 0) or 0) for cell in notebook.cells if is_graded(cell))
