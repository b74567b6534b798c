"""Rules that keep the graded path practice, not programming (issue "Assessment by doing").

- no graded code exercise: a test cell reads no function or variable a solution cell defines, and a
  code solution cell lives only in the optional go-further section;
- every graded item explains itself in vi and en (`Expect(..., vi=..., en=...)` in the hidden tests);
- no rubric inside an answer cell (it goes in its own `metadata.hocso.rubric` cell);
- no answer key in code the learner can read;
- one spelling (course_config/glossary.toml).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hocso.config.models import LANGUAGES, Glossary
from hocso.course_check.notebook_rules import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, Rule
from hocso.course_check.problems import Problem, cell_where
from hocso.notebook_meta import cell_track, is_autograder_test, is_rubric, is_solution, nbgrader_meta

GRADERS = ("grade_items", "grade_selection", "grade_order")
GO_FURTHER = "go_further"
CONVENTIONS = "see README, 'Writing course content'"
RUBRIC_WORDS = re.compile(r"\b(rubric|thang điểm)\b", re.IGNORECASE)
KEY_IN_CODE = re.compile(r"\bcorrect\s*=\s*True\b|\bexpected\s*=|\bExpect\(")
QUESTION_ID = re.compile(r"\b(?:answered|grade_items|grade_selection|grade_order)\(\s*[\"']([^\"']+)[\"']")


def regions(source: str) -> tuple[str, str]:
    """(visible, secret) parts of a cell: secret is inside solution or hidden-test markers."""
    visible: list[str] = []
    secret: list[str] = []
    inside = False
    for line in source.splitlines():
        marker = line.strip()
        if marker in (BEGIN_SOLUTION, BEGIN_HIDDEN):
            inside = True
        elif marker in (END_SOLUTION, END_HIDDEN):
            inside = False
        else:
            (secret if inside else visible).append(line)
    return "\n".join(visible), "\n".join(secret)


def learner_written_names(cells: Iterable[Any]) -> set[str]:
    names: set[str] = set()
    for cell in cells:
        if cell.cell_type == "code" and is_solution(cell):
            names |= set(re.findall(r"^\s*def\s+(\w+)", cell.source, re.M))
            names |= set(re.findall(r"^(\w+)\s*=", cell.source, re.M))
    return names


def graded_by_doing(path: Path, notebook: Any) -> Iterable[Problem]:
    graded_path = [c for c in notebook.cells if cell_track(c) != GO_FURTHER]
    names = learner_written_names(graded_path)
    for index, cell in enumerate(notebook.cells):
        where = cell_where(index, nbgrader_meta(cell).get("grade_id"))
        if cell_track(cell) == GO_FURTHER:
            if nbgrader_meta(cell).get("grade"):
                yield Problem(
                    path,
                    where,
                    "a go-further cell is graded",
                    "go-further work is optional: remove its points",
                )
            continue
        if cell.cell_type == "code" and is_solution(cell):
            yield Problem(
                path,
                where,
                "a code exercise on the graded path (learners who cannot program would have to write code)",
                "make it a widget exercise, or move it to the optional section with "
                f'metadata.hocso.track = "{GO_FURTHER}" and no points ({CONVENTIONS})',
            )
        if not is_autograder_test(cell):
            continue
        used = sorted(n for n in names if re.search(rf"\b{re.escape(n)}\b", cell.source))
        if used:
            yield Problem(
                path,
                where,
                f"grades code the learner writes ({', '.join(used)})",
                "grade the answer a widget saved, with hocso.widgets.grading",
            )
        if not any(re.search(rf"\b{name}\(", regions(cell.source)[1]) for name in GRADERS):
            yield Problem(
                path,
                where,
                "does not score a saved answer with hocso.widgets.grading, so the learner gets no reason",
                f"end its hidden tests with {' / '.join(GRADERS)}(...) ({CONVENTIONS})",
            )


def feedback_in_both_languages(path: Path, notebook: Any) -> Iterable[Problem]:
    for index, cell in enumerate(notebook.cells):
        if not is_autograder_test(cell):
            continue
        where = cell_where(index, nbgrader_meta(cell).get("grade_id"))
        try:
            tree = ast.parse(regions(cell.source)[1])
        except SyntaxError as error:
            yield Problem(
                path, where, f"hidden tests are not valid Python ({error.msg}, line {error.lineno})", "fix it"
            )
            continue
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            if name not in ("Expect", "grade_order"):
                continue
            texts = {k.arg: k.value for k in call.keywords}
            for language in LANGUAGES:
                value = texts.get(language)
                if not (
                    isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.strip()
                ):
                    yield Problem(
                        path,
                        f"{where}, line {call.lineno}",
                        f"a graded item has no {language} explanation",
                        f"give {name}(...) {language}='why it is right or wrong, and what to do'",
                    )


def rubric_outside_answers(path: Path, notebook: Any) -> Iterable[Problem]:
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown" and is_solution(cell) and RUBRIC_WORDS.search(cell.source):
            yield Problem(
                path,
                cell_where(index, nbgrader_meta(cell).get("grade_id")),
                "the rubric is inside the answer cell, which release replaces (learners and graders lose it)",
                "move it to its own markdown cell right below, with metadata.hocso.rubric = true",
            )
        if is_rubric(cell) and nbgrader_meta(cell):
            yield Problem(
                path,
                cell_where(index),
                "a rubric cell carries nbgrader metadata",
                "remove it: rubric cells are plain",
            )


def no_key_in_visible_code(path: Path, notebook: Any) -> Iterable[Problem]:
    graded = {qid for c in notebook.cells if is_autograder_test(c) for qid in QUESTION_ID.findall(c.source)}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or cell_track(cell) == GO_FURTHER:
            continue
        visible = regions(cell.source)[0]
        where = cell_where(index, nbgrader_meta(cell).get("grade_id"))
        asks_graded = is_autograder_test(cell) or any(
            f'"{q}"' in visible or f"'{q}'" in visible for q in graded
        )
        if asks_graded and KEY_IN_CODE.search(visible):
            yield Problem(
                path,
                where,
                "learners can read the answer key of a graded question here",
                "move the key into the cell's hidden tests (Expect(...)); graded widgets carry none",
            )
        if is_autograder_test(cell) and re.search(r"^\s*assert\b", visible, re.M):
            yield Problem(
                path,
                where,
                "a visible test asserts, so a learner sees a bare AssertionError",
                "use hocso.widgets.grading.answered(...) for what the learner may see",
            )


def spelling(glossary: Glossary) -> Rule:
    """The glossary's spelling and terms: each discouraged word, with the course's word to use."""
    words = glossary.discouraged()
    patterns = {wrong: re.compile(rf"(?<!\w){re.escape(wrong)}(?!\w)") for wrong in words}

    def rule(path: Path, notebook: Any) -> Iterable[Problem]:
        for index, cell in enumerate(notebook.cells):
            for wrong, pattern in patterns.items():
                if pattern.search(cell.source):
                    yield Problem(
                        path,
                        cell_where(index),
                        f"writes {wrong!r}",
                        f"the course writes {words[wrong]!r} (course_config/glossary.toml)",
                    )

    return rule
