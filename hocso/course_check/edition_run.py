"""`hocso check --run`: each module's learner editions run top to bottom, untouched, without an error.

A learner opens a module and presses Run All before doing anything; no cell may stop there with a
traceback or write to stderr. This cuts the editions the way a release does (nbgrader's own
preprocessors clear solutions and hidden tests, rubric cells go, `hocso.editions` keeps one language
and one group's level) but without the gradebook, then runs each in a real kernel in a copy of the
module's folder. Two editions per module cover both languages and both ends of the levels: the
course language with every exercise, and the other language at the lowest group's level.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import nbformat

from hocso.config.models import Course, LanguageCode, Module
from hocso.course_check.problems import Problem, cell_where
from hocso.editions import CODE_STUB, TEXT_STUB, edition_cells, group_level
from hocso.notebook_meta import nbgrader_meta

RUN_TIMEOUT = 120  # seconds a cell may take; the lessons' cells take well under one


def learner_edition(
    path: Path, course: Course, module: Module, language: LanguageCode, group: str | None
) -> Any:
    """The notebook as a learner of `group` gets it in `language`, cut as nbgrader's release cuts it."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    from hocso.graders.learner_views import DropRubricCells

    nb = nbformat.read(path, as_version=4)
    for preprocessor in (
        DropRubricCells(),
        ClearSolutions(code_stub={"python": CODE_STUB}, text_stub=TEXT_STUB),
        ClearHiddenTests(),
    ):
        nb, _ = preprocessor.preprocess(nb, {})
    nb.cells = edition_cells(nb.cells, language, group_level(module, group))
    nb.metadata.setdefault("hocso", {})["edition"] = {"language": language, "group": group}
    return nb


def editions_to_run(course: Course, module: Module) -> list[tuple[LanguageCode, str | None]]:
    first = course.info.default_language
    others = [lang for lang in course.info.languages if lang != first]
    lowest = min(module.target_levels, key=lambda group: module.target_levels[group], default=None)
    return [(first, None), *((lang, lowest) for lang in others)]


def run_editions(
    course: Course,
    modules: Iterable[str] | None = None,
    on_module: Callable[[Module], None] | None = None,
) -> list[Problem]:
    """Every error or stderr line an untouched learner edition shows, with its edition and cell, for
    `modules` (default: all); `on_module` hears of each as its runs start (progress: this takes minutes)."""
    from nbclient import NotebookClient

    problems: list[Problem] = []
    wanted = [course.module(m) for m in modules] if modules is not None else list(course.modules)
    for module in wanted:
        if on_module is not None:
            on_module(module)
        folder = course.notebooks_dir / module.folder
        for language, group in editions_to_run(course, module):
            edition = f"{language} edition" + (f" for {group}" if group else "")
            for path in course.notebook_paths(module):
                if not path.is_file():
                    continue  # check_course reports it
                nb = learner_edition(path, course, module, language, group)
                with tempfile.TemporaryDirectory(prefix="hocso-check-") as work:
                    shutil.copytree(
                        folder, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.ipynb")
                    )
                    env = {**os.environ, "HOCSO_LANG": language}
                    env.pop("HOCSO_ANSWERS_FILE", None)
                    client = NotebookClient(
                        nb,
                        timeout=RUN_TIMEOUT,
                        kernel_name="python3",
                        allow_errors=True,
                        resources={"metadata": {"path": work}},
                    )
                    client.execute(env=env, stderr=subprocess.DEVNULL)  # the kernel's own log lines
                problems += _shown_errors(path, nb, edition)
    return problems


def _shown_errors(path: Path, nb: Any, edition: str) -> list[Problem]:
    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            kind = output.get("output_type")
            if kind == "error":
                what = f"{output.get('ename')}: {output.get('evalue')}"
            elif kind == "stream" and output.get("name") == "stderr":
                what = f"writes to stderr: {str(output.get('text', '')).strip()[:160]}"
            else:
                continue
            problems.append(
                Problem(
                    path,
                    cell_where(index, nbgrader_meta(cell).get("grade_id")) + f" of the {edition}",
                    f"a learner who runs the module untouched sees {what}",
                    "make the cell work before any answer is given (cell numbers count the edition's cells)",
                )
            )
    return problems
