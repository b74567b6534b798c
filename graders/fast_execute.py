"""Run a notebook in a forked child of an already-imported grader, instead of a fresh kernel.

Stock nbgrader starts a kernel per notebook (about 1 s here). Forking a process that has already
imported IPython costs milliseconds, and the child is fresh per submission so nothing leaks between
learners. The child runs cells in an IPython InteractiveShell and returns nbformat outputs, which
nbgrader's own preprocessors then grade exactly as they grade kernel outputs.

Limits applied in the child: CPU-time and wall-clock per cell and per notebook, address space
(RLIMIT_AS), file size (RLIMIT_FSIZE), output size, processes (RLIMIT_NPROC; not enforced for root,
so the parent also kills the child's whole process group), and no network: a new network namespace
when the OS allows it (`unshare(CLONE_NEWNET)`), otherwise an audit hook that refuses sockets.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import select
import signal
import sys
import time
from dataclasses import dataclass
from typing import Any

from nbformat.v4 import new_output
from nbgrader.preprocessors.base import NbGraderPreprocessor
from traitlets import Float, Integer

TIMEOUT_OUTPUT = {
    "ename": "CellTimeoutError",
    "evalue": "",
    "traceback": ["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"],
}


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; defaults suit short beginner exercises."""

    cell_timeout: float = 30.0
    notebook_timeout: float = 120.0
    memory_mb: int = 1024
    max_processes: int = 32
    max_output_bytes: int = 1_000_000


class _CellTimeout(BaseException):
    """Raised by SIGALRM inside a cell; BaseException so learner `except Exception` cannot swallow it."""


class _OutputCap(io.TextIOBase):
    def __init__(self, budget: list[int]) -> None:
        self.parts: list[str] = []
        self.budget = budget

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.budget[0] > 0:
            kept = text[: self.budget[0]]
            self.parts.append(kept)
            self.budget[0] -= len(kept)
        return len(text)

    def value(self) -> str:
        return "".join(self.parts)


def _isolate(limits: Limits) -> str:
    """Apply OS limits in the child; returns how the network was cut off."""
    os.setpgid(0, 0)
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes, limits.max_processes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (50_000_000, 50_000_000))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        os.unshare(os.CLONE_NEWNET)  # type: ignore[attr-defined]
        return "namespace"
    except (AttributeError, OSError):

        def refuse_sockets(event: str, args: tuple[Any, ...]) -> None:
            if event in ("socket.__new__", "socket.connect", "socket.getaddrinfo"):
                raise PermissionError("network access is disabled while grading")

        sys.addaudithook(refuse_sockets)
        return "audit-hook"


def _run_cells(sources: list[str], limits: Limits) -> list[list[dict[str, Any]]]:
    from IPython.core.displayhook import DisplayHook
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    class QuietDisplayHook(DisplayHook):
        def write_output_prompt(self) -> None:
            pass

        def write_format_data(self, format_dict: Any, md_dict: Any = None) -> None:
            pass

    shell = InteractiveShell.instance(colors="NoColor")
    shell.displayhook = QuietDisplayHook(shell=shell, cache_size=0)
    shell.display_trap.hook = shell.displayhook
    last_traceback: list[list[str]] = [[]]

    def keep_traceback(etype: Any, evalue: Any, stb: list[str]) -> None:
        last_traceback[0] = list(stb)

    shell._showtraceback = keep_traceback

    def on_alarm(signum: int, frame: Any) -> None:
        raise _CellTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    budget = [limits.max_output_bytes]
    started = time.monotonic()
    results: list[list[dict[str, Any]]] = []
    for count, source in enumerate(sources, start=1):
        outputs: list[dict[str, Any]] = []
        remaining = limits.notebook_timeout - (time.monotonic() - started)
        stdout, stderr = _OutputCap(budget), _OutputCap(budget)
        timed_out = False
        signal.setitimer(signal.ITIMER_REAL, max(0.01, min(limits.cell_timeout, remaining)))
        try:
            real_out, real_err = sys.stdout, sys.stderr
            sys.stdout, sys.stderr = stdout, stderr
            try:
                with capture_output(stdout=False, stderr=False, display=True) as captured:
                    result = shell.run_cell(source, store_history=True)
            finally:
                sys.stdout, sys.stderr = real_out, real_err
        except _CellTimeout:
            timed_out = True
            result = None
            captured = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if stdout.value():
            outputs.append(dict(new_output("stream", name="stdout", text=stdout.value())))
        if stderr.value():
            outputs.append(dict(new_output("stream", name="stderr", text=stderr.value())))
        if captured is not None:
            for shown in captured.outputs:
                outputs.append(dict(new_output("display_data", data=shown.data, metadata=shown.metadata)))
        if timed_out:
            outputs.append(dict(new_output("error", **TIMEOUT_OUTPUT)))
            results.append(outputs)
            break
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            if isinstance(error, _CellTimeout):
                outputs.append(dict(new_output("error", **TIMEOUT_OUTPUT)))
                results.append(outputs)
                break
            outputs.append(
                dict(
                    new_output(
                        "error",
                        ename=type(error).__name__,
                        evalue=str(error)[:2000],
                        traceback=last_traceback[0][-20:],
                    )
                )
            )
        elif result.result is not None:
            data, metadata = shell.display_formatter.format(result.result)
            outputs.append(
                dict(new_output("execute_result", data=data, metadata=metadata, execution_count=count))
            )
        results.append(outputs)
    return results


def run_forked(sources: list[str], limits: Limits) -> tuple[list[list[dict[str, Any]]], str | None]:
    """Run cell sources in a forked, limited child; returns outputs per cell and a failure reason."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        code = 0
        try:
            _isolate(limits)
            payload = pickle.dumps(("ok", _run_cells(sources, limits)))
        except MemoryError:
            payload = pickle.dumps(("failed", "ran out of memory (limit %d MB)" % limits.memory_mb))
        except BaseException as error:  # the child must report, never raise into the grader's code
            payload = pickle.dumps(("failed", f"{type(error).__name__}: {error}"))
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + limits.notebook_timeout + 5
    reason: str | None = None
    with os.fdopen(read_end, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                reason = f"notebook timed out after {limits.notebook_timeout:g} s"
                break
            ready, _, _ = select.select([pipe], [], [], left)
            if not ready:
                continue
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _kill_group(pid)
    _, status = os.waitpid(pid, 0)
    if reason is None and chunks:
        try:
            kind, value = pickle.loads(b"".join(chunks))
        except Exception:
            kind, value = "failed", "the notebook's process sent an unreadable result"
        if kind == "ok":
            return value, None
        return [], str(value)
    if reason is None:
        if os.WIFSIGNALED(status):
            reason = f"the notebook's process crashed (signal {os.WTERMSIG(status)})"
        else:
            reason = f"the notebook's process exited early (code {os.WEXITSTATUS(status)}), e.g. os._exit"
    return [], reason


def _kill_group(pid: int) -> None:
    """Kill the child and everything it started (RLIMIT_NPROC does not bind root)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class FastExecute(NbGraderPreprocessor):
    """Drop-in for nbgrader's Execute preprocessor using `run_forked`."""

    cell_timeout = Float(30.0, help="seconds a cell may run").tag(config=True)
    notebook_timeout = Float(120.0, help="seconds a whole notebook may run").tag(config=True)
    memory_mb = Integer(1024, help="address-space limit of the grading process").tag(config=True)
    max_processes = Integer(32, help="processes a submission may start").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="characters of output kept per notebook").tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        limits = Limits(
            self.cell_timeout,
            self.notebook_timeout,
            self.memory_mb,
            self.max_processes,
            self.max_output_bytes,
        )
        code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
        outputs, reason = run_forked([cell.source for cell in code_cells], limits)
        for index, cell in enumerate(code_cells):
            cell.outputs = [new_output(**o) for o in outputs[index]] if index < len(outputs) else []
            cell.execution_count = index + 1 if index < len(outputs) else None
        if reason is not None:
            first = code_cells[0] if code_cells else None
            if first is not None:
                first.outputs.append(
                    new_output("error", ename="GradingStopped", evalue=reason, traceback=[reason])
                )
            resources.setdefault("hocso", {})["failure"] = reason
        return nb, resources
