"""A ceiling on memory and processes for a whole submission, all its processes together: a cgroup.

rlimits (`hocso.graders.namespaces.set_limits`) bound each process on its own: a submission that
starts eight processes of 1 GB each stays under every rlimit and still takes 8 GB of the grading
machine. The kernel's cgroups count them together. Each grading worker gets one cgroup (it grades one
submission at a time), made under the grader's own cgroup so the machine's limits still hold above
it; the worker moves each submission's first process into it before any learner code runs, and
everything that process starts is counted with it. When the kernel's out-of-memory killer ends a
submission, its counter says so, and the run is recorded as out of memory rather than as a crash.

cgroup v1 (memory and pids controllers, as on this machine) and v2 (one unified tree) are both
handled. Where neither can be written, `unavailable` says why, and grading refuses the strong
sandbox unless the instructor allows the weak one.
"""

from __future__ import annotations

import errno
import functools
import os
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

MOUNT = Path("/sys/fs/cgroup")
PREFIX = "hocso-grading-"


@dataclass(frozen=True)
class Ceiling:
    """One worker's cgroup: `folders` are the memory and pids folders (v1) or the one folder (v2)."""

    version: Literal[1, 2]
    folders: tuple[Path, ...]

    def admit(self, pidfd: int) -> None:
        """Move the submission's first process (held by `pidfd`) into this cgroup, before it runs code."""
        pid = _pid_of(pidfd)
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(pid))

    def oom_kills(self) -> int:
        """How many processes the out-of-memory killer has ended in this cgroup so far."""
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        try:
            lines = (self.folders[0] / name).read_text().splitlines()
        except OSError:
            return 0
        counts = dict(line.split(maxsplit=1) for line in lines if " " in line)
        return int(counts.get("oom_kill", "0"))

    def remove(self) -> None:
        """Remove the (empty) cgroup; its last processes may take a moment to be gone."""
        for folder in self.folders:
            for _attempt in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY:
                        break
                    time.sleep(0.01)


def create(memory_mb: int, max_processes: int) -> Ceiling:
    """A fresh cgroup for this grading worker with the given ceilings; OSError when none can be made.

    `memory_mb` covers everything the submission's processes hold, its tmpfs pages included.
    """
    version, parents = _parents()
    _sweep(parents)
    name = f"{PREFIX}{os.getpid()}"
    folders = tuple(parent / name for parent in parents)
    for folder in folders:
        folder.mkdir(exist_ok=True)
    memory = str(memory_mb * 1024 * 1024)
    if version == 1:
        memory_folder, pids_folder = folders
        (memory_folder / "memory.limit_in_bytes").write_text(memory)
        swap = memory_folder / "memory.memsw.limit_in_bytes"
        if swap.exists():  # swap counted too where the kernel accounts it
            swap.write_text(memory)
        (pids_folder / "pids.max").write_text(str(max_processes))
    else:
        (folders[0] / "memory.max").write_text(memory)
        (folders[0] / "memory.swap.max").write_text("0")
        (folders[0] / "pids.max").write_text(str(max_processes))
    return Ceiling(version, folders)


@functools.cache
def unavailable() -> str | None:
    """Why no cgroup can be made here (None when one can), in words an instructor can act on."""
    try:
        probe = create(64, 4)
    except OSError as error:
        return (
            f"the kernel's cgroups cannot be written here ({error}), so a submission's processes would "
            "not share one memory and process ceiling; grade as root on a machine (or container) with "
            "/sys/fs/cgroup writable"
        )
    probe.remove()
    return None


def _parents() -> tuple[Literal[1, 2], tuple[Path, ...]]:
    """The grader's own cgroup folders: memory and pids for v1, the unified one for v2."""
    own: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _number, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            own[controller] = path.lstrip("/")
    if (MOUNT / "memory").is_dir() and (MOUNT / "pids").is_dir() and "memory" in own and "pids" in own:
        return 1, (MOUNT / "memory" / own["memory"], MOUNT / "pids" / own["pids"])
    if (MOUNT / "cgroup.controllers").exists() and "" in own:
        parent = MOUNT / own[""]
        enabled = (parent / "cgroup.subtree_control").read_text().split()
        if not {"memory", "pids"} <= set(enabled):
            raise OSError(errno.EOPNOTSUPP, f"{parent} does not delegate the memory and pids controllers")
        return 2, (parent,)
    raise OSError(errno.ENOENT, "no memory and pids cgroup controllers are mounted under /sys/fs/cgroup")


def _sweep(parents: tuple[Path, ...]) -> None:
    """Remove cgroups left by graders that died (their worker's pid is gone)."""
    for parent in parents:
        for folder in parent.glob(f"{PREFIX}*"):
            pid = folder.name.removeprefix(PREFIX)
            if pid.isdigit() and not Path("/proc", pid).exists():
                with suppress(OSError):
                    folder.rmdir()


def _pid_of(pidfd: int) -> int:
    """The process id of `pidfd` as this process sees it (not as the sandbox's PID namespace does)."""
    for line in Path(f"/proc/self/fdinfo/{pidfd}").read_text().splitlines():
        if line.startswith("Pid:"):
            return int(line.split()[1])
    raise OSError(errno.ESRCH, "the submission's process is gone")
