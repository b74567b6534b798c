"""A hub lab's kernels (hocso.hub.learner_server) listen on Unix sockets in a folder only the learner
can open: there is no TCP port for a class of labs to race for (a learner's kernel died that way in
bench/hub.py with 40 learners) and none another local user could connect to. A kernel that cannot
start says so on the lab's output, naming the kernel log with the traceback."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.connect import port_names
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from traitlets.config.loader import KVArgParseConfigLoader

from hocso.hub.learner_server import (
    KERNEL_SOCKET_NAME,
    KERNELS_ON_UNIX_SOCKETS,
    SOCKET_PATH_MAX,
    kernel_runtime_dir,
)
from hocso.lab.kernel import LOG_ENV
from hocso.lab.settings import write_lab_config

pytestmark = pytest.mark.slow


ATTACKER = """
import sys, zmq
sub = zmq.Context().socket(zmq.SUB)
sub.setsockopt(zmq.SUBSCRIBE, b"")
sub.connect(sys.argv[1])
print("READ" if sub.poll(8000) else "NOTHING", flush=True)
"""


@pytest.fixture(scope="module")
def hub_kernel() -> Iterator[tuple[KernelManager, Any, Path, Path]]:
    """A learner kernel as a hub lab starts it: the lab's kernel spec, the hub's kernel arguments."""
    home = Path(tempfile.mkdtemp(prefix="hk-"))  # a learner's home as short as a real one
    runtime = kernel_runtime_dir(home)
    lab = write_lab_config(home / "lab", "learner", "vi")
    config = KVArgParseConfigLoader(list(KERNELS_ON_UNIX_SOCKETS)).load_config()
    manager = KernelManager(
        config=config,
        kernel_name="python3",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(lab.data_dir / "kernels")]),
        connection_file=str(runtime / f"kernel-{uuid.uuid4()}.json"),
    )
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        yield manager, client, runtime, home
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        shutil.rmtree(home, ignore_errors=True)


def test_a_hub_lab_kernel_runs_on_unix_sockets_in_the_learners_own_folder(hub_kernel: tuple) -> None:
    manager, client, runtime, home = hub_kernel
    assert client.execute_interactive("1 + 1", timeout=60)["content"]["status"] == "ok"
    info = json.loads(Path(manager.connection_file).read_text(encoding="utf-8"))
    assert info["transport"] == "ipc"
    for name in port_names:
        path = Path(f"{info['ip']}-{info[name]}")
        assert path.parent == runtime == home / ".kernels"
        assert stat.S_ISSOCK(path.stat().st_mode), name
    assert stat.S_IMODE(runtime.stat().st_mode) & 0o077 == 0  # no one else may open it


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to act as another user"
)
def test_another_local_user_cannot_read_a_learners_kernel_output(hub_kernel: tuple) -> None:
    """The attacker, another Unix user on the machine (nobody), subscribes to the learner kernel's
    output channel (iopub) while the learner runs a cell; over loopback TCP any user could."""
    manager, client, _, _ = hub_kernel
    info = manager.get_connection_info()
    endpoint = (
        f"ipc://{info['ip']}-{info['iopub_port']}"
        if info["transport"] == "ipc"
        else f"tcp://{info['ip']}:{info['iopub_port']}"
    )
    attacker = subprocess.Popen(
        [sys.executable, "-c", ATTACKER, endpoint],
        user=65534,  # nobody
        group=65534,
        extra_groups=[],
        cwd="/",
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        code = "import time\nfor i in range(8):\n    print('my answer', i, flush=True)\n    time.sleep(0.5)"
        assert client.execute_interactive(code, timeout=60)["content"]["status"] == "ok"
        out, _ = attacker.communicate(timeout=60)
    finally:
        attacker.kill()
    assert out.strip() == "NOTHING"


def test_a_home_too_long_for_a_socket_path_gets_a_private_temporary_folder(tmp_path: Path) -> None:
    folder = kernel_runtime_dir(tmp_path / ("learner-" * 12))
    try:
        assert len(os.fsencode(folder)) + KERNEL_SOCKET_NAME <= SOCKET_PATH_MAX
        assert folder.stat().st_uid == os.getuid() and stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0
    finally:
        folder.rmdir()


def test_a_kernel_whose_port_is_taken_says_so_on_the_labs_output(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    connection = tmp_path / "kernel-taken.json"
    connection.write_text(
        json.dumps(
            {"transport": "tcp", "ip": "127.0.0.1", "key": "k", "signature_scheme": "hmac-sha256"}
            | {name: port for name in port_names}
        ),
        encoding="utf-8",
    )
    log = tmp_path / "kernel.log"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "hocso.lab.launch", "-f", str(connection)],
            env={**os.environ, LOG_ENV: str(log)},
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        taken.close()
    assert result.returncode != 0
    assert "hocso: kernel" in result.stderr and str(log) in result.stderr and "ZMQError" in result.stderr
    assert "Traceback" in log.read_text(encoding="utf-8")
