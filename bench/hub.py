"""A class spawning on one hub: hocso's hub against plain JupyterHub, same spawner, in one run.

hocso: `hocso.hub` (one-time-code login, learner mode of hocso lab, nbgrader exchange, culler,
formgrader). Anchor: plain JupyterHub 6 with the same LocalProcessSpawner and the same Unix users
(one per learner), stock JupyterLab (`jupyterhub-singleuser`), no services. For each, N labs are
started at once through the REST API; each learner then starts a kernel and runs `1 + 1`.

* ready_s: from the first spawn request until every learner has run that cell
* spawns_per_min: N / (time until every lab answered) * 60
* mb_per_learner: USS of every process of the learners' Unix users (lab + one kernel), / N
* failed: learners whose lab was not ready in 5 minutes or whose cell never ran (their kernel died,
  say; in the anchor, a lab's random port taken by another learner's kernel); the others still
  count, and ready_s is then the time until all the others had run it. A failed learner's kernel
  log is kept as /tmp/hocso-bench-hub-<id>-kernel.log.

    python bench/hub.py [--learners 40] [--quick]       # --quick: 8 learners

Runs as root (it creates Unix users hs-bNN and removes them). Last line:
`hub: ready_s=<n> mb_per_learner=<n> spawns_per_min=<n> failed=<n> anchor_ready_s=<n>
anchor_mb_per_learner=<n> anchor_spawns_per_min=<n> anchor_failed=<n> ready_ratio=<hocso/anchor>
mb_ratio=<hocso/anchor> learners=<N>`
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
LAB_TIMEOUT = 300  # seconds a learner waits for their lab before they count as failed
CELL_TIMEOUT = 300  # seconds a learner waits for `1 + 1` before they count as failed
WEBSOCKET_ATTEMPTS = 5  # the anchor's proxy cut some after 20 s at load 30 (HTTP 599)
ATTEMPTS = 6  # spawn requests per learner (the spawn cap's 429, a busy hub's 503, a failed start)


class LearnerFailed(Exception):
    """This learner's lab or cell did not come up; the class goes on without them."""


def run_cell(base: str, token: str) -> None:
    """Start a kernel in the learner's lab and run `1 + 1` over the kernel websocket."""
    import tornado.httpclient
    import tornado.websocket

    headers = {"Authorization": f"token {token}"}
    kernel = httpx.post(f"{base}api/kernels", headers=headers, json={"name": "python3"}, timeout=300).json()[
        "id"
    ]

    async def execute() -> None:
        request = tornado.httpclient.HTTPRequest(
            base.replace("http", "ws", 1) + f"api/kernels/{kernel}/channels",
            headers=headers,
            request_timeout=300,
        )
        for attempt in range(1, WEBSOCKET_ATTEMPTS + 1):
            try:
                socket = await tornado.websocket.websocket_connect(request)
                break
            except (tornado.httpclient.HTTPClientError, OSError) as error:
                if attempt == WEBSOCKET_ATTEMPTS:
                    raise LearnerFailed(
                        f"kernel websocket not opened in {attempt} attempts: {error}"
                    ) from None
                await asyncio.sleep(2)  # JupyterLab reconnects a kernel's websocket too
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "username": "",
            "session": uuid.uuid4().hex,
            "msg_type": "execute_request",
            "version": "5.3",
        }
        content = {
            "code": "1 + 1",
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
        }
        await socket.write_message(
            json.dumps(
                {
                    "header": header,
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": "shell",
                }
            )
        )
        while True:
            try:
                raw = await asyncio.wait_for(socket.read_message(), CELL_TIMEOUT)
            except TimeoutError:
                raise LearnerFailed(f"no execute_reply in {CELL_TIMEOUT} s") from None
            if raw is None:
                raise LearnerFailed("the lab closed the kernel's websocket")
            message = json.loads(raw)
            if message.get("msg_type") == "status" and message["content"].get("execution_state") == "dead":
                raise LearnerFailed("kernel died (the lab gave up restarting it)")
            if (
                message.get("msg_type") == "execute_reply"
                and message["parent_header"].get("msg_id") == msg_id
            ):
                socket.close()
                if message["content"]["status"] != "ok":
                    raise LearnerFailed(f"the cell failed: {message['content']}")
                return

    asyncio.run(execute())


def wait_ready(api: str, headers: dict[str, str], name: str, timeout: float = LAB_TIMEOUT) -> bool:
    """True once the lab is ready; False when its start failed (the hub gave up on it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        user = httpx.get(f"{api}/users/{name}", headers=headers, timeout=60).json()
        server = user["servers"].get("")
        if server and server["ready"]:
            return True
        if not server and not user.get("pending"):
            return False
        time.sleep(0.5)
    raise RuntimeError(f"{name}'s lab not ready in {timeout} s")


@dataclass
class ClassRun:
    ready_s: float
    spawns_per_min: float
    mb_per_learner: float
    failures: dict[str, str]  # learner: what went wrong
    retries: list[str]

    @property
    def failed(self) -> int:
        return len(self.failures)

    def describe(self) -> str:
        first = self.retries[0] if self.retries else ""
        return (
            f"ready_s={self.ready_s} spawns_per_min={self.spawns_per_min} mb_per_learner={self.mb_per_learner}"
            f" failed={self.failed} {self.failures} retried_spawns={len(self.retries)} first_retry={first!r}"
        )


def spawn_class(url: str, headers: dict[str, str], names: list[str], uids: set[int]) -> ClassRun:
    api = f"{url}/hub/api"
    started = time.monotonic()
    up: dict[str, float] = {}
    ran: dict[str, float] = {}
    retries: list[str] = []
    failed: dict[str, str] = {}

    def spawn(name: str) -> None:
        for _ in range(ATTEMPTS):
            response = httpx.post(f"{api}/users/{name}/server", headers=headers, timeout=300)
            if response.status_code in (429, 503):  # the spawn cap, a busy hub: wait as a learner would
                retries.append(f"{name}:{response.status_code}:{response.text[:80]}")
                time.sleep(float(response.headers.get("Retry-After", 5)))
                continue
            response.raise_for_status()
            if wait_ready(api, headers, name):
                return
            retries.append(f"{name}:failed start")  # e.g. its random port was taken meanwhile: again
        raise LearnerFailed(f"lab not started in {ATTEMPTS} attempts")

    def one(name: str) -> None:
        try:
            spawn(name)
            up[name] = time.monotonic() - started
            token = httpx.post(f"{api}/users/{name}/tokens", headers=headers, json={}, timeout=60)
            run_cell(f"{url}/user/{name}/", token.json()["token"])
            ran[name] = time.monotonic() - started
        except Exception as error:  # whatever it was, this learner failed and the class goes on
            failed[name] = f"{type(error).__name__}: {error}"
            print(f"  {name} failed at {time.monotonic() - started:.0f} s: {failed[name]}", flush=True)

    with ThreadPoolExecutor(len(names)) as pool:
        list(pool.map(one, names))
    ready = max(ran.values(), default=time.monotonic() - started)
    time.sleep(2)
    uss = 0
    for process in psutil.process_iter(["uids"]):
        if process.info["uids"] and process.info["uids"].real in uids:
            with contextlib.suppress(psutil.Error):  # a process that ended meanwhile
                uss += process.memory_full_info().uss
    return ClassRun(
        ready_s=round(ready, 1),
        spawns_per_min=round(len(up) / max(up.values(), default=float("inf")) * 60, 1),
        mb_per_learner=round(uss / len(names) / 2**20, 1),
        failures=failed,
        retries=retries,
    )


def keep_kernel_logs(learners: Path, names: list[str]) -> None:
    """A failed learner's kernel log (hocso.lab.launch writes a kernel's own output there), kept."""
    for name in names:
        for log in (learners / name).glob("*/lab/logs/kernel.log"):
            shutil.copy(log, Path(tempfile.gettempdir()) / f"hocso-bench-hub-{name}-kernel.log")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def kill_learners(uids: set[int]) -> None:
    for process in psutil.process_iter(["uids"]):
        if process.info["uids"] and process.info["uids"].real in uids:
            process.kill()


ANCHOR_CONFIG = """
import sys
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{state}/anchor.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/anchor_cookie_secret"
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 900
c.Spawner.http_timeout = 900
c.JupyterHub.concurrent_spawn_limit = {learners}
c.Authenticator.allowed_users = set({names!r})
c.JupyterHub.services = [{{"name": "bench", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "bench", "services": ["bench"], "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}}]
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="8 learners")
    args = parser.parse_args()
    learners = 8 if args.quick else args.learners
    if os.geteuid() != 0:
        sys.exit("bench/hub.py creates a Unix user per learner: run it as root")
    base = Path(tempfile.mkdtemp(prefix="hocso-hub-bench-", dir="/tmp"))
    os.chmod(base, 0o711)
    home = base / "home"
    home.mkdir()
    os.environ["HOCSO_HOME"] = str(home)

    from hocso.config import load_course
    from hocso.hub.isolation import remove_unix_users
    from hocso.hub.run import free_port, prepare_hub, start_hub
    from hocso.roster import parse_roster

    course_dir = base / "course"
    shutil.copytree(REPO / "course_config", course_dir / "course_config")
    shutil.copytree(REPO / "notebooks", course_dir / "notebooks")
    toml = course_dir / "course_config" / "course.toml"
    text = toml.read_text(encoding="utf-8").replace(
        "concurrent_spawns = 20", f"concurrent_spawns = {learners}"
    )
    # a course id of its own: tests/hub's class is hocso-101 too, and each removes its course's Unix
    # group (hsc-<id>) at the end, which would pull it from under the other's running class
    text = text.replace('id = "hocso-101"', 'id = "hocso-bench"', 1)
    toml.write_text(text.replace("[hub]", f"[hub]\nport = {free_port()}", 1), encoding="utf-8")
    course = load_course(course_dir)
    names = [f"b{n:02d}" for n in range(1, learners + 1)]
    rows = "\n".join(f"{name},Học viên {name},staff,u1" for name in names)
    roster = parse_roster(f"learner_id,name,group,unit\n{rows}\n", "roster.csv", course.framework.group_ids)
    prepared = prepare_hub([(course, roster)], release=["m04"])
    unix = {a.name: a.unix for a in prepared.plan.accounts.values()}
    uids = {pwd.getpwnam(u).pw_uid for u in unix.values()}
    results: dict[str, ClassRun] = {}
    try:
        hub = start_hub(course)
        try:
            results["hocso"] = spawn_class(hub.url, hub.headers(), names, uids)
            keep_kernel_logs(home / "learners", list(results["hocso"].failures))
        finally:
            hub.stop(120)
            kill_learners(uids)
        print(f"hocso:  {results['hocso'].describe()}", flush=True)

        state = base / "anchor"
        state.mkdir()
        token = uuid.uuid4().hex
        port = free_port()
        config = state / "anchor_config.py"
        bin_dir = Path(sys.executable).parent
        config.write_text(
            ANCHOR_CONFIG.format(
                port=port,
                hub_port=free_port(),
                api_port=free_port(),
                proxy=str(bin_dir / "configurable-http-proxy"),
                state=state,
                singleuser=str(bin_dir / "jupyterhub-singleuser"),
                learners=learners,
                names=sorted(unix.values()),
                token=token,
            ),
            encoding="utf-8",
        )
        with (state / "anchor.log").open("ab") as log:
            anchor = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)],
                cwd=state,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/hub/api/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        try:
            results["anchor"] = spawn_class(
                url, {"Authorization": f"token {token}"}, sorted(unix.values()), uids
            )
        finally:
            stop(anchor)
            kill_learners(uids)
        print(f"anchor: {results['anchor'].describe()}", flush=True)
    finally:
        remove_unix_users(prepared.plan)
        for log in (home / "hub" / "logs" / "jupyterhub.log", base / "anchor" / "anchor.log"):
            if log.exists():  # kept for a look after a failed or odd run
                shutil.copy(log, Path(tempfile.gettempdir()) / f"hocso-bench-hub-{log.name}")
        shutil.rmtree(base, ignore_errors=True)
    hocso, plain = results["hocso"], results["anchor"]
    print(
        f"hub: ready_s={hocso.ready_s} mb_per_learner={hocso.mb_per_learner} spawns_per_min={hocso.spawns_per_min}"
        f" failed={hocso.failed} anchor_ready_s={plain.ready_s} anchor_mb_per_learner={plain.mb_per_learner}"
        f" anchor_spawns_per_min={plain.spawns_per_min} anchor_failed={plain.failed}"
        f" ready_ratio={hocso.ready_s / plain.ready_s:.2f} mb_ratio={hocso.mb_per_learner / plain.mb_per_learner:.2f}"
        f" learners={learners}"
    )


if __name__ == "__main__":
    main()
