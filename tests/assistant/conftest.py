"""Fixtures for the assistant: the offline tutor, served tutors and a simulated "cloud" endpoint.

The cloud is a real HTTP server on 127.0.0.1 (a ThreadingHTTPServer) that speaks just enough of the
chat-completions API; a test sets its `mode` to answer, fail with a status, stall or stream-then-stall,
and reads `requests` to see exactly what left the learner's process.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hocso.assistant.server import RunningServer, start_in_thread
from hocso.assistant.tutor import OfflineTutor
from hocso.config import AssistantSettings, Course


@dataclass
class Cloud:
    """State of the simulated remote: what to do next and what it has received."""

    port: int
    mode: str = "answer"  # answer | status | stall | stream_stall
    answer: str = "Cloud answer."
    status: int = 500
    failures_left: int = 0  # with mode "status": fail this many times, then answer
    stall_seconds: float = 5.0
    requests: list[dict] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # the Authorization header of each request
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def kill(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def settings(self, **changes: object) -> AssistantSettings:
        values = {
            "backend": "openai",
            "base_url": self.base_url,
            "model": "cloud-model",
            "timeout_seconds": 1.0,
            "max_retries": 1,
        }
        values.update(changes)
        return AssistantSettings(**values)

    @property
    def sent_text(self) -> str:
        return json.dumps(self.requests, ensure_ascii=False)


def _handler(cloud: Cloud) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            return None

        def _json(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            cloud.requests.append(body)
            cloud.keys.append(self.headers.get("Authorization", ""))
            if cloud.mode == "stall":
                time.sleep(cloud.stall_seconds)
                return
            if cloud.mode == "status" and cloud.failures_left != 0:
                cloud.failures_left -= 1
                self._json(
                    cloud.status,
                    {"error": {"message": "simulated", "type": "server_error", "param": None, "code": None}},
                )
                return
            if body.get("stream"):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                first = {
                    "id": "c1",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "cloud-model",
                    "choices": [
                        {
                            "index": 0,
                            "delta": {"role": "assistant", "content": cloud.answer[:5]},
                            "finish_reason": None,
                        }
                    ],
                }
                self.wfile.write(f"data: {json.dumps(first)}\n\n".encode())
                self.wfile.flush()
                if cloud.mode == "stream_stall":
                    time.sleep(cloud.stall_seconds)
                    return
                rest = dict(
                    first,
                    choices=[{"index": 0, "delta": {"content": cloud.answer[5:]}, "finish_reason": "stop"}],
                )
                self.wfile.write(f"data: {json.dumps(rest)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()
                self.close_connection = True
                return
            self._json(
                200,
                {
                    "id": "c1",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "cloud-model",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": cloud.answer},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                },
            )

    return Handler


@pytest.fixture(autouse=True)
def no_openai_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's or CI's OPENAI_* variables must not send test questions to a real service."""
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "HOCSO_ASSISTANT_MODEL", "HOCSO_LEARNER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cloud(free_port: int) -> Iterator[Cloud]:
    state = Cloud(port=free_port)
    server = ThreadingHTTPServer(("127.0.0.1", free_port), _handler(state))
    server.daemon_threads = True
    state.server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state
    state.kill()


@pytest.fixture(scope="session")
def tutor(course: Course) -> OfflineTutor:
    return OfflineTutor(course)


@pytest.fixture
def served_tutor(tutor: OfflineTutor, free_port: int) -> Iterator[RunningServer]:
    server = start_in_thread(tutor, "127.0.0.1", free_port)
    yield server
    server.stop()


@pytest.fixture
def bench_dir(repo_root: Path) -> Path:
    return repo_root / "bench"
