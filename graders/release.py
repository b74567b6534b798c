"""Generate and release a module with nbgrader, optionally as one learner edition.

An edition (see `hocso.editions`) is one language and, optionally, one group's level: it only
leaves cells out, so the assignment id, notebook names and grading are the same for every edition.
Rubric cells never reach a release (nbgrader_config.py runs `DropRubricCells` first).
"""

from __future__ import annotations

import logging
from pathlib import Path

import nbformat
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from hocso.config import Course, LanguageCode, course_runtime_dir, open_gradebook_database
from hocso.course_check.notebook_rules import graded_points
from hocso.editions import EDITION_KEY, edition_cells, group_level
from hocso.graders.errors import GradingError
from hocso.nbgrader_compat import use_in_process_alembic

use_in_process_alembic()  # nbgrader's Gradebook() must not need the `alembic` command on PATH


def make_edition(
    path: Path, course: Course, module_id: str, language: LanguageCode | None, group: str | None = None
) -> None:
    """Rewrite a released notebook in place as the edition of `language` and `group` (None: all)."""
    module = course.module(module_id)
    level = group_level(module, group)
    nb = nbformat.read(path, as_version=4)
    nb.cells = edition_cells(nb.cells, language, level)
    nb.metadata.setdefault("hocso", {})[EDITION_KEY] = {"language": language, "group": group, "level": level}
    nbformat.write(nb, path)


def release_module(
    course: Course, module_id: str, language: LanguageCode | None = None, group: str | None = None
) -> Path:
    """Generate the module into the gradebook and `release/`; returns the release folder."""
    module = course.module(module_id)
    if group is not None and group not in course.framework.group_ids:
        raise GradingError(
            f"group {group!r} is not in the framework; groups: {', '.join(course.framework.group_ids)}"
        )
    for notebook in course.notebook_paths(module):
        if not notebook.is_file():
            raise GradingError(f"{notebook} is missing; module {module_id} lists it in course.toml")
    total = sum(graded_points(nbformat.read(path, as_version=4)) for path in course.notebook_paths(module))
    if abs(total - module.points) > 1e-9:  # the same rule as `hocso check`: reports divide by points
        raise GradingError(
            f"{course.config_dir / 'course.toml'}: module {module_id} says points = {module.points:g} but its "
            f"notebooks' graded cells add up to {total:g}; set points = {total:g} or change the cells' points"
        )
    if language is not None and language not in course.info.languages:
        raise GradingError(f"language {language!r} is not offered; the course has {course.info.languages}")
    open_gradebook_database(course)  # a PostgreSQL gradebook's database is made on the first release
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
    if language is not None or group is not None:
        for notebook in released.glob("*.ipynb"):
            make_edition(notebook, course, module.id, language, group)
    return released
