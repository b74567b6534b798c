"""`hocso assistant serve` on a LAN, attacked as a stranger or a greedy classmate would.

One real server process (the CLI, as an instructor starts it) with a class key; requests over real
sockets. The server refuses strangers, slows a flood per client without slowing others, caps sizes,
answers bad requests with a short JSON error (no traceback anywhere) and ends cut streams quietly.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest

from hocso.assistant.service import RateLimiter
from hocso.assistant.tokens import LearnerTokens
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow
KEY = "class-key-for-tests"
QUESTION = {"model": "hocso-assistant", "messages": [{"role": "user", "content": "Mật khẩu mạnh là gì?"}]}


@dataclass
class Classroom:
    url: str
    port: int
    log: Path
    process: subprocess.Popen

    def post(self, key: str | None, body: object = QUESTION, **options: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.post(f"{self.url}/chat/completions", json=body, headers=headers, timeout=30, **options)


def _serve(home: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "HOCSO_HOME": str(home), "HOCSO_LANG": "en"}
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    command = [sys.executable, "-m", "hocso", "assistant", "serve", "--course", str(REPO_ROOT), *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Classroom]:
    home = tmp_path_factory.mktemp("classroom")
    log = home / "serve.log"
    process = _serve(home, "--port", "0", "--class-key", KEY)
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if found := re.search(r"(http://127\.0\.0\.1:(\d+)/v1)", line):
            break
    else:
        raise AssertionError("".join(lines))
    log.write_text("".join(lines))

    def pump() -> None:  # keep reading its output into a file the tests can check
        for line in process.stdout:  # type: ignore[union-attr]
            with log.open("a") as out:
                out.write(line)

    threading.Thread(target=pump, daemon=True).start()
    yield Classroom(found[1], int(found[2]), log, process)
    process.terminate()
    process.wait(timeout=30)


def test_requests_without_the_class_key_are_refused(classroom: Classroom) -> None:
    stranger = LearnerTokens().mint("lan")  # a token under another secret
    for key in (None, "guess", KEY + "x", stranger):
        reply = classroom.post(key)
        assert reply.status_code == 401 and reply.json()["error"]["code"] == "invalid_api_key"
    models = httpx.get(f"{classroom.url}/models", timeout=30)
    assert models.status_code == 401
    assert classroom.post(KEY).status_code == 200
    own = LearnerTokens.from_class_key(KEY).mint("lan")
    answered = classroom.post(own)
    assert answered.status_code == 200 and answered.json()["choices"][0]["message"]["content"]


def test_the_openai_client_works_with_the_class_key(classroom: Classroom) -> None:
    import openai

    client = openai.OpenAI(base_url=classroom.url, api_key=KEY, max_retries=0, timeout=30)
    reply = client.chat.completions.create(model="hocso-assistant", messages=QUESTION["messages"])
    assert reply.choices[0].message.content


def test_one_flooding_client_is_slowed_and_the_others_are_not(classroom: Classroom) -> None:
    greedy = LearnerTokens.from_class_key(KEY).mint("greedy")
    other = LearnerTokens.from_class_key(KEY).mint("other")
    codes = [classroom.post(greedy).status_code for _ in range(40)]
    assert 429 in codes  # burst 10, then 30 a minute: 40 in a row cannot all pass
    refused = classroom.post(greedy)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert classroom.post(other).status_code == 200


def test_oversized_and_malformed_requests_get_4xx_without_a_traceback(classroom: Classroom) -> None:
    token = LearnerTokens.from_class_key(KEY).mint("sizes")
    long_question = {**QUESTION, "messages": [{"role": "user", "content": "mật khẩu " * 1000}]}
    too_long = classroom.post(token, long_question)
    assert too_long.status_code == 413 and too_long.json()["error"]["code"] == "question_too_long"
    flood = {**QUESTION, "messages": [{"role": "user", "content": "x" * 600_000}]}
    # tornado refuses a body over the cap with 400, or closes the connection before reading it
    with contextlib.suppress(httpx.TransportError):
        assert 400 <= classroom.post(token, flood).status_code < 500
    bad = httpx.post(
        f"{classroom.url}/chat/completions",
        content=b"{not json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert bad.status_code == 400 and "Traceback" not in bad.text and bad.json()["error"]
    missing = classroom.post(token, {"model": "m"})
    assert missing.status_code == 400 and missing.json()["error"]["param"] == "messages"
    assert classroom.post(token).status_code == 200  # the server is still answering
    assert "Traceback" not in classroom.log.read_text()


def test_streams_cut_short_leave_no_traceback_in_the_log(classroom: Classroom) -> None:
    body = json.dumps({**QUESTION, "stream": True}).encode()
    request = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    for _ in range(30):
        with socket.create_connection(("127.0.0.1", classroom.port)) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            sock.sendall(request)
    assert classroom.post(KEY).status_code in (200, 429)  # still serving after the cut streams
    assert "Traceback" not in classroom.log.read_text()


def test_a_busy_port_is_one_clear_line(classroom: Classroom, tmp_path: Path) -> None:
    taken = _serve(tmp_path, "--port", str(classroom.port), "--class-key", KEY)
    output, _ = taken.communicate(timeout=120)
    assert taken.returncode == 2
    assert f"port {classroom.port}" in output and "--port" in output
    assert "Traceback" not in output and "OSError" not in output and "serving at" not in output


def test_the_rate_limit_refills_with_time() -> None:
    limiter = RateLimiter(per_minute=60, burst=2)
    assert [limiter.retry_after("a", now=0.0) for _ in range(3)] == [0.0, 0.0, 1.0]
    assert limiter.retry_after("b", now=0.0) == 0.0  # another client has its own bucket
    assert limiter.retry_after("a", now=1.0) == 0.0  # one second later: one more question
