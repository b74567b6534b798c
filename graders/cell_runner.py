"""Inside a submission's process: the warm IPython shell and the loop that runs one cell per request.

The grader sends one cell at a time (`hocso.graders.zygote.run_forked`), so a hidden test is not in
the submission's memory before its turn, and nothing learner code does can rewrite a test that has
not arrived. Each request carries a nonce; the reply must carry it back, exactly once, and the run
ends with a `done` that answers the end request's nonce, which exists only after the last cell has
run. A forged, extra, missing or late message is therefore visible to the grader.

Before answering, the loop puts back what learner code could have bent (`hocso.graders.tamper`),
ends every other process in the submission's PID namespace before a test cell; what it had to undo
travels with the final reply as tampering. The loop reads and
writes its pipes only through C functions held in its own frame, which Python code cannot patch.
"""

from __future__ import annotations

import _json
import _signal  # type: ignore[import-not-found]  # signal's C half (no enum wrapping); typeshed has no stub
import inspect
import io
import marshal
import os
import struct
import sys
import time
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config

from hocso.graders.namespaces import end_other_processes
from hocso.graders.sandbox import Limits
from hocso.graders.tamper import Pristine

TIMEOUT_OUTPUT = {
    "ename": "CellTimeoutError",
    "evalue": "",
    "traceback": ["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"],
}
PROTECTED_METHODS = (
    "run_cell",
    "run_cell_async",
    "run_ast_nodes",
    "run_code",
    "showtraceback",
    "transform_cell",
)
HEADER = struct.Struct("!I")
NO_MODULE = "<hocso: notebook cell>"


class _CellTimeout(BaseException):
    """Raised by SIGALRM inside a cell; BaseException so learner `except Exception` cannot swallow it."""


class _QuietDisplayHook(DisplayHook):
    def __init__(self, shell: InteractiveShell, cache_size: int) -> None:
        # IPython's DisplayHook.__init__ is unannotated (only --strict asks, hence unused-ignore)
        super().__init__(shell=shell, cache_size=cache_size)  # type: ignore[no-untyped-call,unused-ignore]

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict: Any, md_dict: Any = None) -> None:
        pass


class _OutputCap(io.TextIOBase):
    """A stdout/stderr that keeps at most the notebook's remaining output budget."""

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


_shell: InteractiveShell | None = None
_pristine: Pristine | None = None


def prepared_shell() -> tuple[InteractiveShell, Pristine]:
    """One pristine shell per zygote, built before forking so each child starts warm, and the record
    of what learner code may not change (taken once, shared copy-on-write by every child)."""
    global _shell, _pristine
    if _shell is None or _pristine is None:
        # no history thread or database: a forked child must not share them with its parent
        config = Config({"HistoryManager": {"enabled": False}})
        _shell = InteractiveShell.instance(colors="NoColor", config=config)
        _shell.displayhook = _QuietDisplayHook(shell=_shell, cache_size=0)
        _shell.display_trap.hook = _shell.displayhook
        _shell._format_exception_for_storage = _exception_for_history  # type: ignore[method-assign]
        # a method in the untyped-call view, an attribute otherwise: strict and non-strict runs disagree
        _shell.compile.cache = _CellFiles(_shell.compile.cache)  # type: ignore[method-assign,unused-ignore]
        with capture_output():  # compile and import what the first cell needs once, before forking
            _shell.run_cell("import sys\n1/0", store_history=False)
        _pristine = Pristine(_shell)
        _pristine.record(sys.modules[__name__])  # with its own `_shell` and `_pristine` set
    return _shell, _pristine


class _CellFiles:
    """Tell `inspect` up front that a cell's pseudo-file belongs to no module.

    To format a traceback, `inspect.getmodule` looks for the module of each frame's file; for a
    cell's file it finds none only after walking every imported module, several times per failing
    cell, and in a forked child that walk also copies the pages of every module object. Mapping the
    cell's file name to a module name that does not exist gives the same answer (no module) at once.
    """

    def __init__(self, cache: Any) -> None:
        self.cache = cache

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        name: str = self.cache(*args, **kwargs)
        for path in (name, os.path.normcase(os.path.abspath(name))):  # as given, and as a frame's
            inspect.modulesbyfile[path] = NO_MODULE
        return name


def _exception_for_history(exception: BaseException, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """IPython formats each failing cell's traceback a second time, only for `%history`.

    The graded notebook gets the traceback shown in the cell's outputs (formatted as the kernel
    formats it); this history copy is never read, and formatting it cost half of a failing cell
    (the traceback formatter scans every module the grader has imported).
    """
    return {"ename": type(exception).__name__, "evalue": str(exception), "traceback": []}


def _output(output_type: str, **fields: Any) -> dict[str, Any]:
    """One output in nbformat's shape (the worker builds the NotebookNode; nbformat stays out of here)."""
    return {"output_type": output_type, **fields}


def _raise_timeout(signum: int, frame: Any) -> None:
    raise _CellTimeout()


def _run_one(
    shell: InteractiveShell, source: str, count: int, seconds: float, budget: list[int]
) -> tuple[list[dict[str, Any]], bool]:
    """Run one cell as the kernel would; returns its outputs and whether it timed out."""
    last_traceback: list[list[str]] = [[]]

    def keep_traceback(etype: Any, evalue: Any, stb: list[str]) -> None:
        last_traceback[0] = list(stb)

    shell._showtraceback = keep_traceback  # type: ignore[method-assign]
    outputs: list[dict[str, Any]] = []
    stdout, stderr = _OutputCap(budget), _OutputCap(budget)
    captured, result, timed_out = None, None, False
    real_out, real_err = sys.stdout, sys.stderr
    _signal.setitimer(_signal.ITIMER_REAL, max(0.01, seconds))
    try:
        sys.stdout, sys.stderr = stdout, stderr
        with capture_output(stdout=False, stderr=False, display=True) as captured:
            result = InteractiveShell.run_cell(shell, source, store_history=True)
    except _CellTimeout:
        timed_out = True
    finally:
        _signal.setitimer(_signal.ITIMER_REAL, 0)
        sys.stdout, sys.stderr = real_out, real_err
    if stdout.value():
        outputs.append(_output("stream", name="stdout", text=stdout.value()))
    if stderr.value():
        outputs.append(_output("stream", name="stderr", text=stderr.value()))
    for shown in captured.outputs if captured is not None else []:
        outputs.append(_output("display_data", data=shown.data, metadata=shown.metadata))
    error = None if result is None else (result.error_before_exec or result.error_in_exec)
    if timed_out or isinstance(error, _CellTimeout):
        # like nbgrader's Execute: interrupt the cell, record the timeout, run the next cells
        outputs.append(_output("error", ename="KeyboardInterrupt", evalue="", traceback=[]))
        outputs.append(_output("error", **TIMEOUT_OUTPUT))
        return outputs, True
    if error is not None:
        text = str(error)[:2000]
        outputs.append(
            _output("error", ename=type(error).__name__, evalue=text, traceback=last_traceback[0][-20:])
        )
    elif result is not None and result.result is not None:
        assert shell.display_formatter is not None  # an InteractiveShell always has one
        data, metadata = shell.display_formatter.format(result.result)
        outputs.append(_output("execute_result", data=data, metadata=metadata, execution_count=count))
    return outputs, False


def serve_cells(
    shell: InteractiveShell, pristine: Pristine, limits: Limits, requests: int, results: int, pid1: bool
) -> None:
    """The submission's loop: one request, one cell, one reply (see the module docstring)."""
    read, write, loads = os.read, os.write, marshal.loads
    pack, unpack = HEADER.pack, HEADER.unpack
    encoder = _json.make_encoder({}, repr, _json.encode_basestring, None, ": ", ", ", False, False, True)
    join, set_handler, alarm = "".join, _signal.signal, _signal.SIGALRM
    guarded = tuple(
        (function, function.__code__, function.__defaults__)
        for function in (
            Pristine.restore,
            _run_one,
            _raise_timeout,
            end_other_processes,
            _OutputCap.write,
        )
    )
    own_methods = tuple(PROTECTED_METHODS)
    budget = [limits.max_output_bytes]
    getpid, leave = os.getpid, os._exit
    own_pid = getpid()
    started = time.monotonic()
    tampering: list[str] = []
    count, previous = 0, "the start"
    while True:
        for function, code, defaults in guarded:  # the grader's own code first, from this frame
            function.__code__, function.__defaults__ = code, defaults
        undone = pristine.restore()
        undone += [
            f"the shell's {name}" for name in own_methods if shell.__dict__.pop(name, None) is not None
        ]
        tampering += [f"{what} ({previous})" for what in undone]
        header = b""
        while len(header) < HEADER.size:
            chunk = read(requests, HEADER.size - len(header))
            if not chunk:
                return
            header += chunk
        (size,) = unpack(header)
        body = b""
        while len(body) < size:
            chunk = read(requests, size - len(body))
            if not chunk:
                return
            body += chunk
        request = loads(body)
        if pid1 and (request.get("test") or "end" in request):
            end_other_processes()  # nothing it started may act while the tests run
        previous = request.get("name") or previous
        if "end" in request:
            reply: dict[str, Any] = {"done": request["end"], "tampering": tampering}
        else:
            count += 1
            set_handler(alarm, _raise_timeout)
            left = limits.notebook_timeout - (time.monotonic() - started)
            outputs, timed_out = _run_one(
                shell, request["source"], count, min(limits.cell_timeout, left), budget
            )
            if getpid() != own_pid:  # a process the learner forked must never report anything
                leave(0)
            stop = timed_out and time.monotonic() - started >= limits.notebook_timeout
            reply = {"seq": request["seq"], "nonce": request["nonce"], "outputs": outputs, "stop": stop}
        data = join(encoder(reply, 0)).encode()
        frame = memoryview(pack(len(data)) + data)
        while frame:
            frame = frame[write(results, frame) :]
        if "end" in request:
            return
