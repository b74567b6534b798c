"""HTML feedback per learner, written by nbgrader's own GenerateFeedback into `feedback/`."""

from __future__ import annotations

import logging
from pathlib import Path

from hocso.graders.errors import GradingError
from nbgrader.converters import GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from traitlets.config import PyFileConfigLoader

from hocso.config import Course, course_runtime_dir
from hocso.nbgrader_compat import use_in_process_alembic

use_in_process_alembic()  # nbgrader's Gradebook() must not need the `alembic` command on PATH


def generate_feedback(course: Course, module_id: str) -> list[Path]:
    """Feedback for every autograded learner of the module; returns the HTML files written."""
    course.module(module_id)
    config_file = course.config_dir / "nbgrader_config.py"
    config = PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config()
    config.CourseDirectory.assignment_id = module_id
    config.GenerateFeedback.force = True
    converter = GenerateFeedback(
        coursedir=CourseDirectory(config=config), config=config, log=logging.getLogger("hocso.graders")
    )
    try:
        converter.start()
    except Exception as error:
        raise GradingError(
            f"nbgrader could not write feedback for {module_id}: {error}; autograde first"
        ) from error
    return sorted((course_runtime_dir(course) / "feedback").glob(f"*/{module_id}/*.html"))
