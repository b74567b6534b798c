"""The guardrails live in the lab's server process: attacks a learner can run in their own kernel.

A real Jupyter server with hocso's assistant extension (as the learner lab loads it), started with a
remote key in its environment, and a real kernel started through its REST API. Each test is what a
learner would type in a cell to get around a limit; each asserts the limit holds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient

from tests.assistant.conftest import Cloud, _handler
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow
SECRET = "sk-test-hocso-secret-0123456789"
QUOTA = 3


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    base: str
    token: str
    home: Path
    cloud: Cloud
    kernel: BlockingKernelClient

    def run(self, code: str) -> str:
        """Run a cell in the learner's kernel; its stdout (a failing cell fails the test)."""
        out: list[str] = []
        errors: list[str] = []
        self.kernel.execute_interactive(
            code,
            timeout=120,
            output_hook=lambda msg: (
                out.append(msg["content"].get("text", ""))
                if msg["msg_type"] == "stream"
                else errors.append("".join(msg["content"]["traceback"]))
                if msg["msg_type"] == "error"
                else None
            ),
        )
        assert not errors, errors
        return "".join(out)


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    root = tmp_path_factory.mktemp("assistant-lab")
    course = root / "course"
    shutil.copytree(REPO_ROOT / "course_config", course / "course_config")
    toml = course / "course_config" / "course.toml"
    toml.write_text(re.sub(r"daily_quota = \d+", f"daily_quota = {QUOTA}", toml.read_text()))
    (root / "work").mkdir()
    cloud_port = _free_port()
    cloud = Cloud(port=cloud_port, answer="Cloud answer.")
    http = ThreadingHTTPServer(("127.0.0.1", cloud_port), _handler(cloud))
    http.daemon_threads = True
    cloud.server = http
    threading.Thread(target=http.serve_forever, daemon=True).start()
    port, token = _free_port(), "labtoken"
    env = {
        **os.environ,
        "HOCSO_HOME": str(root / "home"),
        "HOCSO_COURSE": str(course),
        "HOCSO_LEARNER": "lan",
        "OPENAI_API_KEY": SECRET,
        "OPENAI_BASE_URL": cloud.base_url,  # the lab talks to a "remote" model with a key
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
    }
    command = [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}"]
    command += ["--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    command += [f"--ServerApp.root_dir={root / 'work'}", "--ServerApp.ip=127.0.0.1"]
    command += ["--ServerApp.jpserver_extensions={'hocso.assistant.jupyter': True}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (root / "server.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        kernel_id = None
        for _ in range(300):
            time.sleep(0.2)
            assert process.poll() is None, (root / "server.log").read_text()
            try:
                request = urllib.request.Request(
                    f"{base}/api/kernels",
                    method="POST",
                    data=b"{}",
                    headers={"Authorization": f"token {token}"},
                )
                with urllib.request.urlopen(request, timeout=10) as response:
                    kernel_id = json.loads(response.read())["id"]
                    break
            except OSError:
                continue
        assert kernel_id, (root / "server.log").read_text()
        client = BlockingKernelClient()
        client.load_connection_file(str(root / "runtime" / f"kernel-{kernel_id}.json"))
        client.start_channels()
        client.wait_for_ready(timeout=120)
        yield LabServer(base, token, root / "home", cloud, client)
        client.stop_channels()
    finally:
        process.terminate()
        process.wait(timeout=30)
        cloud.kill()


def test_the_remote_key_is_in_no_kernel_environment(lab_server: LabServer) -> None:
    found = lab_server.run(
        "import os, json\n"
        f"print(json.dumps([k for k, v in os.environ.items() if {SECRET!r} in v or k.startswith('OPENAI')]))\n"
        f"print({SECRET!r}.encode() in open('/proc/self/environ', 'rb').read())"
    )
    assert found.split() == ["[]", "False"]


def test_quota_holds_whatever_the_kernel_changes(lab_server: LabServer) -> None:
    answers = lab_server.run(
        "from hocso.assistant import ask\n"
        f"for _ in range({QUOTA}): print(ask('Mật khẩu mạnh là gì?').backend)\n"
    )
    assert answers.split() == ["remote"] * QUOTA  # through the server, which holds the key
    assert lab_server.cloud.keys and set(lab_server.cloud.keys) == {f"Bearer {SECRET}"}
    asked_before = len(lab_server.cloud.requests)
    attacks = lab_server.run(
        "import os, sqlite3, glob\n"
        "from hocso.assistant.client import Assistant\n"
        "print(ask('Mật khẩu mạnh là gì?').backend)\n"  # the plain way: refused
        "os.environ['HOCSO_LEARNER'] = 'someone-else'\n"
        "print(Assistant().ask('Mật khẩu mạnh là gì?').backend)\n"
        "print(Assistant(learner='x').ask('Mật khẩu mạnh là gì?').backend)\n"
        "for f in glob.glob(os.environ['HOCSO_HOME'] + '/**/quota.sqlite', recursive=True):\n"
        "    db = sqlite3.connect(f); db.execute('DELETE FROM asked'); db.commit()\n"
        "print(Assistant().ask('Mật khẩu mạnh là gì?').backend)\n"
    )
    assert attacks.split() == ["none"] * 4
    assert "hôm nay" in lab_server.run("print(ask('Mật khẩu mạnh là gì?').text)")  # the quota line
    assert len(lab_server.cloud.requests) == asked_before  # nothing more reached the paid model


def test_calling_the_service_directly_needs_the_learners_own_valid_token(lab_server: LabServer) -> None:
    codes = lab_server.run(
        "import os, httpx2 as httpx\n"
        "url = os.environ['HOCSO_ASSISTANT_URL'] + '/chat/completions'\n"
        "body = {'model': 'm', 'messages': [{'role': 'user', 'content': 'Mật khẩu mạnh là gì?'}]}\n"
        "token = os.environ['HOCSO_ASSISTANT_TOKEN']\n"
        "from hocso.assistant.tokens import LearnerTokens\n"
        "forged = LearnerTokens().mint('someone-else')\n"  # a valid shape under a secret of its own
        "altered = token.rsplit('.', 1)[0] + '.' + '0' * 32\n"
        "for key in (None, 'x', forged, altered, token):\n"
        "    headers = {'Authorization': f'Bearer {key}'} if key else {}\n"
        "    reply = httpx.post(url, json=body, headers=headers)\n"
        "    print(reply.status_code, (reply.json().get('error') or {}).get('code'))\n"
    )
    *refused, own = codes.splitlines()
    assert refused == ["401 invalid_api_key"] * 4
    assert own in ("200 None", "429 daily_quota")  # its own token is let in (and counted)


def test_the_tutor_run_in_the_kernel_cannot_reach_the_paid_model(lab_server: LabServer) -> None:
    asked_before = len(lab_server.cloud.requests)
    out = lab_server.run(
        "from hocso.assistant.client import Assistant\n"
        "from hocso.assistant.settings import resolve_settings\n"
        "direct = Assistant(use_server=False, learner='x')\n"  # the library itself, bypassing the server
        "print(direct.resolved.backend, direct.resolved.api_key)\n"
        "print(direct.ask('Mật khẩu mạnh là gì?').backend)\n"
    )
    # what runs in the kernel has only the released course text: no key, no remote, no server quota
    assert out.split() == ["offline", "None", "offline"]
    assert len(lab_server.cloud.requests) == asked_before
