"""nbgrader's Execute preprocessor, replaced by a run in a forked, limited child (`hocso.graders.zygote`).

The outputs come back per cell in nbformat's shape; nbgrader's own preprocessors then grade them
exactly as they grade kernel outputs.
"""

from __future__ import annotations

import os
from typing import Any

from hocso.graders.sandbox import Limits
from hocso.graders.zygote import TIMEOUT_OUTPUT, run_forked
from nbformat.v4 import new_output
from nbgrader.preprocessors.base import NbGraderPreprocessor
from traitlets import Float, Integer, List, Unicode

STOP_ERRORS = {"NotRun", "CellTimeoutError"}


class FastExecute(NbGraderPreprocessor):
    """Drop-in for nbgrader's Execute preprocessor using `run_forked`."""

    cell_timeout = Float(30.0, help="seconds a cell may run").tag(config=True)
    notebook_timeout = Float(120.0, help="seconds a whole notebook may run").tag(config=True)
    memory_mb = Integer(1024, help="address-space limit of the grading process").tag(config=True)
    max_processes = Integer(8, help="processes a submission may start").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="characters of output kept per notebook").tag(config=True)
    protected_dirs = List(Unicode(), help="folders grading code may not touch (except its own)").tag(
        config=True
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stops: list[str] = []  # why notebooks stopped early, "<file>, code cell <n>: <why>"

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        limits = Limits(
            self.cell_timeout,
            self.notebook_timeout,
            self.memory_mb,
            self.max_processes,
            self.max_output_bytes,
            tuple(self.protected_dirs),
        )
        own_dir = resources.get("metadata", {}).get("path") or os.getcwd()
        code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
        outputs, reason = run_forked([cell.source for cell in code_cells], limits, own_dir)
        if reason is None and len(outputs) < len(code_cells) and not _timed_out(outputs):
            reason = f"the notebook's process stopped by itself before code cell {len(outputs) + 1} (e.g. os._exit)"
        for index, cell in enumerate(code_cells):
            if index < len(outputs):
                cell.outputs = [new_output(**output) for output in outputs[index]]
                cell.execution_count = index + 1
            else:  # never ran: no credit for it, and say why
                why = reason or f"not run: code cell {len(outputs)} timed out after {self.cell_timeout:g} s"
                cell.outputs = [new_output("error", ename="NotRun", evalue=why, traceback=[why])]
                cell.execution_count = None
        if reason is not None:
            self.log.warning("%s", reason)
        stop = _first_stop(code_cells)
        if stop:
            self.stops.append(f"{resources.get('nbgrader', {}).get('notebook', 'notebook')}.ipynb, {stop}")
        return nb, resources


def _first_stop(code_cells: list[Any]) -> str:
    """The first code cell that timed out or never ran, as the learner's readable reason."""
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.outputs:
            if output.get("output_type") == "error" and output.get("ename") in STOP_ERRORS:
                return f"code cell {number}: {output.get('evalue') or output.get('ename')}"
    return ""


def _timed_out(outputs: list[list[dict[str, Any]]]) -> bool:
    return bool(outputs and outputs[-1] and outputs[-1][-1].get("ename") == TIMEOUT_OUTPUT["ename"])
