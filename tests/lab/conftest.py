"""A real learner lab (`hocso lab`, as a learner starts it) on the committed course, one per language.

Each lab runs in its own process with its own data home (exchange, workspace, gradebook) under a
temporary folder, so the tests see exactly what a learner's browser receives and what the
instructor's `hocso grade` commands find, and the repository is only ever read.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "lab"
START_TIMEOUT = 240  # the first start releases all 12 modules into the exchange


@dataclass
class Lab:
    """A running learner lab: its address, key, learner, and the data home it writes to."""

    base: str
    token: str
    learner: str
    language: str
    home: Path
    process: subprocess.Popen
    log: Path

    def url(self, path: str = "lab") -> str:
        return f"{self.base}/{path}?token={self.token}"

    def api(self, path: str, method: str = "GET", body: object = None) -> object:
        request = urllib.request.Request(
            f"{self.base}/{urllib.parse.quote(path)}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    @property
    def workspace(self) -> Path:
        return self.home / "learners" / self.learner / "hocso-101" / "workspace"

    def env(self) -> dict[str, str]:
        return {**os.environ, "HOCSO_HOME": str(self.home)}

    def hocso(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """An instructor's `hocso` command on the same course and data home."""
        return subprocess.run(
            [sys.executable, "-m", "hocso", *args, "--course", str(REPO_ROOT)],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_lab(home: Path, language: str, learner: str, *extra: str, course: Path = REPO_ROOT) -> Lab:
    """`hocso lab` in a subprocess; returns once its API answers (the log is in `home`)."""
    home.mkdir(parents=True, exist_ok=True)
    log = home / f"lab-{language}.log"
    port = free_port()
    env = {**os.environ, "HOCSO_HOME": str(home), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    env.pop("HOCSO_COURSE", None)
    command = [sys.executable, "-m", "hocso", "lab", "--no-browser", "--port", str(port)]
    command += ["--language", language, "--learner", learner, "--course", str(course), *extra]
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        time.sleep(0.3)
        if process.poll() is not None:
            raise AssertionError(f"hocso lab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        found = re.search(r"(http://127\.0\.0\.1:\d+)/lab\?token=(\S+)", log.read_text())
        if not found:
            continue
        lab = Lab(found[1], found[2], learner, language, home, process, log)
        try:
            lab.api("api/status")
        except OSError:
            continue
        return lab
    process.kill()
    raise AssertionError(f"hocso lab did not answer in {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


def stop_lab(lab: Lab, sig: int = signal.SIGINT) -> tuple[int, str]:
    """Stop it as a learner does (Ctrl+C); returns the exit code and the whole log."""
    if lab.process.poll() is None:
        lab.process.send_signal(sig)
        try:
            lab.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.process.kill()
            lab.process.wait()
    return lab.process.returncode, lab.log.read_text()


def source_state() -> tuple[set[str], dict[str, bool]]:
    """What a learner's lab could leave in the course source: ignored files there (answers files,
    checkpoints), and for each changed notebook whether it holds outputs (a lab's autosave does;
    the committed sources are cleared). In CI this is `git status` staying clean; on a shared
    checkout it also tolerates other people's edits to the course meanwhile."""
    lines = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--", "notebooks"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    ignored = {line[3:] for line in lines if line.startswith("!!")}
    outputs = {}
    for line in lines:
        path = REPO_ROOT / line[3:].strip('"')
        if not line.startswith("!!") and path.suffix == ".ipynb" and path.is_file():
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            outputs[line[3:]] = any(cell.get("outputs") for cell in cells)
    return ignored, outputs


@pytest.fixture(scope="module")
def source_untouched() -> Iterator[None]:
    """The course source is as it was after the module's tests (a learner changes nothing)."""
    ignored_before, outputs_before = source_state()
    yield
    ignored_after, outputs_after = source_state()
    assert ignored_after - ignored_before == set(), "the lab left files in the course source"
    ran = [p for p, has in outputs_after.items() if has and not outputs_before.get(p)]
    assert not ran, f"the lab saved executed notebooks into the course source: {ran}"


@pytest.fixture(scope="module", params=["vi", "en"])
def lab(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, source_untouched: None
) -> Iterator[Lab]:
    """One learner lab per language, shared by a test module's tests."""
    language = request.param
    running = start_lab(tmp_path_factory.mktemp(f"lab-{language}"), language, f"hv-{language}")
    yield running
    code, log = stop_lab(running)
    assert code == 0, log[-3000:]
    stopping = log[log.rfind("received signal") :]  # Ctrl+C: quiet and clean
    assert "Traceback" not in stopping and "KeyboardInterrupt" not in stopping, stopping[-3000:]


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
