"""Generate and release a module with nbgrader, optionally as a one-language edition.

A language edition drops markdown cells tagged with another `hocso.lang`; code and graded cells are
untouched, so the assignment id, notebook names and grading are the same for every edition.
"""

from __future__ import annotations

import logging
from pathlib import Path

import nbformat
from hocso.graders.errors import GradingError
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from traitlets.config import PyFileConfigLoader

from hocso.config import Course, course_runtime_dir
from hocso.nbgrader_compat import use_in_process_alembic
from hocso.notebook_meta import cell_language

use_in_process_alembic()  # nbgrader's Gradebook() must not need the `alembic` command on PATH


def filter_language(path: Path, language: str) -> None:
    """Rewrite a released notebook in place without markdown cells of other languages."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or cell_language(c) in (None, language)]
    nbformat.write(nb, path)


def release_module(course: Course, module_id: str, language: str | None = None) -> Path:
    """Generate the module into the gradebook and `release/`; returns the release folder."""
    module = course.module(module_id)
    for notebook in course.notebook_paths(module):
        if not notebook.is_file():
            raise GradingError(f"{notebook} is missing; module {module_id} lists it in course.toml")
    if language is not None and language not in course.info.languages:
        raise GradingError(f"language {language!r} is not offered; the course has {course.info.languages}")
    config_file = course.config_dir / "nbgrader_config.py"
    config = PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config()
    config.CourseDirectory.assignment_id = module_id
    config.GenerateAssignment.force = True
    config.GenerateAssignment.create_assignment = True
    log = logging.getLogger("hocso.graders.release")
    coursedir = CourseDirectory(config=config)
    converter = GenerateAssignment(coursedir=coursedir, config=config, log=log)
    try:
        converter.start()
    except Exception as error:
        raise GradingError(f"nbgrader could not generate module {module_id}: {error}") from error
    released = course_runtime_dir(course) / "release" / module_id
    if language is not None:
        for notebook in released.glob("*.ipynb"):
            filter_language(notebook, language)
    return released
