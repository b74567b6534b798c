"""Operating-system limits for one submission's grading process, applied in the forked child.

Address space (RLIMIT_AS), file size, no core dumps, processes (RLIMIT_NPROC, which the kernel does
not enforce for root, so an audit hook also refuses process creation beyond the limit and the parent
kills the child's whole process group), no network (a new network namespace when the OS allows
`unshare(CLONE_NEWNET)`, otherwise an audit hook refuses sockets), and no reading or writing of other
learners' files, the instructor's source or the gradebook (an audit hook on `open` and directory
listing). Audit hooks stop Python-level access; native code (ctypes) could bypass them.
"""

from __future__ import annotations

import faulthandler
import os
import resource
import sys
from dataclasses import dataclass, field
from typing import Any

NETWORK_EVENTS = {"socket.__new__", "socket.connect", "socket.getaddrinfo", "socket.bind"}
PROCESS_EVENTS = {
    "os.fork",
    "os.forkpty",
    "os.posix_spawn",
    "os.spawn",
    "os.system",
    "subprocess.Popen",
    "os.exec",
}
FILE_EVENTS = {"open", "os.listdir", "os.scandir", "os.remove", "os.rename", "shutil.rmtree", "os.mkdir"}


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; defaults suit short beginner exercises."""

    cell_timeout: float = 30.0
    notebook_timeout: float = 120.0
    memory_mb: int = 1024
    max_processes: int = 8
    max_output_bytes: int = 1_000_000
    protected_dirs: tuple[str, ...] = field(default_factory=tuple)


def isolate(limits: Limits, own_dir: str) -> str:
    """Apply every limit to the current (child) process; returns how the network is cut off."""
    faulthandler.disable()  # a crashing submission is reported by the parent, not dumped on stderr
    os.setpgid(0, 0)
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes, limits.max_processes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (50_000_000, 50_000_000))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    network = "namespace"
    try:
        os.unshare(os.CLONE_NEWNET)  # type: ignore[attr-defined]  # Python >= 3.12
    except (AttributeError, OSError):
        network = "audit-hook"
    grader_pid = os.getpid()
    protected = tuple(os.path.realpath(d) + os.sep for d in limits.protected_dirs)
    own = os.path.realpath(own_dir) + os.sep
    started = [0]

    def guard(event: str, args: tuple[Any, ...]) -> None:
        if network == "audit-hook" and event in NETWORK_EVENTS:
            raise PermissionError("network access is disabled while grading")
        if event in PROCESS_EVENTS:
            if os.getpid() != grader_pid:  # a learner's child may not start more: end it quietly
                os._exit(1)
            started[0] += 1
            if started[0] > limits.max_processes:
                raise PermissionError(f"a submission may start at most {limits.max_processes} processes")
        if event in FILE_EVENTS and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.realpath(os.fsdecode(args[0])) + os.sep
            if any(path.startswith(p) for p in protected) and not path.startswith(own):
                raise PermissionError("grading code may only read the learner's own folder")

    sys.addaudithook(guard)
    os.chdir(own_dir)
    return network
