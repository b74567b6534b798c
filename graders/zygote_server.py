"""Inside the sandbox: the zygote root, each worker's zygote, and each submission's first steps.

Started by `hocso.graders.zygote.ZygoteRoot` as `python -m hocso.graders.zygote_server` (inside
bubblewrap for the strong sandbox). The root warms the IPython shell once and forks one zygote per
grading worker; a zygote forks each submission into a PID namespace of its own, hands the worker a
pidfd of it, and waits for it (ending it if the worker goes first). The submission's process then
enters its own namespaces and limits (`hocso.graders.namespaces`) and serves the worker's cell
requests (`hocso.graders.cell_runner`). Nothing of nbgrader or the gradebook is imported here.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import socket
import sys
from contextlib import suppress
from typing import Any

from hocso.graders.cell_runner import prepared_shell, serve_cells
from hocso.graders.namespaces import SANDBOX_UID, PidNamespaces, enter_submission, set_limits
from hocso.graders.sandbox import isolate
from hocso.graders.zygote import _HEADER, _Job, _recv_exact, _send_message


def _serve_root(control: socket.socket, strong: bool) -> None:
    """The root's loop: warm the shell once, then fork a zygote for each worker that asks."""
    shell, pristine = prepared_shell()
    gc.freeze()
    number = 0
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
        number += 1
        if os.fork() == 0:  # the zygote: never returns here
            control.close()
            _zygote_main(socket.socket(fileno=fds[0]), shell, pristine, strong, SANDBOX_UID + number)
        os.close(fds[0])
    _reap(block=True)  # each zygote ends when its worker has gone


def _reap(block: bool) -> None:
    with suppress(ChildProcessError):
        while os.waitpid(-1, 0 if block else os.WNOHANG)[0]:
            pass


def _zygote_main(sock: socket.socket, shell: Any, pristine: Any, strong: bool, uid: int) -> None:
    code = 0
    try:
        _send_message(sock, os.getpid())
        _serve_jobs(sock, shell, pristine, strong, uid)
    except BaseException:
        code = 1
    os._exit(code)


def _serve_jobs(sock: socket.socket, shell: Any, pristine: Any, strong: bool, uid: int) -> None:
    """The zygote's loop: per job, fork a sandboxed child that runs the cells over the job's pipes."""
    pid_namespaces = PidNamespaces() if strong else None
    while True:
        first, fds, _, _ = socket.recv_fds(sock, _HEADER.size, 2)
        header = _recv_exact(sock, _HEADER.size, first) if first else None
        if header is None:
            return  # the worker has gone
        body = _recv_exact(sock, _HEADER.unpack(header)[0])
        if body is None or len(fds) != 2:
            return
        job: _Job = pickle.loads(body)
        if pid_namespaces is not None:
            pid_namespaces.fresh()
        gc.freeze()
        pid = os.fork()
        if pid == 0:  # the submission's process (PID 1 of its own namespace when strong)
            sock.close()
            _submission_main(job, shell, pristine, fds, strong, uid)
        for fd in fds:
            os.close(fd)
        pidfd = os.pidfd_open(pid)
        socket.send_fds(sock, [str(pid).encode()], [pidfd])
        os.close(pidfd)
        if not _wait_for(pid, sock):
            return
        _, status = os.waitpid(pid, 0)
        _send_message(sock, status)


def _wait_for(pid: int, sock: socket.socket) -> bool:
    """Wait until the submission ends; if the worker goes first, end the submission and say so."""
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            ready, _, _ = select.select([pidfd, sock.fileno()], [], [])
            if pidfd in ready:
                return True
            if not sock.recv(1, socket.MSG_PEEK):  # the worker has gone: so does its submission
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return False
    finally:
        os.close(pidfd)


def _submission_main(job: _Job, shell: Any, pristine: Any, fds: list[int], strong: bool, uid: int) -> None:
    requests, results = fds
    _close_inherited_files(keep={requests, results})
    code = 0
    try:
        limits = job.limits
        if strong:
            enter_submission(job.own_dir, job.workspace, job.files, limits.disk_mb, uid)
        else:
            os.setpgid(0, 0)
        # the process itself counts too: `max_processes` more, as the friendly refusal says
        set_limits(
            limits.memory_mb, limits.max_processes + 1, limits.cpu_seconds, limits.open_files, limits.disk_mb
        )
        isolate(limits, job.own_dir)
        serve_cells(shell, pristine, limits, requests, results, pid1=strong)
    except MemoryError:
        code = 3
    except BaseException:
        code = 4
    os._exit(code)


def _close_inherited_files(keep: set[int]) -> None:
    """Leave the submission only stdin/out/err and its own two pipes."""
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))


if __name__ == "__main__":  # the root, started by ZygoteRoot with its end of the control socket
    _serve_root(socket.socket(fileno=int(sys.argv[1])), sys.argv[2] == "strong")
