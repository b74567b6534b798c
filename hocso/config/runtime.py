"""Where a course's runtime files live: outside the repository, under a data directory.

Released assignments, submissions, autograded copies, feedback and the gradebook are learner data,
not course source, so they never land in the git checkout. `HOCSO_HOME` moves the whole data
directory (tests point it at a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from hocso.config.models import Course

HOME_ENV = "HOCSO_HOME"


def data_home() -> Path:
    if env := os.environ.get(HOME_ENV):
        return Path(env).expanduser().resolve()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "hocso"


def course_runtime_dir(course: Course) -> Path:
    """nbgrader's course root for this course: release/, submitted/, autograded/, feedback/, gradebook."""
    return data_home() / "courses" / course.id
