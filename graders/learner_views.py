"""nbgrader preprocessors for what learners receive: releases without rubrics, feedback without code.

A rubric sits in its own markdown cell (`metadata.hocso.rubric = true`) right after the answer
cell, so the answer cell holds only the learner's text and nothing of the rubric is replaced by
"YOUR ANSWER HERE" at release. `DropRubricCells` runs first in GenerateAssignment, so plain
`nbgrader generate_assignment` and `hocso grade release` both leave it out; the source keeps it.

Learners on the graded path never write or need code, and the hidden tests' source is the answer
key written as Python: `HideCodeInFeedback` keeps every code cell's outputs (the ✅/❌ lines with
their reasons, in the learner's language) and drops its source from the feedback page.
nbgrader_config.py installs both, so plain nbgrader commands behave the same.
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


class HideCodeInFeedback(Preprocessor):
    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.metadata.setdefault("transient", {})["remove_source"] = True
        return nb, resources
