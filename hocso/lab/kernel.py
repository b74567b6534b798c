"""The learner kernel's IPython extension: an error is one friendly line, never a traceback.

Loaded by the learner lab's kernel spec (`settings.write_kernel_spec`), not in author mode, where
tracebacks help. Any exception a cell raises shows one line in the course language naming the
exercise (nbgrader's grade id of the cell, else its position); the whole traceback goes to the log
file named by `HOCSO_LAB_LOG` for whoever helps the learner.
"""

from __future__ import annotations

import json
import logging
import os
import traceback
from pathlib import Path
from typing import Any

from hocso.i18n import current_language, t

LOG_ENV = "HOCSO_LAB_LOG"
LOG = logging.getLogger("hocso.lab.kernel")


def exercise_id(shell: Any) -> str:
    """The exercise the running cell belongs to: its nbgrader grade id, else the cell id or prompt."""
    cell_id = None
    kernel = getattr(shell, "kernel", None)
    if kernel is not None:
        parent = kernel.get_parent() if hasattr(kernel, "get_parent") else {}
        cell_id = (parent or {}).get("metadata", {}).get("cellId")
    session = os.environ.get("JPY_SESSION_NAME")
    if cell_id and session:
        name = Path.cwd() / Path(session).name
        try:
            for position, cell in enumerate(json.loads(name.read_text(encoding="utf-8"))["cells"], 1):
                if cell.get("id") == cell_id:
                    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                    return str(grade_id or t("lab.kernel.cell", current_language(), number=position))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return t("lab.kernel.cell", current_language(), number=getattr(shell, "execution_count", "?"))


def friendly_line(error: BaseException, exercise: str) -> str:
    language = current_language()
    if isinstance(error, NotImplementedError):
        return t("lab.kernel.not_done", language, exercise=exercise)
    if isinstance(error, AssertionError):
        detail = str(error).strip() or t("lab.kernel.no_detail", language)
        return t("lab.kernel.not_yet", language, exercise=exercise, detail=detail)
    if isinstance(error, SyntaxError):
        return t("lab.kernel.syntax", language, exercise=exercise, line=error.lineno or "?")
    return t("lab.kernel.unexpected", language, exercise=exercise, kind=type(error).__name__)


def _log(error: BaseException, exercise: str) -> None:
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"--- {exercise} ({os.environ.get('JPY_SESSION_NAME', '?')})\n")
            log.write("".join(traceback.format_exception(error)))
    except OSError:
        LOG.debug("cannot write the learner log %s", path)


def load_ipython_extension(shell: Any) -> None:
    """Every exception, and every syntax error, becomes one line; the traceback goes to the log."""

    def handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> list[str]:
        exercise = exercise_id(shell)
        _log(value, exercise)
        lines = [friendly_line(value, exercise)]
        shell._showtraceback(etype, value, lines)  # IPython leaves showing it to the handler
        return lines

    shell.set_custom_exc((Exception,), handler)
    kernel = getattr(shell, "kernel", None)
    if kernel is not None and hasattr(kernel, "help_links"):
        kernel.help_links = []  # English pages on the internet ("NumPy Reference") in the Help menu

    def showsyntaxerror(filename: str | None = None, running_compiled_code: bool = False) -> None:
        import sys

        value = sys.exc_info()[1] or SyntaxError()
        exercise = exercise_id(shell)
        _log(value, exercise)
        shell._showtraceback(type(value), value, [friendly_line(value, exercise)])

    shell.showsyntaxerror = showsyntaxerror
