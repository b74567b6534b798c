"""The lean process that forks each submission: IPython and a warm shell, nothing of the grader.

Stock nbgrader starts a kernel per notebook (about 1 s here). Forking a process that has already
imported IPython and built an InteractiveShell costs milliseconds, and the child is fresh per
submission, so nothing leaks between learners.

`ZygoteRoot` is started (as its own small Python process) before the grader imports nbgrader, so it
warms up on the other core meanwhile. It holds no nbgrader, SQLAlchemy, nbconvert or gradebook
objects: a submission's process inherits none of them (nothing to find with `gc.get_objects()`),
and forking from ~30 MB instead of the ~125 MB grading worker costs a third of the CPU (page tables
and copy-on-write faults). Each grading worker gets its own zygote, forked by the root; the zygote
forks one child per notebook, which streams outputs cell by cell to the worker through a pipe of
its own. nbgrader's own preprocessors then grade them exactly as they grade kernel outputs
(`hocso.graders.fast_execute`). Without a root (a caller grading in its own process), the zygote is
forked from the caller.
"""

from __future__ import annotations

import gc
import inspect
import io
import json
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from contextlib import suppress
from multiprocessing.util import Finalize
from typing import Any

from hocso.graders.sandbox import Limits, isolate
from IPython.core.displayhook import DisplayHook
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
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


def _output(output_type: str, **fields: Any) -> dict[str, Any]:
    """One output in nbformat's shape (the worker builds the NotebookNode; nbformat stays out of here)."""
    return {"output_type": output_type, **fields}


def _send(pipe: int, item: object) -> None:
    """One cell's outputs to the worker, as JSON: the worker must never unpickle what a submission
    could have written into its own pipe."""
    data = json.dumps(item, ensure_ascii=False, default=repr).encode()
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
            _send(pipe, outputs)
            if time.monotonic() - started >= limits.notebook_timeout:
                return
            continue
        if error is not None:
            text = str(error)[:2000]
            tb = last_traceback[0][-20:]
            outputs.append(_output("error", ename=type(error).__name__, evalue=text, traceback=tb))
        elif result is not None and result.result is not None:
            data, metadata = shell.display_formatter.format(result.result)
            outputs.append(_output("execute_result", data=data, metadata=metadata, execution_count=count))
        _send(pipe, outputs)


def run_forked(
    sources: list[str], limits: Limits, own_dir: str
) -> tuple[list[list[dict[str, Any]]], str | None]:
    """Run cell sources in a forked, limited child; returns outputs per finished cell and a failure reason."""
    job = (sources, limits, own_dir)
    failure: OSError | None = None
    for _attempt in range(2):  # a learner's code can end the zygote: then one new zygote, one retry
        zygote, read_end = None, -1
        try:
            zygote = _zygote()  # before the pipe: a zygote must never hold a job's write end
            read_end, write_end = os.pipe()
            try:
                pid = zygote.start(job, write_end)
            finally:
                os.close(write_end)
            break
        except OSError as error:
            failure = error
            if read_end >= 0:
                os.close(read_end)
            if zygote is not None:
                zygote.close()
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
    """One grading worker's forking server: it holds the warm shell, reads jobs, forks and waits.

    The worker itself never forks: forking write-protects every page of the forking process, and a
    worker that forked each submission took ~5,000 page faults per learner afterwards (its whole
    working set, again). Each job's outputs travel through a pipe of their own (its write end is
    passed over the zygote's Unix socket): nothing a submission leaves running can reach another
    learner's results or the zygote's socket, which the child closes before any learner code.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.owner = sock, os.getpid()
        pid = _recv_message(sock)  # the zygote's first message is its pid
        if not isinstance(pid, int):
            sock.close()
            raise OSError("the zygote did not start")
        self.pid = pid
        Finalize(self, self.close, exitpriority=10)

    @classmethod
    def forked_here(cls) -> _Zygote:
        """A zygote forked from this process (when no root runs)."""
        shell = prepared_shell()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        gc.freeze()  # the zygote's garbage collector leaves this process's objects (and pages) alone
        if os.fork() == 0:  # the zygote: never returns into the caller's code
            ours.close()
            _zygote_main(theirs, shell)
        gc.unfreeze()
        theirs.close()
        return cls(ours)

    def start(self, job: tuple[list[str], Limits, str], write_end: int) -> int:
        data = pickle.dumps(job)
        socket.send_fds(self.sock, [_HEADER.pack(len(data))], [write_end])
        self.sock.sendall(data)
        message = _recv_message(self.sock)
        if message is None:
            raise OSError("the zygote stopped")
        return int(message)  # type: ignore[call-overload]

    def exit_status(self) -> int | None:
        self.sock.settimeout(60)
        try:
            message = _recv_message(self.sock)
        except OSError:
            message = None
        finally:
            self.sock.settimeout(None)
        return None if message is None else int(message)  # type: ignore[call-overload]

    def close(self) -> None:
        if os.getpid() != self.owner or self.sock.fileno() < 0:
            return
        self.sock.close()  # the zygote reads end-of-file and exits
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with suppress(ChildProcessError):  # a root's zygote is the root's child, reaped there
            os.waitpid(self.pid, 0)
        _zygotes.pop(self.owner, None)


class ZygoteRoot:
    """The lean process that forks one zygote per grading worker (see the module's docstring).

    Start it first, so it imports IPython and warms its shell while the grader imports nbgrader;
    processes forked while it runs (the grading workers) get their zygotes from it.
    """

    def __init__(self) -> None:
        global _root_control
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hocso.graders.zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.control = ours
        _root_control = ours

    def __enter__(self) -> ZygoteRoot:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        global _root_control
        if _root_control is self.control:
            _root_control = None
        self.control.close()  # the root reads end-of-file and exits; its zygotes follow their workers
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_root_control: socket.socket | None = None
_zygotes: dict[int, _Zygote] = {}


def _zygote() -> _Zygote:
    """This process's zygote (a forked worker never uses its parent's): from the root when one runs."""
    if os.getpid() not in _zygotes:
        zygote = None
        if _root_control is not None:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                socket.send_fds(_root_control, [b"zygote"], [theirs.fileno()])
                zygote = _Zygote(ours)
            except OSError:  # the root has gone: fork one here instead
                ours.close()
            finally:
                theirs.close()
        _zygotes[os.getpid()] = zygote or _Zygote.forked_here()
    return _zygotes[os.getpid()]


def _serve_root(control: socket.socket) -> None:
    """The root's loop: warm the shell once, then fork a zygote for each worker that asks.

    Zygotes are waited for (not left to the kernel), so their CPU, and their submissions', is
    counted in the grader's own usage.
    """
    shell = prepared_shell()
    gc.freeze()
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 16, 1)
        except OSError:
            message, fds = b"", []
        _reap(block=False)
        if not message:
            break  # every grader has gone
        if not fds:
            continue
        if os.fork() == 0:  # the zygote: never returns here
            control.close()
            _zygote_main(socket.socket(fileno=fds[0]), shell)
        os.close(fds[0])
    _reap(block=True)  # each zygote ends when its worker has gone


def _reap(block: bool) -> None:
    with suppress(ChildProcessError):
        while os.waitpid(-1, 0 if block else os.WNOHANG)[0]:
            pass


def _zygote_main(sock: socket.socket, shell: InteractiveShell) -> None:
    code = 0
    try:
        _send_message(sock, os.getpid())
        _serve_jobs(sock, shell)
    except BaseException:
        code = 1
    os._exit(code)


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
    allowed = 4 * limits.max_output_bytes + (1 << 20)  # outputs as JSON, tracebacks and all
    received = 0
    reason: str | None = None
    while reason is None:
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
        received += len(chunk)
        if received > allowed:
            reason = (
                f"the notebook's process sent more than {allowed // 1_000_000} MB of results and was stopped"
            )
            break
        buffer += chunk
        while len(buffer) >= _HEADER.size and reason is None:
            (size,) = _HEADER.unpack_from(buffer)
            if len(buffer) < _HEADER.size + size:
                break
            try:
                results.append(_cell_outputs(buffer[_HEADER.size : _HEADER.size + size]))
            except ValueError:
                reason = "the notebook's process sent unreadable results and was stopped"
            buffer = buffer[_HEADER.size + size :]
    os.close(read_end)
    for kill in (os.killpg, os.kill):  # RLIMIT_NPROC does not bind root: end the whole group
        with suppress(ProcessLookupError, PermissionError):
            kill(pid, signal.SIGKILL)
    return results, reason


def _cell_outputs(data: bytes) -> list[dict[str, Any]]:
    """One cell's outputs as the child sent them; ValueError unless a list of outputs."""
    outputs = json.loads(data)
    if not isinstance(outputs, list) or not all(
        isinstance(o, dict) and isinstance(o.get("output_type"), str) for o in outputs
    ):
        raise ValueError("not a list of outputs")
    return outputs


def _exit_reason(status: int, limits: Limits) -> str | None:
    """Why the submission's process ended early, from its wait status; None when it ended normally."""
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) != signal.SIGKILL:
        return f"the notebook's process crashed (signal {os.WTERMSIG(status)})"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
        return f"the notebook ran out of memory (limit {limits.memory_mb} MB)"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0:
        return f"the notebook's process exited early (exit code {os.WEXITSTATUS(status)})"
    return None


if __name__ == "__main__":  # the root, started by ZygoteRoot with its end of the control socket
    _serve_root(socket.socket(fileno=int(sys.argv[1])))
