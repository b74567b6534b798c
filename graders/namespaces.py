"""Entering one submission's own namespaces, mounts and user: the kernel's parts, called directly.

Python 3.11 has no `os.unshare`/`os.setns`/`mount`, so they are called through libc. This runs in
the zygote (inside the bubblewrap sandbox of `hocso.graders.sandbox`, as its root with only
CAP_SYS_ADMIN, CAP_SETUID and CAP_SETGID) and in each submission's process just after the fork,
before any learner code: a new PID namespace per submission (so everything it starts, daemons
included, ends with it), new mount, network and IPC namespaces, a fresh /proc that shows only its
own processes, a size-limited tmpfs holding only its working copy, then an unprivileged uid with no
capabilities left.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
from contextlib import suppress
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
SANDBOX_UID = 61_000  # unprivileged; plus the zygote's number, so no two submissions share a uid
AREA = "/.hocso-area"  # each submission's tmpfs is mounted here first (bubblewrap makes the folder)
MNT_DETACH = 2

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(
        _libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            flags,
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, value, 0, 0, 0), "prctl")


class PidNamespaces:
    """Gives each next forked child a PID namespace of its own (the zygote calls `fresh` per job).

    After its first child, a process's "namespace for children" is that child's; `setns` back to
    its own active namespace is what lets `unshare` make another one.
    """

    def __init__(self) -> None:
        self.own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)

    def fresh(self) -> None:
        _check(_libc.setns(self.own, CLONE_NEWPID), "setns")
        unshare(CLONE_NEWPID)


def enter_submission(own_dir: str, workspace: str, files: dict[str, bytes], disk_mb: int, uid: int) -> None:
    """Called first in a submission's process (PID 1 of its own namespace): its private view.

    One fresh tmpfs of `disk_mb` holds both its working copy (bound on `own_dir`) and its /tmp; the
    workspace (the course's runtime folder, an empty directory in the sandbox) gets an empty
    read-only-for-it tmpfs around `own_dir`, so no other learner and no gradebook exist in this view.
    """
    if ".." in Path(own_dir).relative_to(workspace).parts:
        raise OSError(f"the learner's folder {own_dir} is not inside {workspace}")
    unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC)
    mount("none", "/", None, MS_REC | MS_PRIVATE)
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    mount("tmpfs", AREA, "tmpfs", MS_NOSUID | MS_NODEV, f"size={disk_mb}m,mode=0755")
    work, scratch = Path(AREA, "work"), Path(AREA, "tmp")
    work.mkdir()
    scratch.mkdir()
    # Python and hocso installed under /tmp (a CI clone, say) must stay importable once /tmp is the
    # submission's own: hold them aside, then bind them back on top of the new /tmp.
    from hocso.graders.sandbox import python_dirs

    held = []
    for index, path in enumerate(d for d in python_dirs() if d == "/tmp" or d.startswith("/tmp/")):
        holder = Path(AREA, f"python{index}")
        holder.mkdir()
        mount(path, str(holder), None, MS_BIND | MS_REC)
        held.append((holder, path))
    for target in ("/tmp", "/dev/shm"):
        if os.path.isdir(target):
            mount(str(scratch), target, None, MS_BIND)
    for holder, path in held:
        os.makedirs(path, exist_ok=True)
        mount(str(holder), path, None, MS_BIND | MS_REC)
    os.makedirs(workspace, exist_ok=True)
    mount("tmpfs", workspace, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    os.makedirs(own_dir, exist_ok=True)
    mount(str(work), own_dir, None, MS_BIND)
    _check(_libc.umount2(AREA.encode(), MNT_DETACH), "umount")
    for folder, mode in ((own_dir, 0o755), ("/tmp", 0o1777)):  # after the mounts: root cannot reach
        os.chmod(folder, mode)  # into a folder it does not own once it is 0700
        os.chown(folder, uid, uid)
    devnull = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):  # what subprocesses print goes nowhere, never into the grader's output
        os.dup2(devnull, fd)
    os.close(devnull)
    drop_privileges(uid)
    os.chdir(own_dir)
    write_files(own_dir, files)


def drop_privileges(uid: int) -> None:
    """An unprivileged uid and gid with no supplementary groups: every capability is gone."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the zygote gone (its worker killed): this ends too


def write_files(own_dir: str, files: dict[str, bytes]) -> None:
    """The learner's working copy: regular files only, no path leaving `own_dir`."""
    root = Path(own_dir)
    for name, data in files.items():
        path = root / name
        if path.resolve().parent != root.resolve() and root.resolve() not in path.resolve().parents:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def set_limits(memory_mb: int, max_processes: int, cpu_seconds: int, open_files: int, file_mb: int) -> None:
    """rlimits of the submission's process; inherited by everything it starts."""
    memory = memory_mb * 1024 * 1024
    for limit, value in (
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_NPROC, max_processes),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_NOFILE, open_files),
        (resource.RLIMIT_FSIZE, file_mb * 1024 * 1024),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(limit, (value, value))


def end_other_processes() -> None:
    """As PID 1 of the submission's namespace: end everything else in it, and reap it."""
    with suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)
    with suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
