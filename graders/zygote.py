"""The lean, sandboxed process that forks each submission, and the grader's side of each run.

Stock nbgrader starts a kernel per notebook (about 1 s here). Forking a process that has already
imported IPython and built an InteractiveShell costs milliseconds, and the child is fresh per
submission, so nothing leaks between learners.

`ZygoteRoot` is started (as its own small Python process, inside the bubblewrap sandbox of
`hocso.graders.sandbox`) before the grader imports nbgrader, so it warms up on the other core
meanwhile. It holds no nbgrader, SQLAlchemy, nbconvert or gradebook objects and none of the
grader's environment. Each grading worker gets its own zygote, forked by the root; the zygote forks
one child per notebook, in a PID namespace of its own (`hocso.graders.namespaces`), and that child
runs one cell per request from the worker (`hocso.graders.cell_runner`) over two pipes of its own.
The worker holds a pidfd of the child, so it can end it (and with it every process the submission
started) whatever the child's PID looks like from inside the sandbox. What runs inside the sandbox
is `hocso.graders.zygote_server`; this module is the grader's side.
"""

from __future__ import annotations

import json
import marshal
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
from dataclasses import dataclass, field
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any, NamedTuple

from hocso.graders import cgroups
from hocso.graders.cell_runner import TIMEOUT_OUTPUT
from hocso.graders.sandbox import Limits, root_command
from hocso.i18n import t

__all__ = ["TIMEOUT_OUTPUT", "Cell", "Run", "ZygoteRoot", "run_forked", "working_copy"]

_HEADER = struct.Struct("!I")
MAX_WORKING_COPY = 64_000_000  # bytes of a learner's folder sent into its sandbox


@dataclass(frozen=True)
class Cell:
    """One code cell to run: its source, whether it is an autograder test, and its exercise name."""

    source: str
    test: bool = False
    name: str = ""


class Run(NamedTuple):
    """What running a notebook gave: outputs per finished cell, why it stopped early, what to review."""

    outputs: list[list[dict[str, Any]]]
    reason: str | None
    review: list[str]


@dataclass
class _Job:
    limits: Limits
    own_dir: str
    workspace: str
    files: dict[str, bytes] = field(default_factory=dict)


def working_copy(folder: str, notebooks_from: str | None = None) -> dict[str, bytes]:
    """The learner's files to put in its sandbox: regular files only (a symlink is not followed).

    `notebooks_from`: take the notebooks from this folder (the learner's own submission) instead,
    so the copy never holds the autograded notebook with its hidden tests.
    """
    files: dict[str, bytes] = {}
    total = 0
    for base, pick in (
        (folder, lambda n: not n.endswith(".ipynb") or notebooks_from is None),
        (notebooks_from, lambda n: n.endswith(".ipynb")),
    ):
        if base is None or not os.path.isdir(base):
            continue
        for root, dirs, names in os.walk(base):
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
            for name in names:
                path = os.path.join(root, name)
                relative = os.path.relpath(path, base)
                if not pick(name) or os.path.islink(path) or not os.path.isfile(path):
                    continue
                total += os.path.getsize(path)
                if total > MAX_WORKING_COPY:
                    raise OSError(
                        f"the learner's folder {base} holds more than {MAX_WORKING_COPY // 1_000_000} MB"
                    )
                files[relative] = Path(path).read_bytes()
    return files


def run_forked(
    cells: list[Cell] | list[str],
    limits: Limits,
    own_dir: str,
    workspace: str | None = None,
    files: dict[str, bytes] | None = None,
    strong: bool = True,
) -> Run:
    """Run the cells in a forked, sandboxed child, one request per cell (see the module docstring)."""
    cells = [c if isinstance(c, Cell) else Cell(c) for c in cells]
    job = _Job(limits, own_dir, workspace or own_dir, working_copy(own_dir) if files is None else files)
    failure: OSError | None = None
    for _attempt in range(2):  # a zygote lost (its root gone): one new root, one retry
        zygote, pipes = None, []
        try:
            zygote = _zygote(job.workspace, strong)  # before the pipes: a zygote never holds a job's ends
            requests_r, requests_w = os.pipe()
            results_r, results_w = os.pipe()
            pipes = [requests_w, results_r]
            try:
                _pid, pidfd = zygote.start(job, [requests_r, results_w])
            finally:
                os.close(requests_r)
                os.close(results_w)
            break
        except OSError as error:
            failure = error
            for fd in pipes:
                os.close(fd)
            if zygote is not None:
                zygote.close()
    else:
        return Run([], f"the grading process could not be started ({failure}); grade this learner again", [])
    ceiling = _ceiling(limits) if strong else None
    try:
        if ceiling is not None:
            ceiling.admit(pidfd)  # before the first request: no learner code has run yet
        kills = ceiling.oom_kills() if ceiling is not None else 0
        run = _converse(cells, limits, pipes[0], pipes[1])
    finally:
        for fd in pipes:
            os.close(fd)
        with suppress(ProcessLookupError, OSError):
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)  # and with it its whole PID namespace
        os.close(pidfd)
    status = zygote.exit_status()
    if status is None:
        zygote.close()
        lost = "the grading helper process stopped while this notebook ran"
        return Run(run.outputs, run.reason or lost, run.review)
    if ceiling is not None and ceiling.oom_kills() > kills:  # the processes together hit the ceiling
        return Run(run.outputs, t("graders.autograde.memory_together", limit=limits.memory_mb), [])
    if run.review and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
        return Run(run.outputs, _exit_reason(status, limits), [])  # out of memory, not tampering
    return Run(run.outputs, run.reason or _exit_reason(status, limits), run.review)


def _converse(cells: list[Cell], limits: Limits, requests: int, results: int) -> Run:
    """Send one cell, take its one reply; then the end, and its `done`. Anything else is forged."""
    deadline = time.monotonic() + limits.notebook_timeout + 2
    reader = _Replies(results, 4 * limits.max_output_bytes + (1 << 20))
    outputs: list[list[dict[str, Any]]] = []
    for seq, cell in enumerate(cells):
        nonce = os.urandom(16).hex()
        _write(
            requests,
            {"seq": seq, "nonce": nonce, "source": cell.source, "test": cell.test, "name": cell.name},
        )
        reply, problem = reader.next(deadline)
        if problem:
            return Run(outputs, *_problem(problem, cell, outputs, limits))
        if not isinstance(reply, dict) or reply.get("seq") != seq or reply.get("nonce") != nonce:
            return Run(outputs, None, [f"sent results that the grader did not ask for ({cell.name})"])
        if not _is_outputs(reply.get("outputs")):
            return Run(outputs, None, [f"sent unreadable results ({cell.name})"])
        outputs.append(reply["outputs"])
        if reply.get("stop"):
            break
    nonce = os.urandom(16).hex()
    _write(requests, {"end": nonce})
    reply, problem = reader.next(deadline)
    if problem or not isinstance(reply, dict) or reply.get("done") != nonce:
        return Run(outputs, None, [f"did not finish as the grader's runner does ({problem or 'forged end'})"])
    tampering = [str(t) for t in reply.get("tampering", []) if isinstance(t, str)]
    extra, _ = reader.next(time.monotonic() + 2)
    if extra is not None:
        tampering.append("sent results after the end")
    return Run(outputs, None, tampering)


def _problem(problem: str, cell: Cell, outputs: list[Any], limits: Limits) -> tuple[str | None, list[str]]:
    """A missing reply: the process ended (crash, os._exit, limit), ran too long or sent garbage."""
    if problem == "ended":
        return None, []  # the exit status says why (see run_forked)
    if problem == "too long":
        return f"the notebook ran longer than {limits.notebook_timeout:g} s and was stopped", []
    return None, [f"{problem} ({cell.name})"]


def _is_outputs(outputs: Any) -> bool:
    return isinstance(outputs, list) and all(
        isinstance(o, dict) and isinstance(o.get("output_type"), str) for o in outputs
    )


def _write(fd: int, message: dict[str, Any]) -> None:
    """One request; a submission that has ended (or closed its end) just reads nothing more."""
    data = marshal.dumps(message)
    view = memoryview(_HEADER.pack(len(data)) + data)
    with suppress(BrokenPipeError):
        while view:
            view = view[os.write(fd, view) :]


class _Replies:
    """Frames from the submission's result pipe, read as JSON only (never unpickled)."""

    def __init__(self, fd: int, allowed: int) -> None:
        self.fd, self.allowed, self.buffer, self.received, self.closed = fd, allowed, b"", 0, False

    def next(self, deadline: float) -> tuple[Any, str]:
        while True:
            if len(self.buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack_from(self.buffer)
                if len(self.buffer) >= _HEADER.size + size:
                    body = self.buffer[_HEADER.size : _HEADER.size + size]
                    self.buffer = self.buffer[_HEADER.size + size :]
                    try:
                        return json.loads(body), ""
                    except ValueError:
                        return None, "sent unreadable results"
            if self.closed:
                return None, "ended" if not self.buffer else "sent unreadable results"
            left = deadline - time.monotonic()
            if left <= 0:
                return None, "too long"
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                self.closed = True
                continue
            self.received += len(chunk)
            if self.received > self.allowed:
                return None, f"sent more than {self.allowed // 1_000_000} MB of results"
            self.buffer += chunk


class _Zygote:
    """One grading worker's forking server (in the root's sandbox): reads jobs, forks and waits.

    The worker itself never forks: forking write-protects every page of the forking process, and a
    worker that forked each submission took ~5,000 page faults per learner afterwards.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.owner = sock, os.getpid()
        sock.settimeout(60)  # a root that has gone never answers: fail, do not wait for ever
        try:
            pid = _recv_message(sock)  # the zygote's first message is its pid
        except OSError:
            pid = None
        finally:
            sock.settimeout(None)
        if not isinstance(pid, int):
            sock.close()
            raise OSError("the zygote did not start")
        self.pid = pid
        Finalize(self, self.close, exitpriority=10)

    def start(self, job: _Job, fds: list[int]) -> tuple[int, int]:
        data = pickle.dumps(job)
        socket.send_fds(self.sock, [_HEADER.pack(len(data))], fds)
        self.sock.sendall(data)
        message, pidfds, _, _ = socket.recv_fds(self.sock, 64, 1)
        if not message or not pidfds:
            raise OSError("the zygote stopped")
        return int(message.decode()), pidfds[0]

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
        self.sock.close()  # the zygote reads end-of-file and exits, ending its submission
        _zygotes.pop(self.owner, None)


class ZygoteRoot:
    """The lean process that forks one zygote per grading worker (see the module's docstring).

    `workspaces`: the course runtime folders whose learners it grades (each submission's private
    tmpfs is mounted there). `strong=False` runs it without the OS sandbox (the weak engine).
    """

    def __init__(self, workspaces: list[str] | tuple[str, ...] = (), strong: bool = True) -> None:
        global _root_control, _root_workspaces, _root_strong
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        python = [
            sys.executable,
            "-m",
            "hocso.graders.zygote_server",
            str(theirs.fileno()),
            "strong" if strong else "weak",
        ]
        command = root_command(python, [os.path.realpath(w) for w in workspaces]) if strong else python
        self.process = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.control, self.strong = ours, strong
        self.workspaces = tuple(os.path.realpath(w) for w in workspaces)
        _root_control, _root_workspaces, _root_strong = ours, self.workspaces, strong

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
_root_workspaces: tuple[str, ...] = ()
_root_strong = True
_zygotes: dict[int, _Zygote] = {}
_own_roots: dict[int, ZygoteRoot] = {}  # roots this process started for itself, by its pid


def _close_own_roots() -> None:
    root = _own_roots.pop(os.getpid(), None)
    if root is not None:
        root.close()


_ceilings: dict[int, tuple[tuple[int, int], cgroups.Ceiling]] = {}


def _ceiling(limits: Limits) -> cgroups.Ceiling | None:
    """This worker's cgroup for its submissions (made once per worker), None where cgroups are missing.

    Its memory ceiling is the submission's memory and disk together (tmpfs pages are memory);
    its process ceiling leaves room for the threads the kernel counts with the processes.
    """
    if cgroups.unavailable() is not None:
        return None  # `missing_protections` has said so; grading refused unless the weak sandbox is allowed
    wanted = (limits.memory_mb + limits.disk_mb, limits.max_processes + 4)
    held = _ceilings.get(os.getpid())
    if held is not None and held[0] == wanted:
        return held[1]
    if held is not None:
        held[1].remove()
    ceiling = cgroups.create(*wanted)
    _ceilings[os.getpid()] = (wanted, ceiling)
    Finalize(None, ceiling.remove, exitpriority=1)
    return ceiling


def _zygote(workspace: str, strong: bool) -> _Zygote:
    """This process's zygote, from the root; a root of its own when none serves this workspace."""
    workspace = os.path.realpath(workspace)
    covered = any(workspace == w or workspace.startswith(w + os.sep) for w in _root_workspaces)
    if _root_control is None or _root_strong != strong or (strong and not covered):
        _close_own_roots()
        _own_roots[os.getpid()] = ZygoteRoot([workspace], strong)
        _zygotes.pop(os.getpid(), None)
        Finalize(None, _close_own_roots, exitpriority=5)
    if os.getpid() not in _zygotes:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            socket.send_fds(_root_control, [b"zygote"], [theirs.fileno()])  # type: ignore[arg-type]
            _zygotes[os.getpid()] = _Zygote(ours)
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
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


def _exit_reason(status: int, limits: Limits) -> str | None:
    """Why the submission's process ended early, from its wait status; None when it ended normally."""
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
        return f"the notebook used more than {limits.cpu_seconds} s of CPU and was stopped"
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) != signal.SIGKILL:
        return f"the notebook's process crashed (signal {os.WTERMSIG(status)})"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
        return f"the notebook ran out of memory (limit {limits.memory_mb} MB)"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0:
        return f"the notebook's process exited early (exit code {os.WEXITSTATUS(status)})"
    return None
