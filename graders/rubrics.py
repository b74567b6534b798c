"""An nbgrader preprocessor that keeps reflection rubrics for graders only.

A rubric sits in its own markdown cell (`metadata.hocso.rubric = true`) right after the answer
cell, so the answer cell holds only the learner's text and nothing of the rubric is replaced by
"YOUR ANSWER HERE" at release. nbgrader_config.py puts this first in GenerateAssignment's
preprocessors, so plain `nbgrader generate_assignment` and `hocso grade release` both leave it
out of what learners get; the source notebook keeps it for graders.
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from hocso.notebook_meta import is_rubric


class DropRubricCells(Preprocessor):
    enabled = Bool(True)  # nbconvert skips preprocessors that are not enabled

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        nb.cells = [cell for cell in nb.cells if not is_rubric(cell)]
        return nb, resources
