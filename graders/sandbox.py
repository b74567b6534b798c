"""The operating-system sandbox a submission is graded in, and the limits it runs under.

The zygote root (`hocso.graders.zygote.ZygoteRoot`) runs inside Debian's bubblewrap: a mount view
of a read-only minimal system, the Python installation, the virtual environment and hocso's own
package folders only (no course source, no runtime folder, no gradebook, no home), its own PID,
network, IPC and UTS namespaces, a cleared environment, and only the capabilities it needs to give
each submission its own namespaces (CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID, CAP_CHOWN). Each
submission's process then enters its own PID, mount, network and IPC namespaces, sees a fresh
/proc with only its own processes, and a size-limited tmpfs with only its working copy and /tmp,
under an unprivileged uid with no capabilities and rlimits on memory, processes, CPU, open files
and file size (`hocso.graders.namespaces`), all its processes together under one cgroup's memory
and process ceiling (`hocso.graders.cgroups`). Without bubblewrap (or not as root) only the weak
sandbox is possible: `missing_protections` says what is missing and grading refuses unless the
instructor allows it.

The audit hook of `isolate` stays in both: it turns an attempt at another learner's files, the
source, the network or too many processes into a plain PermissionError the learner can read. It is
not the barrier (native code and subprocesses bypass audit hooks); the namespaces are.
"""

from __future__ import annotations

import faulthandler
import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hocso.graders import cgroups
from hocso.graders.namespaces import AREA

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
CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_CHOWN")
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")
ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/alternatives",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/mime.types",
)
PASSED_ENV = ("HOCSO_LANG", "LANG", "LC_ALL", "TZ")  # the grader's other variables stay out


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; defaults suit short beginner exercises."""

    cell_timeout: float = 30.0
    notebook_timeout: float = 120.0
    memory_mb: int = 1024
    max_processes: int = 8
    max_output_bytes: int = 1_000_000
    protected_dirs: tuple[str, ...] = field(default_factory=tuple)
    disk_mb: int = 200
    open_files: int = 256

    @property
    def cpu_seconds(self) -> int:
        """CPU time a submission may use in all (the cell timeouts stop it first)."""
        return int(self.notebook_timeout) + 10


@functools.cache
def missing_protections() -> tuple[str, ...]:
    """What the strong sandbox lacks on this machine, each as what is missing and how to get it."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return (
            "bubblewrap (bwrap) is not installed, so a submission would see the whole machine, share "
            "the grader's PID and network namespaces and could outlive grading; install it "
            "(apt-get install bubblewrap)",
        )
    if os.geteuid() != 0:
        return (
            "the grader is not running as root, so bubblewrap cannot give each submission its own "
            "namespaces and uid; run `hocso grade autograde` as root (or in a container as its root)",
        )
    probe = [bwrap, *_namespace_flags(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"]
    done = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return (
            f"bubblewrap cannot create the namespaces here ({why}); grading needs PID, mount and network namespaces",
        )
    no_cgroups = cgroups.unavailable()
    return (no_cgroups,) if no_cgroups else ()


def _namespace_flags() -> list[str]:
    flags = ["--die-with-parent", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
    flags += ["--unshare-cgroup-try", "--cap-drop", "ALL"]
    for capability in CAPABILITIES:
        flags += ["--cap-add", capability]
    return flags


def _with_parents(path: str, seen: set[str]) -> list[str]:
    """bubblewrap arguments that create `path`'s parent folders readable by the submission's uid."""
    args: list[str] = []
    parents = list(Path(path).parents)[::-1][1:]  # without "/"
    for parent in parents:
        if str(parent) not in seen:
            seen.add(str(parent))
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def python_dirs() -> list[str]:
    """What a submission needs to run Python and import hocso: the installation, the environment and
    hocso's own package folders (not the repository around them, which holds the course source)."""
    import importlib.util

    found = [sys.base_prefix, sys.prefix]
    for package in ("hocso", "hocso.graders", "hocso.widgets"):  # found, not imported (widgets is heavy)
        spec = importlib.util.find_spec(package)
        found += [os.path.realpath(p) for p in (spec.submodule_search_locations or [])] if spec else []
    kept: list[str] = []
    for path in sorted(set(found), key=len):
        if not any(path == k or path.startswith(k + os.sep) for k in kept):
            kept.append(path)
    return kept


def root_command(python_args: list[str], workspaces: list[str]) -> list[str]:
    """The bubblewrap command line that starts the zygote root in its sandbox."""
    bwrap = shutil.which("bwrap") or "bwrap"
    args = [bwrap, *_namespace_flags(), "--clearenv"]
    env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
    env.update(PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin", HOME="/tmp", IPYTHONDIR="/tmp/.ipython")
    env.setdefault("LANG", "C.UTF-8")
    for name, value in env.items():
        args += ["--setenv", name, value]
    for system in SYSTEM_DIRS:
        if os.path.islink(system):
            args += ["--symlink", os.readlink(system), system]
        elif os.path.isdir(system):
            args += ["--ro-bind", system, system]
    for item in ETC_FILES:
        args += ["--ro-bind-try", item, item]
    # /tmp's tmpfs first: a checkout or venv under /tmp (a CI clone, say) is bound back on top of it
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", AREA]
    seen: set[str] = {"/usr", "/tmp"}
    for path in python_dirs():
        args += [*_with_parents(path, seen), "--ro-bind", path, path]
    for workspace in workspaces:
        args += [*_with_parents(workspace, seen), "--perms", "0755", "--dir", workspace]
    return [*args, "--chdir", "/", "--", *python_args]


def isolate(limits: Limits, own_dir: str) -> None:
    """Friendly refusals (a PermissionError that says why) for what a beginner's code might try.

    The OS sandbox is what stops an attacker; this hook only explains, in plain words, why another
    learner's file, the course source, the network or the 9th process is not there for them.
    """
    faulthandler.disable()  # a crashing submission is reported by the grader, not dumped on stderr
    grader_pid = os.getpid()
    protected = tuple(os.path.realpath(d) + os.sep for d in limits.protected_dirs)
    own = os.path.realpath(own_dir) + os.sep
    started = [0]

    def guard(event: str, args: tuple[Any, ...]) -> None:
        if event in NETWORK_EVENTS:
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
