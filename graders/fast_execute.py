"""Run a notebook in a forked child of an already-imported grader, instead of a fresh kernel.

Stock nbgrader starts a kernel per notebook (about 1 s here). Forking a process that has already
imported IPython and built an InteractiveShell costs milliseconds, and the child is fresh per
submission, so nothing leaks between learners. Each grading worker keeps one such process, its
zygote, which forks the submissions. The child streams nbformat outputs cell by cell to the worker;
nbgrader's own preprocessors then grade them exactly as they grade kernel outputs.
"""

from __future__ import annotations

import atexit
import builtins
import gc
import inspect
import io
import os
import pickle
import select
import signal
import socket
import struct
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from multiprocessing.util import Finalize
from typing import Any

from hocso.graders.sandbox import Limits, isolate
from IPython.core.displayhook import DisplayHook
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from nbformat.v4 import new_output
from nbgrader.preprocessors.base import NbGraderPreprocessor
from traitlets import Float, Integer, List, Unicode
from traitlets.config import Config

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
STOP_ERRORS = {"NotRun", "CellTimeoutError"}
_HEADER = struct.Struct("!I")
NO_MODULE = "<hocso: notebook cell>"


class _CellTimeout(BaseException):
    """Raised by SIGALRM inside a cell; BaseException so learner `except Exception` cannot swallow it."""


class _QuietDisplayHook(DisplayHook):
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


def prepared_shell() -> InteractiveShell:
    """One pristine shell per worker, built before forking so each child starts warm."""
    global _shell
    if _shell is None:
        # no history thread or database: a forked child must not share them with its parent
        config = Config({"HistoryManager": {"enabled": False}})
        _shell = InteractiveShell.instance(colors="NoColor", config=config)
        _shell.displayhook = _QuietDisplayHook(shell=_shell, cache_size=0)
        _shell.display_trap.hook = _shell.displayhook
        _shell._format_exception_for_storage = _exception_for_history  # type: ignore[method-assign]
        _shell.compile.cache = _CellFiles(_shell.compile.cache)  # type: ignore[method-assign]
        with capture_output():  # compile and import what the first cell needs once, before forking
            _shell.run_cell("import sys\n1/0", store_history=False)
    return _shell


@contextmanager
def shell_for_workers() -> Iterator[None]:
    """Build the warm shell once, here, for the grading workers forked inside the block.

    Each worker building its own cost ~0.2 s of CPU at the start of every batch (three times on a
    two-core machine). Afterwards this process is given back as it was: its `__main__`, standard
    streams and hooks, builtins, and no IPython singleton, so `get_ipython()` stays None for callers.
    """
    global _shell
    if _shell is not None or InteractiveShell.initialized():  # inside a kernel: workers build their own
        yield
        return
    saved = {name: builtins.__dict__.get(name, _ABSENT) for name in ("__IPYTHON__", "display")}
    shell = prepared_shell()
    try:
        yield
    finally:
        shell.restore_sys_module_state()
        atexit.unregister(shell.atexit_operations)
        InteractiveShell.clear_instance()
        _shell = None
        for name, value in saved.items():
            if value is _ABSENT:
                builtins.__dict__.pop(name, None)
            else:
                builtins.__dict__[name] = value


_ABSENT = object()


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
        name = self.cache(*args, **kwargs)
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


def _send(pipe: int, item: object) -> None:
    data = pickle.dumps(item)
    os.write(pipe, _HEADER.pack(len(data)))
    view = memoryview(data)
    while view:
        view = view[os.write(pipe, view) :]


def _run_cells(shell: InteractiveShell, sources: list[str], limits: Limits, pipe: int) -> None:
    grader_pid = os.getpid()
    last_traceback: list[list[str]] = [[]]
    originals = {name: getattr(InteractiveShell, name) for name in PROTECTED_METHODS}

    def keep_traceback(etype: Any, evalue: Any, stb: list[str]) -> None:
        last_traceback[0] = list(stb)

    def on_alarm(signum: int, frame: Any) -> None:
        raise _CellTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    budget = [limits.max_output_bytes]
    started = time.monotonic()
    real_out, real_err = sys.stdout, sys.stderr
    for count, source in enumerate(sources, start=1):
        for name, method in originals.items():  # undo a learner's monkeypatching of the runner
            setattr(InteractiveShell, name, method)
            shell.__dict__.pop(name, None)
        shell._showtraceback = keep_traceback
        outputs: list[dict[str, Any]] = []
        remaining = limits.notebook_timeout - (time.monotonic() - started)
        stdout, stderr = _OutputCap(budget), _OutputCap(budget)
        captured = None
        result = None
        timed_out = False
        signal.setitimer(signal.ITIMER_REAL, max(0.01, min(limits.cell_timeout, remaining)))
        try:
            sys.stdout, sys.stderr = stdout, stderr
            with capture_output(stdout=False, stderr=False, display=True) as captured:
                result = originals["run_cell"](shell, source, store_history=True)
        except _CellTimeout:
            timed_out = True
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = real_out, real_err
        if os.getpid() != grader_pid:  # a process the learner forked must not report anything
            os._exit(0)
        if stdout.value():
            outputs.append(dict(new_output("stream", name="stdout", text=stdout.value())))
        if stderr.value():
            outputs.append(dict(new_output("stream", name="stderr", text=stderr.value())))
        for shown in captured.outputs if captured is not None else []:
            outputs.append(dict(new_output("display_data", data=shown.data, metadata=shown.metadata)))
        error = None if result is None else (result.error_before_exec or result.error_in_exec)
        if timed_out or isinstance(error, _CellTimeout):
            # like nbgrader's Execute: interrupt the cell, record the timeout, run the next cells
            outputs.append(dict(new_output("error", ename="KeyboardInterrupt", evalue="", traceback=[])))
            outputs.append(dict(new_output("error", **TIMEOUT_OUTPUT)))
            _send(pipe, outputs)
            if time.monotonic() - started >= limits.notebook_timeout:
                return
            continue
        if error is not None:
            text = str(error)[:2000]
            tb = last_traceback[0][-20:]
            outputs.append(dict(new_output("error", ename=type(error).__name__, evalue=text, traceback=tb)))
        elif result is not None and result.result is not None:
            data, metadata = shell.display_formatter.format(result.result)
            outputs.append(
                dict(new_output("execute_result", data=data, metadata=metadata, execution_count=count))
            )
        _send(pipe, outputs)


def run_forked(
    sources: list[str], limits: Limits, own_dir: str
) -> tuple[list[list[dict[str, Any]]], str | None]:
    """Run cell sources in a forked, limited child; returns outputs per finished cell and a failure reason."""
    job = (sources, limits, own_dir)
    failure: OSError | None = None
    for _attempt in range(2):  # a learner's code can kill the zygote: then one new zygote, one retry
        zygote = _zygote()  # before the pipe: a zygote must never hold a job's write end
        read_end, write_end = os.pipe()
        try:
            pid = zygote.start(job, write_end)
            break
        except OSError as error:
            os.close(read_end)
            zygote.close()
            failure = error
        finally:
            os.close(write_end)
    else:
        return [], f"the grading process could not be started ({failure}); grade this learner again"
    results, reason = _receive(pid, read_end, limits)
    status = zygote.exit_status()
    if status is None:
        zygote.close()
        lost = "the grading helper process stopped while this notebook ran (its code may have ended it)"
        return results, reason or lost
    return results, reason or _exit_reason(status, limits)


class _Zygote:
    """A small forking server that holds the warm shell, so the grading worker itself never forks.

    Forking write-protects every page of the forking process. When the worker forked each submission
    itself, it took ~5,000 page faults per learner afterwards (its whole working set, again), about a
    fifth of its CPU. The zygote is forked once per worker; it only reads jobs, forks and waits, so
    its own pages stay untouched. Each job's outputs travel through a pipe of their own (its write end
    is passed to the zygote over a Unix socket): nothing a submission leaves running can reach
    another learner's results or the zygote's socket, which the child closes before any learner code.
    """

    def __init__(self) -> None:
        shell = prepared_shell()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        gc.freeze()  # the zygote's garbage collector leaves the worker's objects (and pages) alone
        pid = os.fork()
        if pid == 0:  # the zygote: never returns into the worker's code
            ours.close()
            code = 0
            try:
                _serve_jobs(theirs, shell)
            except BaseException:
                code = 1
            os._exit(code)
        gc.unfreeze()
        theirs.close()
        self.pid, self.sock = pid, ours
        self.owner = os.getpid()
        Finalize(self, self.close, exitpriority=10)

    def start(self, job: tuple[list[str], Limits, str], write_end: int) -> int:
        data = pickle.dumps(job)
        socket.send_fds(self.sock, [_HEADER.pack(len(data))], [write_end])
        self.sock.sendall(data)
        message = _recv_message(self.sock)
        if message is None:
            raise OSError("the zygote stopped")
        return int(message)

    def exit_status(self) -> int | None:
        self.sock.settimeout(60)
        try:
            message = _recv_message(self.sock)
        except OSError:
            message = None
        finally:
            self.sock.settimeout(None)
        return None if message is None else int(message)

    def close(self) -> None:
        if os.getpid() != self.owner or self.sock.fileno() < 0:
            return
        self.sock.close()  # the zygote reads end-of-file and exits
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        _zygotes.pop(self.owner, None)


_zygotes: dict[int, _Zygote] = {}


def _zygote() -> _Zygote:
    """This process's zygote (a forked worker never uses its parent's)."""
    if os.getpid() not in _zygotes:
        _zygotes[os.getpid()] = _Zygote()
    return _zygotes[os.getpid()]


def _recv_exact(sock: socket.socket, size: int, first: bytes = b"") -> bytes | None:
    data = first
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _recv_message(sock: socket.socket) -> object | None:
    header = _recv_exact(sock, _HEADER.size)
    if header is None:
        return None
    body = _recv_exact(sock, _HEADER.unpack(header)[0])
    return None if body is None else pickle.loads(body)


def _send_message(sock: socket.socket, item: object) -> None:
    data = pickle.dumps(item)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _serve_jobs(sock: socket.socket, shell: InteractiveShell) -> None:
    """The zygote's loop: per job, fork a limited child that runs the cells into the job's pipe."""
    while True:
        header, fds, _, _ = socket.recv_fds(sock, _HEADER.size, 1)
        header = _recv_exact(sock, _HEADER.size, header) if header else None
        if header is None:
            return  # the worker has gone
        body = _recv_exact(sock, _HEADER.unpack(header)[0])
        if body is None or not fds:
            return
        sources, limits, own_dir = pickle.loads(body)
        gc.freeze()
        pid = os.fork()
        if pid == 0:  # the submission's process
            sock.close()
            _close_inherited_files(keep=fds[0])
            code = 0
            try:
                isolate(limits, own_dir)
                _run_cells(shell, sources, limits, fds[0])
            except MemoryError:
                code = 3
            except BaseException:
                code = 4
            os._exit(code)
        os.close(fds[0])
        _send_message(sock, pid)
        _, status = os.waitpid(pid, 0)
        _send_message(sock, status)


def _close_inherited_files(keep: int) -> None:
    """Leave the submission only stdin/out/err and its own pipe (not the worker's pool or database)."""
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))


def _receive(pid: int, read_end: int, limits: Limits) -> tuple[list[list[dict[str, Any]]], str | None]:
    buffer = b""
    results: list[list[dict[str, Any]]] = []
    deadline = time.monotonic() + limits.notebook_timeout + 2
    reason: str | None = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            reason = f"the notebook ran longer than {limits.notebook_timeout:g} s and was stopped"
            break
        ready, _, _ = select.select([read_end], [], [], min(left, 0.5))
        if not ready:
            continue
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            break
        buffer += chunk
        while len(buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(buffer)
            if len(buffer) < _HEADER.size + size:
                break
            results.append(pickle.loads(buffer[_HEADER.size : _HEADER.size + size]))
            buffer = buffer[_HEADER.size + size :]
    os.close(read_end)
    for kill in (os.killpg, os.kill):  # RLIMIT_NPROC does not bind root: end the whole group
        with suppress(ProcessLookupError, PermissionError):
            kill(pid, signal.SIGKILL)
    return results, reason


def _exit_reason(status: int, limits: Limits) -> str | None:
    """Why the submission's process ended early, from its wait status; None when it ended normally."""
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) != signal.SIGKILL:
        return f"the notebook's process crashed (signal {os.WTERMSIG(status)})"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
        return f"the notebook ran out of memory (limit {limits.memory_mb} MB)"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0:
        return f"the notebook's process exited early (exit code {os.WEXITSTATUS(status)})"
    return None


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
