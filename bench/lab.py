"""A learner's lab: start-up time and memory with 1, 5 and 12 notebooks open, `hocso lab` against
plain `jupyter lab` on the same folder, in one run.

* start: from launching the command to the server answering `/api/status`. `hocso lab` is timed
  twice: its first start for a learner (releases every module into the exchange, fetches the
  learner's editions) and a later start (the workspace is there); plain `jupyter lab` serves the
  same workspace folder. The headline ratio is the later start against plain jupyter lab.
* memory: for N = 1, 5, 12 notebooks, each opened as the lab opens it (a session with a kernel)
  and its first code cell's imports run (what a learner does first), the PSS of the server and all
  its kernels, per learner. Culling is off for the measurement (it only frees memory later).

    python bench/lab.py [--quick]      # --quick: N = 1 and 5 only

Last line: `lab: start_s=<hocso later start> start_ratio=<hocso/plain> first_start_s=<n>
mb_1=<n> mb_5=<n> mb_12=<n> mb_ratio_12=<hocso/plain>`
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
from jupyter_client import BlockingKernelClient

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One lab process; `url`, `token` once it answers."""

    def __init__(
        self, command: list[str], env: dict[str, str], log: Path, port: int, token: str | None
    ) -> None:
        self.log = log
        self.port = port
        self.started = time.monotonic()
        with log.open("w") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.token = token
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.token is None:
                found = re.search(r"/lab\?token=(\S+)", log.read_text())
                self.token = found[1] if found else None
            if self.token:
                try:
                    self.api("api/status")
                    break
                except OSError:
                    pass
            if self.process.poll() is not None:
                raise SystemExit(f"{command[:4]} exited:\n{log.read_text()[-2000:]}")
            time.sleep(0.05)
        self.seconds = time.monotonic() - self.started

    def api(self, path: str, method: str = "GET", body: object = None) -> object:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/{urllib.request.quote(path)}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def pss_mb(self) -> float:
        root = psutil.Process(self.process.pid)
        total = 0
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += process.memory_full_info().pss
        return total / 2**20

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def hocso_lab(home: Path, runtime: Path, name: str) -> Server:
    env = {**os.environ, "HOCSO_HOME": str(home), "JUPYTER_RUNTIME_DIR": str(runtime)}
    port = free_port()
    command = [PYTHON, "-m", "hocso", "lab", "--no-browser", "--port", str(port), "--learner", "bench"]
    return Server([*command, "--course", str(REPO)], env, home / f"{name}.log", port, None)


def plain_lab(folder: Path, home: Path, runtime: Path) -> Server:
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_CONFIG_DIR": str(home / "plain-config"),
    }
    port, token = free_port(), "bench-token"
    command = [PYTHON, "-m", "jupyterlab", "--no-browser", f"--port={port}", f"--ServerApp.root_dir={folder}"]
    command += [f"--IdentityProvider.token={token}", "--ServerApp.allow_root=True", "--LabApp.news_url="]
    return Server(command, env, home / "plain.log", port, token)


def notebooks(workspace: Path) -> list[str]:
    paths = sorted(p.relative_to(workspace).as_posix() for p in workspace.glob("*/*.ipynb"))
    return paths


def open_notebooks(server: Server, workspace: Path, runtime: Path, paths: list[str]) -> None:
    """Sessions as the lab makes them, then each notebook's first code cell's imports."""
    for path in paths:
        session = server.api(
            "api/sessions", "POST", {"path": path, "type": "notebook", "kernel": {"name": "python3"}}
        )
        kernel_id = session["kernel"]["id"]
        client = BlockingKernelClient(connection_file=str(runtime / f"kernel-{kernel_id}.json"))
        client.load_connection_file()
        client.start_channels()
        cells = json.loads((workspace / path).read_text(encoding="utf-8"))["cells"]
        code = next((c["source"] for c in cells if c["cell_type"] == "code"), "")
        source = "".join(code) if isinstance(code, list) else code
        imports = "\n".join(line for line in source.splitlines() if line.startswith(("import ", "from ")))
        client.execute_interactive(imports or "pass", timeout=120)
        client.stop_channels()


def memory(server: Server, workspace: Path, runtime: Path, counts: list[int]) -> dict[int, float]:
    paths = notebooks(workspace)
    found: dict[int, float] = {}
    opened = 0
    for count in counts:
        wanted = [paths[i % len(paths)] for i in range(count)]
        # the 12th and later of a short course reopen a module: a second session on the same file
        open_notebooks(server, workspace, runtime, wanted[opened:])
        opened = count
        time.sleep(2)
        found[count] = server.pss_mb()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 and 5 notebooks only")
    args = parser.parse_args()
    counts = [1, 5] if args.quick else [1, 5, 12]
    with tempfile.TemporaryDirectory(prefix="hocso-bench-lab-") as scratch:
        home = Path(scratch)
        runtime = home / "runtime"
        first = hocso_lab(home, runtime, "first")
        first_start = first.seconds
        first.stop()
        later = hocso_lab(home, runtime, "later")
        workspace = home / "learners" / "bench" / "hocso-101" / "workspace"
        print(
            f"hocso lab: first start {first_start:.2f} s (release + fetch), later start {later.seconds:.2f} s"
        )
        try:
            hocso_mb = memory(later, workspace, runtime, counts)
        finally:
            later.stop()
        plain = plain_lab(workspace, home, runtime)
        print(f"jupyter lab (plain, same folder): start {plain.seconds:.2f} s")
        try:
            plain_mb = memory(plain, workspace, runtime, counts)
        finally:
            plain.stop()
    for count in counts:
        print(
            f"{count:>2} notebooks: hocso lab {hocso_mb[count]:.0f} MB, plain jupyter lab {plain_mb[count]:.0f} MB"
        )
    top = counts[-1]
    figures = {
        "start_s": f"{later.seconds:.2f}",
        "start_ratio": f"{later.seconds / plain.seconds:.2f}",
        "first_start_s": f"{first_start:.2f}",
        **{f"mb_{c}": f"{hocso_mb[c]:.0f}" for c in counts},
        f"mb_ratio_{top}": f"{hocso_mb[top] / plain_mb[top]:.2f}",
    }
    print("lab: " + " ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
