"""The grading pipeline around nbgrader: release, collect, autograde, feedback, export (`hocso grade`)."""

from hocso.nbgrader_compat import use_in_process_alembic

use_in_process_alembic()
