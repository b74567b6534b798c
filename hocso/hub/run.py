"""Prepare and start the real hub: plan the accounts, release modules, isolate, then run JupyterHub.

Used by `hocso hub`, the tests and bench/hub.py alike, so they exercise the same path.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from hocso.config import Course, data_home
from hocso.hub.accounts import ClassPlan, plan_class
from hocso.hub.isolation import can_isolate, hide_course_sources, lock_exchange, prepare_isolation
from hocso.hub.settings import api_token
from hocso.hub.state import HubState, hub_state
from hocso.lab import exchange
from hocso.roster import Roster

CONFIG_FILE = Path(__file__).parent / "jupyterhub_config.py"


@dataclass
class Prepared:
    plan: ClassPlan
    state: HubState
    released: list[str] = field(default_factory=list)
    sources_hidden: list[Path] = field(default_factory=list)


def prepare_hub(courses: list[tuple[Course, Roster]], release: list[str] | None = None) -> Prepared:
    """Accounts, released modules (`release`: module ids; None = every module), Unix users and
    permissions, plan.json. Safe to run again: nothing a learner made is touched."""
    isolated = can_isolate()
    plan = plan_class(courses, isolated)
    state = hub_state()
    prepared = Prepared(plan, state)
    for course, _ in courses:
        wanted = (
            [m.id for m in course.modules] if release is None else [m for m in release if course.module(m)]
        )
        for module_id in wanted:
            if not exchange.is_released(course, module_id):
                exchange.release_to_exchange(course, module_id)
                prepared.released.append(f"{course.id}/{module_id}")
        if isolated and hide_course_sources(course):
            prepared.sources_hidden.append(course.notebooks_dir)
    if isolated:
        prepare_isolation(plan, [course for course, _ in courses])
    else:
        for course, _ in courses:
            lock_exchange(course, None)
    plan.save(state.plan)
    return prepared


def _end(processes: list[psutil.Process], grace: float = 10) -> None:
    for child in processes:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(processes, timeout=grace)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()


#: JupyterHub logs it once its services are up and the proxy has every route, including those of
#: labs that ran on through a restart (its API answers earlier, before any of that)
RUNNING = b"JupyterHub is now running"


def _running(log: Path, offset: int) -> bool:
    with log.open("rb") as stream:
        stream.seek(offset)
        return RUNNING in stream.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningHub:
    process: subprocess.Popen[bytes]
    url: str  # the public address (the proxy)
    state: HubState
    log: Path

    @property
    def api(self) -> str:
        return f"{self.url}/hub/api"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {api_token(self.state)}"}

    def stop(self, timeout: float = 30) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_hub(
    course: Course,
    timeout: float = 300,
    extra_env: dict[str, str] | None = None,
    keep_labs: bool = False,
) -> RunningHub:
    """Run JupyterHub on the prepared runtime home; return once it is running (services up). `extra_env`: for
    the hub's own process (a remote model's key, which only the assistant service is given).
    `keep_labs`: when this hub stops, learners' labs go on running (their kernels too), and the
    next start of the hub takes them over from its database: a restart mid-class interrupts nobody.
    Without it, stopping the hub stops every lab (saved work stays on disk either way)."""
    state = hub_state()
    settings = course.hub
    url = f"http://{settings.ip}:{settings.port}"
    log = state.log_dir / "jupyterhub.log"
    env = dict(os.environ, **(extra_env or {}), HOCSO_HOME=str(data_home()))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    command = [
        sys.executable,
        "-m",
        "jupyterhub",
        "-f",
        str(CONFIG_FILE),
        f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}",
        f"--JupyterHub.cleanup_servers={not keep_labs}",
    ]
    log_start = log.stat().st_size if log.exists() else 0
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=state.root, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    hub = RunningHub(process, url.replace("0.0.0.0", "127.0.0.1"), state, log)
    deadline = time.monotonic() + timeout
    started: dict[int, psutil.Process] = {}  # the proxy and services the hub has started so far
    while time.monotonic() < deadline:
        if process.poll() is not None:
            # a hub that gives up (a managed service too late) leaves its proxy and services running
            _end(list(started.values()))
            raise RuntimeError(f"JupyterHub exited with {process.returncode}; see {log}")
        with contextlib.suppress(psutil.Error):
            started.update((p.pid, p) for p in psutil.Process(process.pid).children(recursive=True))
        try:
            if _running(log, log_start) and httpx.get(f"{hub.api}/", timeout=2).status_code == 200:
                return hub
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    hub.stop()
    raise RuntimeError(f"JupyterHub did not answer at {url} within {timeout:.0f} s; see {log}")
