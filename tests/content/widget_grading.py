"""Run a notebook's widget-grading test cells in this process, on an answers file a test writes.

For the fact tests of the modules graded by widgets (test_facts_*.py): how many points an answer
earns, per cell, without a kernel or nbgrader (test_modules.py runs the real pipeline).
"""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from hocso.notebook_meta import hocso_meta, is_autograder_test, nbgrader_meta
from hocso.widgets.answers import ANSWERS_FILE_ENV, FORMAT

REPO_ROOT = Path(__file__).resolve().parents[2]


def notebook(module: str, name: str) -> Any:
    return nbformat.read(REPO_ROOT / "notebooks" / module / name, as_version=4)


def correct_answers(module: str) -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location(
        f"partials_{module}", Path(__file__).parent / "partials" / f"{module}.py"
    )
    assert spec and spec.loader
    partials = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(partials)
    return dict(partials.CORRECT)


def grading_cells(nb: Any) -> dict[str, Any]:
    """The autograder test cells by grade id."""
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if is_autograder_test(c)}


def run_cell(source: str, namespace: dict[str, Any] | None = None) -> Any:
    """Execute a cell's code; returns the value of its last expression (nbgrader's partial credit)."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    scope = {} if namespace is None else namespace
    exec(compile(tree, "<cell>", "exec"), scope)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), scope) if last else None


def points_for(cell: Any, answers: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> float:
    """The points a grading cell gives for `answers` (a learner's widget answers)."""
    path = tmp_path / "learner.answers.json"
    path.write_text(json.dumps({"format": FORMAT, "answers": answers, "saved_at": {}, "language": "vi"}))
    monkeypatch.setenv(ANSWERS_FILE_ENV, str(path))
    try:
        value = run_cell(cell.source)
    except Exception:  # an old-style test cell: a failed assert is nbgrader's 0
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float):
        return float(nbgrader_meta(cell)["points"])  # no number: nbgrader gives full points
    return float(value)


def level(cell: Any) -> int | None:
    return hocso_meta(cell).get("level")
