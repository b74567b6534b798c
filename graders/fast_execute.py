"""nbgrader's Execute preprocessor, replaced by a run in a forked, sandboxed child (`hocso.graders.zygote`).

The outputs come back per cell in nbformat's shape; nbgrader's own preprocessors then grade them
exactly as they grade kernel outputs. Why a notebook stopped, and what a submission did that needs
a person's review, are kept per notebook, each naming the exercise (its grade id).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nbformat.v4 import new_output
from nbgrader.preprocessors.base import NbGraderPreprocessor
from traitlets import Bool, Float, Integer, List, Unicode

from hocso.graders.sandbox import Limits
from hocso.graders.zygote import TIMEOUT_OUTPUT, Cell, run_forked, working_copy
from hocso.i18n import t

STOP_ERRORS = {"NotRun", "CellTimeoutError"}


class FastExecute(NbGraderPreprocessor):
    """Drop-in for nbgrader's Execute preprocessor using `run_forked`."""

    cell_timeout = Float(30.0, help="seconds a cell may run").tag(config=True)
    notebook_timeout = Float(120.0, help="seconds a whole notebook may run").tag(config=True)
    memory_mb = Integer(1024, help="address-space limit of the grading process").tag(config=True)
    max_processes = Integer(8, help="processes a submission may start").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="characters of output kept per notebook").tag(config=True)
    disk_mb = Integer(200, help="size of a submission's writable area (its folder and /tmp)").tag(config=True)
    protected_dirs = List(Unicode(), help="folders grading code may not touch (except its own)").tag(
        config=True
    )
    workspace = Unicode("", help="the runtime folder; each submission's private tmpfs is mounted there").tag(
        config=True
    )
    submitted_directory = Unicode("submitted", help="nbgrader's submitted folder, under the workspace").tag(
        config=True
    )
    strong_sandbox = Bool(True, help="run submissions in the OS sandbox (False: the weak one)").tag(
        config=True
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stops: list[str] = []  # why notebooks stopped early, each naming the exercise
        self.reviews: list[str] = []  # what submissions did that a person must look at

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        limits = Limits(
            self.cell_timeout,
            self.notebook_timeout,
            self.memory_mb,
            self.max_processes,
            self.max_output_bytes,
            tuple(self.protected_dirs),
            self.disk_mb,
        )
        own_dir = resources.get("metadata", {}).get("path") or os.getcwd()
        info = resources.get("nbgrader", {})
        notebook = f"{info.get('notebook', 'notebook')}.ipynb"
        code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
        names = _exercise_names(code_cells)
        cells = [Cell(c.source, _is_test(c), names[i]) for i, c in enumerate(code_cells)]
        submitted = None
        if self.workspace and info.get("student") and info.get("assignment"):
            submitted = str(
                Path(self.workspace, self.submitted_directory, info["student"], info["assignment"])
            )
        try:
            files = working_copy(own_dir, submitted)
        except OSError as error:
            files = {}
            self.stops.append(f"{notebook}: {error}")
        run = run_forked(cells, limits, own_dir, self.workspace or None, files, self.strong_sandbox)
        outputs, reason = run.outputs, run.reason
        if run.review:
            self.reviews.append(
                t("graders.autograde.needs_review", notebook=notebook, what="; ".join(run.review))
            )
        if reason is None and len(outputs) < len(code_cells) and not _timed_out(outputs) and not run.review:
            reason = t("graders.autograde.stopped_itself", exercise=names[min(len(outputs), len(names) - 1)])
        for index, cell in enumerate(code_cells):
            if index < len(outputs):
                cell.outputs = [new_output(**output) for output in outputs[index]]
                cell.execution_count = index + 1
            else:  # never ran: no credit for it, and say why
                why = reason or t(
                    "graders.autograde.not_run",
                    exercise=names[max(len(outputs) - 1, 0)],
                    seconds=self.cell_timeout,
                )
                cell.outputs = [new_output("error", ename="NotRun", evalue=why, traceback=[why])]
                cell.execution_count = None
        if reason is not None:
            self.log.warning("%s", reason)
        self.stops += [f"{notebook}, {stop}" for stop in _stops(code_cells, names, self.memory_mb)]
        return nb, resources


def _is_test(cell: Any) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _exercise_names(code_cells: list[Any]) -> list[str]:
    """Each code cell's exercise: its grade id, else the next graded cell's ("before <id>")."""
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in code_cells]
    names = []
    for index, grade_id in enumerate(ids):
        if grade_id:
            names.append(grade_id)
            continue
        following = next((g for g in ids[index:] if g), None)
        names.append(t("graders.autograde.cell_before", number=index + 1, exercise=following or "-"))
    return names


def _stops(code_cells: list[Any], names: list[str], memory_mb: int) -> list[str]:
    """Every exercise that timed out or ran out of memory, and the first that never ran (the rest
    after it did not run either), each as a readable reason."""
    stops: list[str] = []
    not_run = False
    for name, cell in zip(names, code_cells, strict=True):
        for output in cell.outputs:
            if output.get("output_type") != "error":
                continue
            if output.get("ename") in STOP_ERRORS:
                if output.get("ename") == "NotRun" and not_run:
                    continue
                not_run = not_run or output.get("ename") == "NotRun"
                why = output.get("evalue") or t("graders.autograde.timed_out")
                stops.append(t("graders.autograde.exercise", exercise=name, why=why))
            elif output.get("ename") == "MemoryError":
                why = t("graders.autograde.memory", limit=memory_mb)
                stops.append(t("graders.autograde.exercise", exercise=name, why=why))
    return stops


def _timed_out(outputs: list[list[dict[str, Any]]]) -> bool:
    return bool(outputs and outputs[-1] and outputs[-1][-1].get("ename") == TIMEOUT_OUTPUT["ename"])
