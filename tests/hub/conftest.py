"""One real hub for the hub tests: JupyterHub, its proxy, the idle culler, formgrader and the assistant.

Two courses on the one hub, as a unit runs them (nbgrader's multi-course setup): the course with ten
learners and an instructor from a roster, and a small second course (m04 only, English by default)
with its own instructor and one learner who is on both. Unix users are created for them (the tests
run as root) and removed afterwards. The hub is started once for the session, keeping labs across
its restarts (the restart test stops and starts it mid-class). The runtime home is under /tmp with traversable parents (pytest's own temporary
folders are 0700 to root, where no learner's lab could reach its workspace).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from hocso.config import Course, load_course

REPO_ROOT = Path(__file__).resolve().parents[2]
LEARNERS = [f"hv{n:02d}" for n in range(1, 11)]
INSTRUCTOR = "gv.an"
#: the second course: its own instructor, and one learner of the first course who is on it too
COURSE_B = "hocso-b"
INSTRUCTOR_B = "gv.binh"
LEARNER_AB = LEARNERS[-1]
DAILY_QUOTA = 3
#: set for the hub (as a unit sets a remote model's key): only the assistant service may see it
REMOTE_KEY = "sk-hocso-hub-test-not-a-real-key"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "hub"


@dataclass
class HubClass:
    base: Path
    home: Path
    course_dir: Path
    course: Course
    codes: dict[str, str]
    hub: object  # hocso.hub.run.RunningHub
    plan: object
    course_b: Course

    def hocso(self, *args: str, course_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, HOCSO_HOME=str(self.home))
        return subprocess.run(
            [sys.executable, "-m", "hocso", *args, "--course", str(course_dir or self.course_dir)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )


@pytest.fixture(scope="session")
def hub_home() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="hocso-hub-test-", dir="/tmp"))
    os.chmod(base, 0o711)
    (base / "home").mkdir()
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(autouse=True)
def _hub_data_home(isolated_data_home: Path, hub_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOCSO_HOME", str(hub_home / "home"))


def _kill_labs(uids: set[int]) -> None:
    for process in psutil.process_iter(["uids"]):
        if process.info["uids"] and process.info["uids"].real in uids:
            process.kill()


def second_course(hub_home: Path) -> Path:
    """A small second course: m04 only, its own id and instructor, English by default."""
    course_dir = hub_home / "course-b"
    shutil.copytree(REPO_ROOT / "course_config", course_dir / "course_config")
    shutil.copytree(REPO_ROOT / "notebooks" / "m04", course_dir / "notebooks" / "m04")
    # the assistant's FAQ and glossary name the other modules, which a one-module course refuses
    (course_dir / "course_config" / "assistant.toml").unlink()
    toml = course_dir / "course_config" / "course.toml"
    head, *modules = toml.read_text(encoding="utf-8").split("\n[[modules]]\n")
    head = head.replace('id = "hocso-101"', f'id = "{COURSE_B}"', 1)
    head = head.replace('default_language = "vi"', 'default_language = "en"', 1)
    head = head.replace("instructors = []", f'instructors = ["{INSTRUCTOR_B}"]')
    head = head.replace("log_conversations = false", "log_conversations = true")
    keep = [m for m in modules if m.startswith('id = "m04"')]
    toml.write_text(head + "".join("\n[[modules]]\n" + m for m in keep), encoding="utf-8")
    return course_dir


@pytest.fixture(scope="session")
def hub_class(hub_home: Path) -> Iterator[HubClass]:
    if os.geteuid() != 0:
        pytest.skip("the hub tests create a Unix user per learner: run them as root")
    import pwd

    from hocso.hub.codes import CodeStore
    from hocso.hub.isolation import remove_unix_users
    from hocso.hub.run import free_port, prepare_hub, start_hub
    from hocso.roster import parse_roster

    os.environ["HOCSO_HOME"] = str(hub_home / "home")
    course_dir = hub_home / "course"
    shutil.copytree(REPO_ROOT / "course_config", course_dir / "course_config")
    shutil.copytree(REPO_ROOT / "notebooks", course_dir / "notebooks")
    toml = course_dir / "course_config" / "course.toml"
    text = toml.read_text(encoding="utf-8").replace("instructors = []", f'instructors = ["{INSTRUCTOR}"]')
    text = text.replace("daily_quota = 100", f"daily_quota = {DAILY_QUOTA}")
    text = text.replace("log_conversations = false", "log_conversations = true")
    toml.write_text(text.replace("[hub]", f"[hub]\nport = {free_port()}", 1), encoding="utf-8")
    course = load_course(course_dir)
    rows = "\n".join(f"{learner},Học viên {learner},staff,u1" for learner in LEARNERS)
    roster = parse_roster(f"learner_id,name,group,unit\n{rows}\n", "roster.csv", course.framework.group_ids)
    course_b = load_course(second_course(hub_home))
    roster_b = parse_roster(
        f"learner_id,name,group,unit\n{LEARNER_AB},Học viên {LEARNER_AB},staff,u1\n",
        "roster-b.csv",
        course_b.framework.group_ids,
    )
    prepared = prepare_hub([(course, roster), (course_b, roster_b)], release=["m04"])
    codes = CodeStore(prepared.state.codes).issue(list(prepared.plan.accounts))
    hub = start_hub(course, extra_env={"OPENAI_API_KEY": REMOTE_KEY}, keep_labs=True)
    uids = {pwd.getpwnam(a.unix).pw_uid for a in prepared.plan.accounts.values()}
    holder = HubClass(hub_home, hub_home / "home", course_dir, course, codes, hub, prepared.plan, course_b)
    try:
        yield holder
    finally:
        holder.hub.stop()  # type: ignore[attr-defined]
        _kill_labs(uids)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)  # the hub's log, for a failure in CI
        shutil.copy(holder.hub.log, ARTIFACTS / "jupyterhub.log")  # type: ignore[attr-defined]
        remove_unix_users(prepared.plan)


def run_in_kernel(base: str, token: str, code: str, timeout: float = 300) -> str:
    """Start a kernel in a learner's lab (`base` = .../user/<name>/), run `code`, return its stdout."""
    import asyncio
    import concurrent.futures
    import json
    import uuid

    import httpx
    import tornado.httpclient
    import tornado.websocket

    headers = {"Authorization": f"token {token}"}
    kernel = httpx.post(f"{base}api/kernels", headers=headers, json={"name": "python3"}, timeout=timeout)
    kernel.raise_for_status()
    kernel_id = kernel.json()["id"]

    async def execute() -> str:
        url = base.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels"
        socket = await tornado.websocket.websocket_connect(
            tornado.httpclient.HTTPRequest(url, headers=headers, request_timeout=timeout)
        )
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "username": "",
            "session": uuid.uuid4().hex,
            "msg_type": "execute_request",
            "version": "5.3",
        }
        content = {
            "code": code,
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
        output: list[str] = []
        while True:
            message = json.loads(await asyncio.wait_for(socket.read_message(), timeout))
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                output.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                output.append("ERROR " + message["content"]["ename"] + ": " + message["content"]["evalue"])
            elif message["msg_type"] == "execute_reply":
                socket.close()
                return "".join(output)

    try:
        # a thread of its own: Playwright's sync API (the browser fixture of an earlier test) keeps an
        # event loop running in this one, and asyncio.run refuses to start inside it
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, execute()).result()
    finally:
        httpx.delete(f"{base}api/kernels/{kernel_id}", headers=headers, timeout=60)
