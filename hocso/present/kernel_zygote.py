"""App kernels forked from one process that has already imported them, so a class's kernels share pages.

A plain app kernel is a fresh Python that imports IPython, ipykernel, ipywidgets and hocso's widgets on
its own: about 64 MB of proportional memory (PSS) each, most of it the same imported code and data in
every kernel. `hocso present` therefore starts one small *zygote* process that imports all of that
once (and nothing else: no server, no sockets, no threads), and every app kernel is forked from it:
the pages the zygote filled stay shared, copy-on-write, between all forked kernels.

How a kernel is started (jupyter_client's kernel provisioner API):

* `LimitedKernelSpecManager` (``hocso.present.limits``) names `ZygoteProvisioner` in the kernel spec
  when the server runs a zygote; the spec's command is unchanged (the memory limit, then
  ``python -m ipykernel_launcher -f <connection file>``);
* `ZygoteProvisioner.launch_kernel` sends that command, the kernel's environment and working folder to
  the zygote over a Unix socket in a private (0700) folder; the zygote forks, and the child applies
  the same ``RLIMIT_AS`` the command would have, takes the kernel's environment, starts a session of
  its own and runs ipykernel's launcher on the connection file;
* the zygote answers with a pidfd of the child, so the server can poll and signal exactly that
  process (it is the zygote's child, not the server's). Any command of another shape, or a zygote that
  is not running, is launched as before (`LocalProvisioner`).

A forked kernel is a fresh process for its visitor: `hocso.present.live.VISITOR_ID` and Python's
random state are new in each child, nothing runs in the zygote but imports, and the kernel exits
with the zygote (ipykernel's parent poller), which exits with the server.
"""

from __future__ import annotations

import asyncio
import atexit
import ctypes
import gc
import importlib
import json
import os
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import suppress
from importlib.metadata import EntryPoint
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.factory import KernelProvisionerFactory
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

PROVISIONER_NAME = "hocso-zygote-provisioner"
# What an app kernel imports before and while running an app; imported once, in the zygote.
PRELOAD: tuple[str, ...] = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.comm",
    "IPython",
    "ipywidgets",
    "hocso.widgets",
    "hocso.safety.links",
    "hocso.present.live",
)
ZYGOTE_ENV = frozenset(
    {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV"}
)
ZYGOTE_ENV_PREFIXES = ("LC_", "XDG_", "JUPYTER_", "IPYTHON")
KERNEL_PROCESS_NAME = b"hocso-kernel"  # what `ps` and psutil's name() show for a forked kernel
ZYGOTE_PROCESS_NAME = b"hocso-zygote"
LAUNCHER = ("-m", "ipykernel_launcher")
MAX_REQUEST_BYTES = 1_000_000
FORK_TIMEOUT_SECONDS = 120.0  # the zygote imports first (a few seconds; more on a loaded machine)
_ZYGOTE_CODE = (
    "import sys; from hocso.present.kernel_zygote import serve; serve(sys.argv[1], int(sys.argv[2]))"
)


# --- in the server -----------------------------------------------------------------------------


class ForkedKernel:
    """A kernel process forked by the zygote, held by a pidfd (the Popen-like part the provisioner uses)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int) -> None:
        self.pid = pid
        self._pidfd = pidfd
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._pidfd], [], [], 0)[0]:
            self.returncode = 1  # gone; the zygote reaps it, so its status is not ours to read
            os.close(self._pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(["kernel"], timeout or 0)
            select.select([self._pidfd], [], [], 0.1)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class KernelZygote:
    """The server's handle on its zygote process: start it, ask it for a kernel, stop it."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="hocso-zygote-")  # 0700: only this user may ask it
        self.socket_path = os.path.join(self.folder, "zygote.sock")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # What Python needs to find and import its modules, nothing of the server's (its keys stay
        # out of every kernel's memory); each kernel gets its own environment when it is forked.
        env = {
            name: value
            for name, value in os.environ.items()
            if name in ZYGOTE_ENV or name.startswith(ZYGOTE_ENV_PREFIXES)
        }
        env["MALLOC_ARENA_MAX"] = "2"  # read by glibc at start: the forked kernels keep it
        self.process = subprocess.Popen(
            # -P: nothing from the working folder shadows a module (a stray inspect.py in /tmp did)
            [sys.executable, "-P", "-c", _ZYGOTE_CODE, self.socket_path, str(os.getpid())],
            env=env,
            stdin=subprocess.DEVNULL,
            cwd=self.folder,
        )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def fork(self, request: dict[str, Any]) -> ForkedKernel:
        """Ask the zygote for a kernel (blocking: run it in a thread)."""
        deadline = time.monotonic() + FORK_TIMEOUT_SECONDS
        while not os.path.exists(self.socket_path):
            if not self.running() or time.monotonic() > deadline:
                raise OSError("the kernel zygote is not running")
            time.sleep(0.05)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(max(1.0, deadline - time.monotonic()))
            conn.connect(self.socket_path)
            conn.sendall(json.dumps(request).encode() + b"\n")
            message, fds, _, _ = socket.recv_fds(conn, 4096, 1)
        reply = json.loads(message or b"{}")
        if not fds or "pid" not in reply:
            for fd in fds:
                os.close(fd)
            raise OSError(f"the kernel zygote did not fork a kernel: {reply.get('error', 'no answer')}")
        return ForkedKernel(int(reply["pid"]), fds[0])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


_zygote: KernelZygote | None = None


def start_zygote() -> KernelZygote:
    """Start this server's zygote (once) and make `ZygoteProvisioner` known to jupyter_client.

    The provisioner is registered in jupyter_client's factory directly rather than through a package
    entry point, so no reinstall is needed and only a server that runs a zygote uses it."""
    global _zygote
    if _zygote is None:
        _zygote = KernelZygote()
        _zygote.start()
        atexit.register(stop_zygote)
        KernelProvisionerFactory.provisioners[PROVISIONER_NAME] = EntryPoint(
            PROVISIONER_NAME, f"{__name__}:ZygoteProvisioner", KernelProvisionerFactory.GROUP_NAME
        )
    return _zygote


def stop_zygote() -> None:
    global _zygote
    if _zygote is not None:
        _zygote.stop()
        _zygote = None


def fork_request(cmd: list[str], env: dict[str, str] | None, cwd: str | None) -> dict[str, Any] | None:
    """What the zygote needs to become this kernel, or None when `cmd` is not an app kernel's command
    (``python -I -S -c SET_LIMIT <bytes> python -m ipykernel_launcher ...``): launched as before then."""
    from hocso.present.limits import SET_LIMIT

    prefix = [sys.executable, "-I", "-S", "-c", SET_LIMIT]
    if cmd[: len(prefix)] != prefix or len(cmd) < len(prefix) + 4:
        return None
    limit, command = cmd[len(prefix)], cmd[len(prefix) + 1 :]
    if command[0] != sys.executable or tuple(command[1:3]) != LAUNCHER or not limit.isdigit():
        return None
    return {
        "memory_bytes": int(limit),
        "argv": command[3:],
        "env": dict(env if env is not None else os.environ),
        "cwd": str(cwd or os.getcwd()),
    }


class ZygoteProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, except that app kernels are forked from the zygote."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        request = fork_request(cmd, kwargs.get("env"), kwargs.get("cwd"))
        zygote = _zygote
        if request is None or zygote is None or not zygote.running():
            return await super().launch_kernel(cmd, **kwargs)
        try:
            process = await asyncio.to_thread(zygote.fork, request)
        except OSError as error:
            self.log.warning("starting a kernel without the zygote: %s", error)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = process  # type: ignore[assignment]  # Popen-like: LocalProvisioner calls poll, wait, send_signal, kill
        self.pid = process.pid
        self.pgid = process.pid  # the child starts a session of its own
        self.cwd = request["cwd"]
        return self.connection_info


# --- in the zygote -----------------------------------------------------------------------------


def serve(socket_path: str, server_pid: int) -> None:
    """The zygote: listen first (a request waits in the backlog), import, then fork one kernel per
    request until the server goes."""
    _name_process(ZYGOTE_PROCESS_NAME)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path + ".new")
    os.rename(socket_path + ".new", socket_path)
    listener.listen(128)
    for name in PRELOAD:
        with suppress(Exception):  # a module that fails here fails again, visibly, in the kernel
            importlib.import_module(name)
    with suppress(Exception):
        from hocso.i18n import catalog

        catalog()
    if threading.active_count() != 1:  # forking a process with threads is not safe
        raise SystemExit("the kernel zygote started a thread while importing; not forking kernels")
    gc.collect()
    gc.freeze()  # imported objects are never scanned again, so the collector does not copy their pages
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while os.getppid() == server_pid:
        _reap_children()
        if select.select([listener], [], [], 1.0)[0]:
            connection, _ = listener.accept()
            with connection:
                _answer(connection, listener)


def _reap_children() -> None:
    with suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _answer(connection: socket.socket, listener: socket.socket) -> None:
    connection.settimeout(10)
    data = b""
    with suppress(OSError):
        while not data.endswith(b"\n") and len(data) < MAX_REQUEST_BYTES:
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
    try:
        request = json.loads(data)
    except ValueError:
        connection.sendall(json.dumps({"error": "unreadable request"}).encode())
        return
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            listener.close()
            connection.close()
            _become_kernel(request)
            code = 0
        finally:
            os._exit(code)
    pidfd = os.pidfd_open(pid)
    try:
        socket.send_fds(connection, [json.dumps({"pid": pid}).encode()], [pidfd])
    finally:
        os.close(pidfd)


def _become_kernel(request: dict[str, Any]) -> None:
    """In the forked child: the same limits and environment a launched kernel gets, then ipykernel."""
    os.setsid()
    _name_process(KERNEL_PROCESS_NAME)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    limit = int(request["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    parent = str(os.getppid())
    os.environ["JPY_PARENT_PID"] = parent
    live = sys.modules.get("hocso.present.live")
    if live is not None:
        live.VISITOR_ID = uuid.uuid4().hex  # type: ignore[attr-defined]  # one per visitor's kernel
    # ipykernel read JPY_PARENT_PID when the zygote imported it: say it again, so the kernel exits
    # with the zygote (its parent poller) as a launched kernel exits with its server
    sys.argv = ["ipykernel_launcher", f"--IPKernelApp.parent_handle={parent}", *request["argv"]]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()  # what ipykernel_launcher does, with one step between
    app.initialize()
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        # ipywidgets registers its comm targets on import, but only inside a running kernel; it was
        # imported here before there was one, so without this no browser could reach a widget
        widgets.register_comm_target()
    app.start()


def _name_process(name: bytes) -> None:
    """The process name `ps` shows (Linux prctl PR_SET_NAME); a fork keeps its parent's command line."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(15, name, 0, 0, 0)


def is_forked_kernel(process: Any) -> bool:
    """Whether a psutil process is an app kernel forked by a zygote."""
    return bool(process.name() == KERNEL_PROCESS_NAME.decode())
